import { randomBytes } from 'node:crypto';
import { join, resolve } from 'node:path';
import { createBackend } from '@backstage/backend-defaults';
import { WinstonLogger } from '@backstage/backend-defaults/rootLogger';
import { transports } from 'winston';
import { coreServices, createBackendModule, createServiceFactory } from '@backstage/backend-plugin-api';
import { ConfigReader } from '@backstage/config';
import { catalogLocationsExtensionPoint } from '@backstage/plugin-catalog-node';
import type { JsonObject } from '@backstage/types';
import { postgresGitopsPermissionPolicyModule, scaffolderModulePostgres } from '../src';
import { ensureBareStateStore } from './state-store';
import { testSignInModule } from './test-sign-in';

/** Repository root, from dev/ (ts) or dist-dev/dev/ (compiled). */
export const REPO_ROOT = resolve(__dirname, __dirname.includes('dist-dev') ? '../../../..' : '../../..');

export interface DemoBackend {
  baseUrl: string;
  token: string;
  stateStore: string;
  stop(): Promise<void>;
}

export interface DemoBackendOptions {
  port: number;
  /** The bare repository of the state store (default .demo/state-store.git). */
  stateStore?: string;
  consoleLevel?: string;
  appUrl?: string;
  /** TESTS: app-config merged over the demo's (integrations, more state stores, other settings). */
  config?: JsonObject;
  /** TESTS: sign in as any catalog user (the test-users provider), and register file locations. */
  testing?: boolean;
}

/** TESTS: the state store's catalog files are registered by path, as an app registers its URLs. */
const fileLocationsModule = createBackendModule({
  pluginId: 'catalog',
  moduleId: 'postgres-gitops-test-file-locations',
  register(env) {
    env.registerInit({ deps: { locations: catalogLocationsExtensionPoint }, async init({ locations }) { locations.setAllowedLocationTypes(['url', 'file']); } });
  },
});

/** Who may do what in the demo: the guest (a member of "guests") may create in team-a and team-b; the platform team may do anything. */
export const DEMO_ACCESS = {
  platformGroups: ['group:default/platform-team'],
  namespaces: {
    'team-a': ['group:default/team-a', 'group:default/guests'],
    'team-b': ['group:default/team-b', 'group:default/guests'],
  },
};

/**
 * A real Backstage backend on localhost: catalog, scaffolder and permission plugins, this module
 * with its default permission policy, SQLite in memory, the "Create PostgreSQL" template and demo
 * org data, and a local bare repository as the state store. DEMO-ONLY configuration: a random
 * static token grants API access for this run.
 */
export async function startDemoBackend(options: DemoBackendOptions): Promise<DemoBackend> {
  const appUrl = options.appUrl ?? 'http://localhost:3000';
  // Colour codes only on a terminal: the scaffolder's task log colours its lines, and a file keeps them verbatim.
  if (!process.stdout.isTTY) process.env.FORCE_COLOR ??= '0';
  // A development server: Backstage's guest sign-in works only there.
  process.env.NODE_ENV ??= 'development';
  const stateStore = options.stateStore ?? join(REPO_ROOT, '.demo', 'state-store.git');
  ensureBareStateStore(stateStore);
  const token = `demo-only-${randomBytes(18).toString('hex')}`;
  const baseUrl = `http://localhost:${options.port}`;
  const demo = {
    app: { baseUrl: appUrl },
    // DEMO ONLY: guest sign-in, so a person (user:development/guest) is recorded as the requester.
    auth: { environment: 'development', providers: { guest: {}, ...(options.testing ? { 'test-users': {} } : {}) } },
    // Backstage's permission framework decides who may change, retire or copy a database (this module's default policy).
    permission: { enabled: true },
    backend: {
      baseUrl,
      listen: { port: options.port, host: '127.0.0.1' },
      // The demo frontend on localhost:3000 calls this backend from the browser.
      cors: { origin: appUrl, methods: ['GET', 'HEAD', 'PATCH', 'POST', 'PUT', 'DELETE'], credentials: true },
      database: { client: 'better-sqlite3', connection: ':memory:' },
      // DEMO ONLY: a static token for the REST calls of `npm run demo`; never use this in production.
      auth: { externalAccess: [{ type: 'static', options: { token, subject: 'postgres-gitops-demo' } }] },
    },
    catalog: {
      rules: [{ allow: ['Template', 'Group', 'User', 'System', 'Resource', 'Component', 'Location'] }],
      locations: [
        { type: 'file', target: join(REPO_ROOT, 'templates', 'postgres', 'template.yaml') },
        { type: 'file', target: join(REPO_ROOT, 'templates', 'postgres', 'change.yaml') },
        { type: 'file', target: join(REPO_ROOT, 'templates', 'postgres', 'retire.yaml') },
        { type: 'file', target: join(REPO_ROOT, 'plugins', 'scaffolder-postgres', 'dev', 'catalog', 'org.yaml') },
      ],
    },
    postgresGitops: {
      stateStore: { repoUrl: `file://${stateStore}`, targetBranch: 'main' },
      git: { author: { name: 'Backstage (demo)', email: 'backstage-demo@example.test' } },
      platform: { backstage: { baseUrl: appUrl }, access: DEMO_ACCESS },
    },
  };
  const config = ConfigReader.fromConfigs([
    { data: demo, context: 'demo' },
    ...(options.config ? [{ data: options.config, context: 'test' }] : []),
  ]);

  const backend = createBackend();
  // The backend's own console log at the level asked for (the demo: warnings only); task logs keep every line.
  backend.add(createServiceFactory({
    service: coreServices.rootLogger,
    deps: {},
    factory: () => WinstonLogger.create({ meta: { service: 'backstage' }, level: options.consoleLevel ?? process.env.LOG_LEVEL ?? 'info', format: WinstonLogger.colorFormat(), transports: [new transports.Console()] }),
  }));
  backend.add(createServiceFactory({ service: coreServices.rootConfig, deps: {}, factory: () => config }));
  backend.add(import('@backstage/plugin-catalog-backend'));
  backend.add(import('@backstage/plugin-catalog-backend-module-scaffolder-entity-model'));
  backend.add(import('@backstage/plugin-scaffolder-backend'));
  backend.add(import('@backstage/plugin-auth-backend'));
  backend.add(import('@backstage/plugin-auth-backend-module-guest-provider'));
  backend.add(import('@backstage/plugin-events-backend'));
  backend.add(import('@backstage/plugin-permission-backend'));
  backend.add(postgresGitopsPermissionPolicyModule);
  backend.add(scaffolderModulePostgres);
  if (options.testing) {
    backend.add(testSignInModule);
    backend.add(fileLocationsModule);
  }
  await backend.start();
  // Ready when the catalog holds the demo's users: a sign-in before that would miss their groups.
  await untilCatalogHas(baseUrl, token, 'user/development/guest');
  return { baseUrl, token, stateStore, stop: () => backend.stop() };
}

async function untilCatalogHas(baseUrl: string, token: string, ref: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const res = await fetch(`${baseUrl}/api/catalog/entities/by-name/${ref}`, { headers: { Authorization: `Bearer ${token}` } });
    if (res.status === 200) return;
    await new Promise(r => setTimeout(r, 200));
  }
  throw new Error(`the catalog did not load ${ref} within ${timeoutMs} ms`);
}

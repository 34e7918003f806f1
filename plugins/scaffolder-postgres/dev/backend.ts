import { randomBytes } from 'node:crypto';
import { join, resolve } from 'node:path';
import { createBackend } from '@backstage/backend-defaults';
import { WinstonLogger } from '@backstage/backend-defaults/rootLogger';
import { transports } from 'winston';
import { coreServices, createServiceFactory } from '@backstage/backend-plugin-api';
import { ConfigReader } from '@backstage/config';
import { scaffolderModulePostgres } from '../src';
import { ensureBareStateStore } from './state-store';

/** Repository root, from dev/ (ts) or dist-dev/dev/ (compiled). */
export const REPO_ROOT = resolve(__dirname, __dirname.includes('dist-dev') ? '../../../..' : '../../..');

export interface DemoBackend {
  baseUrl: string;
  token: string;
  stateStore: string;
  stop(): Promise<void>;
}

/**
 * A real Backstage backend on localhost: catalog and scaffolder plugins, this module, SQLite in
 * memory, the "Create PostgreSQL" template and demo org data, and a local bare repository as the
 * state store. DEMO-ONLY configuration: a random static token grants API access for this run.
 */
export async function startDemoBackend(options: { port: number; stateStore?: string; consoleLevel?: string; appUrl?: string }): Promise<DemoBackend> {
  const appUrl = options.appUrl ?? 'http://localhost:3000';
  // Colour codes only on a terminal: the scaffolder's task log colours its lines, and a file keeps them verbatim.
  if (!process.stdout.isTTY) process.env.FORCE_COLOR ??= '0';
  // A development server: Backstage's guest sign-in works only there.
  process.env.NODE_ENV ??= 'development';
  if (!process.stdout.isTTY) process.env.FORCE_COLOR ??= '0';
  const stateStore = options.stateStore ?? join(REPO_ROOT, '.demo', 'state-store.git');
  ensureBareStateStore(stateStore);
  const token = `demo-only-${randomBytes(18).toString('hex')}`;
  const baseUrl = `http://localhost:${options.port}`;
  const config = new ConfigReader({
    app: { baseUrl: appUrl },
    // DEMO ONLY: guest sign-in, so a person (user:development/guest) is recorded as the requester.
    auth: { environment: 'development', providers: { guest: {} } },
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
      platform: { backstage: { baseUrl: appUrl } },
    },
  });

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
  backend.add(scaffolderModulePostgres);
  await backend.start();
  return { baseUrl, token, stateStore, stop: () => backend.stop() };
}

import { randomBytes } from 'node:crypto';
import { join, resolve } from 'node:path';
import { createBackend } from '@backstage/backend-defaults';
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
export async function startDemoBackend(options: { port: number; stateStore?: string }): Promise<DemoBackend> {
  const stateStore = options.stateStore ?? join(REPO_ROOT, '.demo', 'state-store.git');
  ensureBareStateStore(stateStore);
  const token = `demo-only-${randomBytes(18).toString('hex')}`;
  const baseUrl = `http://localhost:${options.port}`;
  const config = new ConfigReader({
    app: { baseUrl: 'http://localhost:3000' },
    backend: {
      baseUrl,
      listen: { port: options.port, host: '127.0.0.1' },
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
      platform: { backstage: { baseUrl: 'http://localhost:3000' } },
    },
  });

  const backend = createBackend();
  backend.add(createServiceFactory({ service: coreServices.rootConfig, deps: {}, factory: () => config }));
  backend.add(import('@backstage/plugin-catalog-backend'));
  backend.add(import('@backstage/plugin-catalog-backend-module-scaffolder-entity-model'));
  backend.add(import('@backstage/plugin-scaffolder-backend'));
  backend.add(scaffolderModulePostgres);
  await backend.start();
  return { baseUrl, token, stateStore, stop: () => backend.stop() };
}

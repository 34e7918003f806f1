'use strict';
/**
 * A Backstage backend as an app's packages/backend/src/index.ts writes it, run from a directory
 * that holds only what `npm install` put there: the packed packages and the release's Backstage
 * packages. Configured by PACKED_* variables; prints "listening <port>" once it serves.
 */
const { createBackend } = require('@backstage/backend-defaults');
const { coreServices, createServiceFactory } = require('@backstage/backend-plugin-api');
const { ConfigReader } = require('@backstage/config');

const env = name => {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set`);
  return value;
};
const port = Number(env('PACKED_PORT'));

const config = new ConfigReader({
  app: { baseUrl: 'http://localhost:3000' },
  backend: {
    baseUrl: `http://localhost:${port}`,
    listen: { port, host: '127.0.0.1' },
    database: { client: 'better-sqlite3', connection: ':memory:' },
    auth: { externalAccess: [{ type: 'static', options: { token: env('PACKED_TOKEN'), subject: 'packed-app-test' } }] },
  },
  catalog: {
    rules: [{ allow: ['Template', 'Group', 'User', 'System', 'Resource', 'Component', 'Location'] }],
    locations: JSON.parse(env('PACKED_LOCATIONS')).map(target => ({ type: 'file', target })),
  },
  postgresGitops: {
    stateStore: { repoUrl: env('PACKED_STATE_STORE'), targetBranch: 'main' },
    git: { author: { name: 'Backstage (packed test)', email: 'backstage@example.test' } },
  },
});

const backend = createBackend();
backend.add(createServiceFactory({ service: coreServices.rootConfig, deps: {}, factory: () => config }));
backend.add(import('@backstage/plugin-catalog-backend'));
backend.add(import('@backstage/plugin-catalog-backend-module-scaffolder-entity-model'));
backend.add(import('@backstage/plugin-scaffolder-backend'));
backend.add(import('@postgres-gitops/backstage-plugin-scaffolder-backend-module-postgres'));
backend.start().then(
  () => process.stdout.write(`listening ${port}\n`),
  error => {
    process.stderr.write(`backend failed to start: ${error.stack ?? error}\n`);
    process.exit(1);
  },
);
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => backend.stop().finally(() => process.exit(0)));

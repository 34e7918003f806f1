import type { TemplateExample } from '@backstage/plugin-scaffolder-node';
import { stringify } from 'yaml';

const step = (name: string, input: Record<string, unknown>) =>
  stringify({ steps: [{ id: 'create-database', action: 'postgres:create', name, input }] });

/** Shown at /create/actions; a test runs every one of them against a local state store. */
export const examples: TemplateExample[] = [
  {
    description: 'The seed promise\'s basic request: a small PostgreSQL 15 in a git state store',
    example: step('Create PostgreSQL', { name: 'my-database', namespace: 'default', size: 'small', version: '15', database: 'myapp', repoUrl: 'file:///srv/git/state-store.git' }),
  },
  {
    description: 'A production database with a standby, backups, monitoring and TLS, as a pull request on GitHub',
    example: step('Create PostgreSQL', {
      name: 'orders', namespace: 'team-a', size: 'large', version: '17', profile: 'prod', database: 'orders', username: 'orders_app',
      owner: 'group:default/team-a', system: 'system:default/shop', cluster: 'worker-1', allowedNamespaces: ['shop-api'],
      repoUrl: 'github.com?owner=acme&repo=platform-state', reviewers: ['acme/dba'], labels: ['database'],
    }),
  },
  {
    description: 'A highly available database on CloudNativePG: three instances with automatic failover, point-in-time recovery from the platform\'s object store, and a PgBouncer pooler',
    example: step('Create PostgreSQL', {
      name: 'payments', namespace: 'team-b', engine: 'cloudnative-pg', profile: 'prod', size: 'large', replicas: 3, version: '17',
      database: 'payments', username: 'payments_app', pooling: true, owner: 'group:default/team-b', repoUrl: 'file:///srv/git/state-store.git',
    }),
  },
  {
    description: 'Resize an existing database: needs update, and the pull request shows the semantic diff',
    example: step('Resize PostgreSQL', { name: 'my-database', namespace: 'default', size: 'medium', version: '15', database: 'myapp', update: true, repoUrl: 'file:///srv/git/state-store.git' }),
  },
];

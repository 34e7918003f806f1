import type { TemplateExample } from '@backstage/plugin-scaffolder-node';
import { stringify } from 'yaml';

const step = (name: string, input: Record<string, unknown>) =>
  stringify({ steps: [{ id: 'change-database', action: 'postgres:update', name, input }] });

/** Shown at /create/actions; a test runs every one of them against a local state store. */
export const examples: TemplateExample[] = [
  {
    description: 'Grow a database: a larger size and more storage; everything else stays as stored, and the pull request says what restarts',
    example: step('Change PostgreSQL', { name: 'my-database', namespace: 'default', size: 'medium', storageSize: '20Gi', repoUrl: 'file:///srv/git/state-store.git' }),
  },
  {
    description: 'The offline in-place major upgrade of a CloudNativePG database, asked for explicitly',
    example: step('Upgrade PostgreSQL', { entityRef: 'resource:default/payments-team-b-worker-1', version: '18', allowMajorUpgrade: true, repoUrl: 'file:///srv/git/state-store.git' }),
  },
];

import type { TemplateExample } from '@backstage/plugin-scaffolder-node';
import { stringify } from 'yaml';

/** Shown at /create/actions; a test runs every one of them against a local state store. */
export const examples: TemplateExample[] = [
  {
    description: 'Retire a database: its manifests and catalog entity leave the state store, its volumes and credentials stay, and the pull request says how to delete them for good',
    example: stringify({ steps: [{ id: 'retire-database', action: 'postgres:decommission', name: 'Retire PostgreSQL', input: { name: 'my-database', namespace: 'default', repoUrl: 'file:///srv/git/state-store.git' } }] }),
  },
];

import { renderDatabase } from '../render-database';
import { nameCollisionIssues } from './name-collisions';

/** Review 3 M2: team/b-billing and team-b/billing, and the objects each pair would share. */
const db = (namespace: string, name: string, spec: Record<string, unknown> = {}) =>
  renderDatabase({ apiVersion: 'postgres-gitops.dev/v1alpha1', kind: 'PostgreSQL', metadata: { name, namespace }, spec });
const tenant = (namespace: string, name: string) => db(namespace, name, { server: { name: 'shared', namespace: 'databases' } });
const server = db('databases', 'shared', { engine: 'cloudnative-pg', tenants: true, backup: false });

describe('nameCollisionIssues: two databases of a cluster naming the same objects', () => {
  it('names both tenants and every object they would share, on the later directory', () => {
    expect(nameCollisionIssues([server, tenant('team', 'b-billing'), tenant('team-b', 'billing')])).toEqual([
      {
        path: 'clusters/worker-1/postgres/team/b-billing/request.yaml',
        problem: expect.stringContaining(
          'metadata.name: team/b-billing and team-b/billing (clusters/worker-1/postgres/team-b/billing/) on worker-1 name the same Flux Kustomization flux-system/pg-worker-1-team-b-billing, Argo CD Application pg-worker-1-team-b-billing, tenant objects databases/team-b-billing-postgresql...:',
        ),
      },
    ]);
  });

  it('still finds the Argo CD Application when the Flux names are shortened apart, and nothing across clusters or among other names', () => {
    const long = 'a'.repeat(39); // pg-worker-1-platform-team-b- and 39 more: 67 characters, past Flux's 63
    const issues = nameCollisionIssues([db('platform-team', `b-${long}`), db('platform-team-b', long)]);
    expect(issues).toHaveLength(1);
    expect(issues[0].problem).toContain(`name the same Argo CD Application pg-worker-1-platform-team-b-${long}:`);
    expect(nameCollisionIssues([db('team', 'b-billing'), db('team-b', 'billing', { cluster: 'worker-2' })])).toEqual([]);
    expect(nameCollisionIssues([server, tenant('team', 'b-ledger'), tenant('team-b', 'billing'), db('team', 'b-billing-eu')])).toEqual([]);
  });
});

import { renderDatabase } from '../../render-database';
import { decommissionText } from '../decommission';
import { reviewBody, reviewTitle } from '../summary';

const tenant = {
  apiVersion: 'postgres-gitops.dev/v1alpha1',
  kind: 'PostgreSQL',
  metadata: { name: 'billing', namespace: 'team-b' },
  spec: { server: { name: 'shared', namespace: 'databases' } },
};

describe('shared-server in review', () => {
  it('the pull request names the server for what the server decides, not the request\'s defaults', () => {
    const db = renderDatabase(tenant);
    const body = reviewBody(db);
    expect(body).toContain("| size, version, storage, backups, monitoring, TLS | the server's (databases/shared; see its request.yaml) |");
    expect(body).not.toMatch(/^\| (size|version|persistence|monitoring|TLS) \|/m);
    expect(body).not.toContain('(image )');
    expect(reviewTitle(db, false)).toBe('Create PostgreSQL team-b/billing on server databases/shared on worker-1');
  });

  it('the retirement says open sessions stay and how to end them', () => {
    const { body } = decommissionText(renderDatabase(tenant));
    expect(body).toMatch(/sessions of team_b__billing open at the merge: no login refuses new connections only/);
    expect(body).toContain("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = 'team_b__billing'");
  });
});

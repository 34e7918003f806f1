import { renderDatabase, withChanges, type RenderedDatabase } from '@postgres-gitops/renderer';
import { CNPG_PLATFORM, cnpgRequest } from './support/cnpg-requests';

/**
 * The pool arithmetic: what all pooler instances together may open on the server, as pgbouncer(5)
 * counts it. `default_pool_size` caps one user/database pair, `max_db_connections` one database
 * whatever the user (unset: no cap). CloudNativePG v1.30.0 gives each role its own pool
 * (pkg/management/pgbouncer/config/config.go: one `*` entry, auth_query users), so the owner and
 * every access role count. The connection-level tests on real PgBouncer are in
 * test/postgres/pooler-connections.test.ts.
 */
function serverConnections(db: RenderedDatabase, roles: number): number {
  const pooler = db.manifests.find(m => m.kind === 'Pooler') as any;
  const parameters = pooler.spec.pgbouncer.parameters;
  const perRole = Number(parameters.default_pool_size);
  const perDatabase = parameters.max_db_connections === undefined ? Infinity : Number(parameters.max_db_connections);
  return pooler.spec.instances * Math.min(roles * perRole, perDatabase);
}

const maxConnections = (db: RenderedDatabase) => (db.plan.engine === 'cloudnative-pg' ? db.plan.tuning.maxConnections : NaN);
const ACCESS = Array.from({ length: 20 }, (_, i) => ({ role: `reader_${i + 1}`, privileges: i % 2 ? 'write' : 'read' }));

const CASES = (['small', 'medium', 'large'] as const).flatMap(size =>
  (['dev', 'prod'] as const).flatMap(profile => [0, 2, 20].map(accessRoles => ({ size, profile, accessRoles }))),
);

describe('pool arithmetic: every pooler instance, every role, within the server', () => {
  it.each(CASES)('$size, $profile, owner and $accessRoles access role(s)', ({ size, profile, accessRoles }) => {
    const request = cnpgRequest('orders', { size, profile, replicas: profile === 'prod' ? 3 : 1, pooling: true, access: ACCESS.slice(0, accessRoles) });
    const pooled = renderDatabase(request, CNPG_PLATFORM);
    const passThrough = renderDatabase(withChanges(pooled.request, { pooling: false }), CNPG_PLATFORM);
    const roles = 1 + accessRoles;
    // Transaction mode leaves half of max_connections for direct connections; session mode at most 80 %.
    expect(serverConnections(pooled, roles)).toBeLessThanOrEqual(maxConnections(pooled) / 2);
    expect((passThrough.manifests.find(m => m.kind === 'Pooler') as any).spec.pgbouncer.poolMode).toBe('session');
    expect(serverConnections(passThrough, roles)).toBeLessThanOrEqual(maxConnections(passThrough) * 0.8);
  });

  it('planted: without max_db_connections the owner and two access roles exceed max_connections (review 3 M1)', () => {
    const db = renderDatabase(cnpgRequest('orders', { size: 'large', profile: 'prod', replicas: 3, pooling: true, access: ACCESS.slice(0, 2) }), CNPG_PLATFORM);
    const pooler = db.manifests.find(m => m.kind === 'Pooler') as any;
    delete pooler.spec.pgbouncer.parameters.max_db_connections;
    expect(serverConnections(db, 3)).toBeGreaterThan(maxConnections(db));
  });
});

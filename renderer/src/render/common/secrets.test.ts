import { CNPG_PLATFORM, planFor } from '../../__testUtils__/plans';
import { buildApplicationSecret } from './secrets';

describe('buildApplicationSecret', () => {
  it('generates the password once in the cluster and keeps the Secret when the ExternalSecret goes', () => {
    const [generator, externalSecret] = buildApplicationSecret(planFor({}));
    expect(generator).toMatchObject({ kind: 'Password', spec: { length: 32, symbols: 0 } });
    expect(externalSecret.spec).toMatchObject({ refreshPolicy: 'CreatedOnce', target: { name: 'orders-postgresql-secret', creationPolicy: 'Orphan', deletionPolicy: 'Retain' } });
    for (const m of [generator, externalSecret]) {
      expect(m.metadata.annotations).toMatchObject({ 'kustomize.toolkit.fluxcd.io/prune': 'disabled', 'argocd.argoproj.io/sync-options': 'Prune=false,Delete=false' });
    }
  });

  it('hands apps the seed promise\'s keys, libpq\'s and a URL, with the sslmode chosen once in the plan', () => {
    const template = (spec: Record<string, unknown>) => (buildApplicationSecret(planFor(spec))[1].spec as any).target.template.data;
    expect(Object.keys(template({}))).toEqual(['DATABASE_URL', 'PGDATABASE', 'PGHOST', 'PGPASSWORD', 'PGPORT', 'PGSSLMODE', 'PGUSER', 'postgres-database', 'postgres-password', 'postgres-username']);
    expect(template({ ssl: true })).toMatchObject({ PGSSLMODE: 'verify-full', PGSSLROOTCERT: '/etc/postgres-gitops/ca/ca.crt', PGHOST: 'orders-postgresql.team-a.svc' });
    expect(template({ ssl: false }).DATABASE_URL).toBe('postgresql://postgres:{{ .password | urlquery }}@orders-postgresql.team-a.svc:5432/app?sslmode=prefer');
  });

  it('renders nothing when the platform provides the Secrets', () => {
    expect(buildApplicationSecret(planFor({}, { credentials: { source: 'existing-secret' } }))).toEqual([]);
  });

  it('with rotation, asks the generator for a new password every N days (a Go duration: no day unit)', () => {
    for (const engine of ['statefulset', 'cloudnative-pg']) {
      const externalSecret = buildApplicationSecret(planFor({ engine, passwordRotationDays: 30 }, CNPG_PLATFORM))[1];
      expect(externalSecret.spec).toMatchObject({ refreshPolicy: 'Periodic', refreshInterval: '720h0m0s' });
    }
    const cnpg = buildApplicationSecret(planFor({ engine: 'cloudnative-pg', passwordRotationDays: 1 }, CNPG_PLATFORM))[1].spec as any;
    // The operator applies a new password at once only when the Secret carries this label.
    expect(cnpg.target.template.metadata.labels['cnpg.io/reload']).toBe('true');
    expect(cnpg.refreshInterval).toBe('24h0m0s');
  });
});

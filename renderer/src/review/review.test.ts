import { renderDatabase } from '../render-database';
import { diffDatabases } from './diff';
import { reviewBody, reviewTitle } from './summary';
import { formatTotals, resourceTotals } from './totals';

const request = (spec: Record<string, unknown>) => ({
  apiVersion: 'marketplace.kratix.io/v1alpha1',
  kind: 'postgresql',
  metadata: { name: 'orders', namespace: 'team-a' },
  spec,
});

describe('resource totals', () => {
  it('adds up every pod and volume of the seed production request', () => {
    const db = renderDatabase(request({ size: 'large', username: 'app_user', backup: true, monitoring: true, ssl: true }));
    // primary + standby at 500m/2000m, 1Gi/2Gi each, each with its reload loop at 20m/32Mi, exporter 10m/100m, 32Mi/128Mi; 2 x 10Gi data + 10Gi backups
    expect(formatTotals(resourceTotals(db.manifests))).toEqual({
      pods: '3',
      cpu: '1050m requested, 4140m limit',
      memory: '2144Mi requested, 4288Mi limit',
      storage: '30Gi',
    });
  });
});

describe('semantic diff', () => {
  it('explains a resize in terms reviewers care about', () => {
    const before = renderDatabase(request({ size: 'small', version: '16' }));
    const after = renderDatabase(request({ size: 'medium', version: '16' }));
    const diff = diffDatabases(before, after);
    const texts = diff.changes.map(c => c.text);
    expect(texts).toEqual(expect.arrayContaining([
      'size: small -> medium',
      expect.stringMatching(/^storageSize: 1Gi -> 5Gi: the data volumes grow in place/),
      'CPU limit (all pods): 520m -> 1020m',
      'memory limit (all pods): 544Mi -> 1056Mi',
      'total storage: 1Gi -> 5Gi',
    ]));
    expect(diff.changes.some(c => c.destructive)).toBe(false);
    expect(diff.files.changed.some(f => f.endsWith('statefulset-orders-postgresql.yaml'))).toBe(true);
  });

  it('marks data-threatening changes as destructive', () => {
    const before = renderDatabase(request({ size: 'medium', version: '15' }));
    const destructive = (spec: Record<string, unknown>) =>
      diffDatabases(before, renderDatabase(request({ size: 'medium', version: '15', ...spec }))).changes.filter(c => c.destructive).map(c => c.text.split(':')[0]);
    expect(destructive({ persistence: false })).toEqual(['persistence']);
    expect(destructive({ storageSize: '1Gi' })).toEqual(['storageSize']);
    expect(destructive({ version: '16' })).toEqual(['version']);
    expect(destructive({ database: 'other' })).toEqual(['database']);
    expect(destructive({ monitoring: true, replicas: 2 })).toEqual([]);
  });
});

describe('pull request text', () => {
  it('has a title naming the database, size, version and cluster', () => {
    const db = renderDatabase(request({ size: 'medium', version: 16, cluster: 'worker-1' }));
    expect(reviewTitle(db, false)).toBe('Create PostgreSQL team-a/orders (medium, 16) on worker-1');
    expect(reviewTitle(db, true)).toBe('Update PostgreSQL team-a/orders (medium, 16) on worker-1');
  });

  it('lists choices, totals, warnings, validation and files, and shows the diff of an update', () => {
    const before = renderDatabase(request({ size: 'small', version: '13', profile: 'prod', backup: false }));
    const after = renderDatabase(request({ size: 'large', version: '13', profile: 'prod', backup: false }));
    const body = reviewBody(after, { diff: diffDatabases(before, after), requestedBy: 'user:default/jane' });
    expect(body).toContain('Requested by `user:default/jane`.');
    expect(body).toContain('- size: small -> large');
    // prod: every request at its limit (Guaranteed QoS)
    expect(body).toContain('| CPU | 4050m requested, 4140m limit |');
    expect(body).toContain('PostgreSQL 13 is end-of-life');
    expect(body).toContain('No backup on a prod database.');
    expect(body).toContain('without automatic failover');
    expect(body).toContain('The application connects as "postgres", the superuser. For prod, set username to an application role.');
    expect(body).toContain('`statefulset-orders-postgresql-read.yaml`: StatefulSet orders-postgresql-read');
    expect(body).toContain('`request.yaml`: not applied');
    expect(body).not.toMatch(/password:\s*\S{8,}/i);
  });
});

describe('password rotation in a change', () => {
  const rotated = (spec: Record<string, unknown>) => ({ apiVersion: 'postgres-gitops.dev/v1alpha1', kind: 'PostgreSQL', metadata: { name: 'orders', namespace: 'team-a' }, spec: { engine: 'statefulset', version: '16', minorVersion: '16.8', passwordRotationDays: 30, ...spec } });
  const regenerations = (a: Record<string, unknown>, b: Record<string, unknown>) =>
    diffDatabases(renderDatabase(rotated(a)), renderDatabase(rotated(b))).changes.filter(c => c.text.includes('generated again')).map(c => c.text);

  it('keeps the ExternalSecret as it is across a minor upgrade (no version label on it), so the password stays', () => {
    expect(regenerations({}, { minorVersion: '16.11' })).toEqual([]);
    expect(regenerations({}, { size: 'large', storageSize: '20Gi' })).toEqual([]);
  });

  it('says so when a change does regenerate the password: a new rotation interval, or a new Secret template', () => {
    expect(regenerations({}, { passwordRotationDays: 7 })).toEqual([expect.stringMatching(/^the password in orders-postgresql-secret is generated again when this merges .*its spec change/)]);
    expect(regenerations({}, { ssl: true })).toHaveLength(1);
    expect(regenerations({ passwordRotationDays: undefined }, {})).toHaveLength(1);
    expect(regenerations({}, { passwordRotationDays: undefined })).toEqual([]);
  });
});

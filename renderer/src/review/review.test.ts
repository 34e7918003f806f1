import { renderDatabase } from '../render-database';
import { diffDatabases } from './diff';
import { reviewBody, reviewTitle } from './summary';
import { formatTotals, resourceTotals } from './totals';
import { platformSettingsSchema } from '../request/platform';

const CNPG_PLATFORM = platformSettingsSchema.parse({
  cloudnativePg: { objectStore: { destinationPath: 's3://acme/prod', s3Credentials: { accessKeyId: { name: 'b', key: 'k' }, secretAccessKey: { name: 'b', key: 's' } } } },
});

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
      transient: 'backup (0 2 * * * UTC, up to 23h): 500m-2000m CPU, 1Gi-2Gi memory',
    });
  });

  it('names what jobs ask while they run: the drill runner, the drill Cluster, the grants Job', () => {
    const db = renderDatabase(request({ engine: 'cloudnative-pg', profile: 'prod', access: [{ role: 'bi', privileges: 'read' }] }), CNPG_PLATFORM);
    expect(formatTotals(resourceTotals(db.manifests)).transient).toBe(
      'restore drill Cluster orders-drill (while a drill runs): 500m-500m CPU, 512Mi-512Mi memory, 1Gi of volumes; ' +
        'restore drill runner (0 2 * * * UTC, up to 2h): 20m-200m CPU, 64Mi-128Mi memory; ' +
        'access grants (once, on change): 10m-100m CPU, 32Mi-64Mi memory',
    );
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

describe('access roles and restore drills in review', () => {
  const cnpg = (spec: Record<string, unknown>) => renderDatabase(request({ engine: 'cloudnative-pg', profile: 'prod', ...spec }), CNPG_PLATFORM);

  it('the PR names each role, its Secret and what it may do, and where a drill\'s result shows', () => {
    const body = reviewBody(cnpg({ access: [{ role: 'etl', privileges: 'write' }, { role: 'analytics', privileges: 'read' }] }));
    expect(body).toContain('| access roles | analytics (read, Secret orders-postgresql-role-analytics), etl (write, Secret orders-postgresql-role-etl): each with its own generated password');
    expect(body).toContain('neither creates, alters or drops objects');
    expect(body).toMatch(/\| restore drill \| 0 2 \* \* \* UTC: Cluster orders-drill is recovered by the operator .* Result: the latest Job of CronJob orders-drill .* PostgreSQLRestoreDrillFailed and PostgreSQLRestoreDrillStale \|/);
    expect(body).toContain('| while jobs run | restore drill Cluster orders-drill (while a drill runs): 500m-500m CPU, 512Mi-512Mi memory, 1Gi of volumes; restore drill runner (0 2 * * * UTC, up to 2h)');
    expect(body).toContain('Restore drills need the admission policy postgres-gitops-restore-drill on worker-1 (postgres-gitops wiring --drill-policy)');
  });

  it('an update says per role what happens, and that removing one drops it (or, where it owns objects, what each engine does)', () => {
    const before = cnpg({ access: [{ role: 'bi', privileges: 'read' }, { role: 'etl', privileges: 'read' }] });
    const after = cnpg({ access: [{ role: 'etl', privileges: 'write' }, { role: 'analytics', privileges: 'read' }] });
    const texts = diffDatabases(before, after).changes.map(c => `${c.text}${c.action ? ` [${c.action}]` : ''}`);
    expect(texts).toEqual(expect.arrayContaining([
      'access: + analytics (read): a new role with its own password, generated in the cluster (Secret orders-postgresql-role-analytics)',
      'access: etl read -> write: also INSERT, UPDATE, DELETE and sequence USAGE, applied live (a membership change)',
      expect.stringMatching(/^access: - bi \(read\): the role is dropped and Secret orders-postgresql-role-bi deleted; .* its DatabaseRole stays Terminating .* \[applications using Secret orders-postgresql-role-bi lose access\]$/),
    ]));
    const first = diffDatabases(cnpg({}), cnpg({ access: [{ role: 'bi', privileges: 'read' }] })).changes;
    expect(first.map(c => c.text)).toContain('access: connections to app are limited to app and its access roles from now on (CONNECT revoked from PUBLIC; on PostgreSQL 13 and 14 also CREATE on schema public, as 15 does)');
    expect(first.find(c => c.text.startsWith('access: connections'))?.action).toBe('roles made by hand that connect to app need GRANT CONNECT ON DATABASE app TO <role>');
  });

  it('turning drills on says what runs and what it needs of the namespace\'s quota; a prod database without drills is warned about', () => {
    const off = cnpg({ restoreDrill: false });
    const on = cnpg({});
    const change = diffDatabases(off, on).changes.find(c => c.text.startsWith('restoreDrill'))!;
    expect(change.text).toMatch(/^restoreDrill: false -> true: 0 2 \* \* \* UTC: Cluster orders-drill is recovered/);
    expect(change.action).toBe('the drill Cluster (1Gi volume, the instance\'s resources) must fit the namespace\'s ResourceQuota while it runs');
    expect(reviewBody(off)).toContain('Backups are never restored to prove them (restoreDrill: false).');
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

describe('turning tenants on for a database in use (SRE review 3 m2)', () => {
  const cnpg = (tenants: boolean) => renderDatabase(request({ engine: 'cloudnative-pg', username: 'app', backup: false, tenants }), CNPG_PLATFORM);

  it('the PR says every other role is refused from then on, and what to check before merging', () => {
    const diff = diffDatabases(cnpg(false), cnpg(true));
    const body = reviewBody(cnpg(true), { diff });
    const line = body.split('\n').find(l => l.startsWith('- tenants:'));
    expect(line).toMatch(/^- tenants: false -> true: the server accepts tenants; its pg_hba then admits the owner \(app\), the access roles and the tenants' roles only, and ends with host all all all reject: roles other than the owner, the access roles and tenants are refused from then on/);
    expect(line).toContain('(manual step: before merging, list the login roles (SELECT rolname FROM pg_roles WHERE rolcanlogin');
    // The rendered pg_hba the text describes ends with the reject.
    const cluster = cnpg(true).manifests.find(m => m.kind === 'Cluster') as any;
    expect(cluster.spec.postgresql.pg_hba.at(-1)).toBe('host all all all reject');
  });
});

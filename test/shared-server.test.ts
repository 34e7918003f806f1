import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { assertWorld, parseRequest, renderDatabase, retirement, type RenderedDatabase } from '@postgres-gitops/renderer';
import { cli, issuesOf } from '../cli/src/__testUtils__/cli';
import { clientConnectionChange } from '../renderer/src/review/client-connection';
import { EXIT } from '../cli/src/exit-codes';
import { kustomizeBuild } from './support/kustomize';
import { createStateStore, type StateStore } from './support/state-store';
import { validateObject } from './support/validate';
import { podSpecsOf, restrictedViolations } from './support/pod-security';

const server = { apiVersion: 'postgres-gitops.dev/v1alpha1', kind: 'PostgreSQL', metadata: { name: 'shared', namespace: 'databases' }, spec: { engine: 'cloudnative-pg', tenants: true, backup: false } };
const tenant = (namespace: string, name: string, spec: Record<string, unknown> = {}) => ({
  apiVersion: 'postgres-gitops.dev/v1alpha1',
  kind: 'PostgreSQL',
  metadata: { name, namespace },
  spec: { server: { name: 'shared', namespace: 'databases' }, ...spec },
});
const byKind = (db: RenderedDatabase, kind: string) => db.manifests.filter(m => m.kind === kind) as any[];

describe('a database on a shared server (tenant)', () => {
  const orders = renderDatabase(tenant('team-a', 'orders', { passwordRotationDays: 30, server: { name: 'shared', namespace: 'databases', userSuffix: '@shared' } }));

  it('renders a Database and DatabaseRole (retain) beside the server, the Secret beside the application; every object valid', () => {
    expect(orders.directory).toBe('clusters/worker-1/postgres/team-a/orders');
    const [role] = byKind(orders, 'DatabaseRole');
    const [database] = byKind(orders, 'Database');
    expect(role).toMatchObject({ metadata: { namespace: 'databases' }, spec: { cluster: { name: 'shared-postgresql' }, name: 'team_a__orders', login: true, connectionLimit: 20, databaseRoleReclaimPolicy: 'retain', passwordSecret: { name: 'team-a-orders-postgresql-owner' } } });
    expect(database).toMatchObject({ metadata: { namespace: 'databases' }, spec: { cluster: { name: 'shared-postgresql' }, name: 'team_a__orders', owner: 'team_a__orders', databaseReclaimPolicy: 'retain' } });
    const ownerSecret = byKind(orders, 'ExternalSecret').find(m => m.metadata.namespace === 'databases');
    expect(ownerSecret.spec).toMatchObject({ refreshPolicy: 'Periodic', refreshInterval: '720h0m0s', target: { template: { type: 'kubernetes.io/basic-auth', metadata: { labels: { 'cnpg.io/reload': 'true' } } } } });
    const copy = byKind(orders, 'ExternalSecret').find(m => m.metadata.namespace === 'team-a');
    expect(copy.spec.target.template.data).toMatchObject({
      PGHOST: 'shared-postgresql-rw.databases.svc.cluster.local',
      PGPORT: '5432',
      PGDATABASE: 'team_a__orders',
      PGUSER: 'team_a__orders@shared',
      DATABASE_URL: 'postgresql://team_a__orders%40shared:{{ .password | urlquery }}@shared-postgresql-rw.databases.svc.cluster.local:5432/team_a__orders?sslmode=verify-full&sslrootcert=%2Fetc%2Fpostgres-gitops%2Fca%2Fca.crt',
      PGSSLMODE: 'verify-full',
      PGSSLROOTCERT: '/etc/postgres-gitops/ca/ca.crt',
      'ca.crt': '{{ .ca }}',
    });
    expect(copy.spec.data).toEqual([
      { secretKey: 'password', remoteRef: { key: 'team-a-orders-postgresql-owner', property: 'password' } },
      { secretKey: 'ca', remoteRef: { key: 'shared-postgresql-server-ca', property: 'ca.crt' } },
    ]);
    // The tenant's store may read exactly two Secrets of the server's namespace: its owner's password and the server's public CA.
    const [reader] = byKind(orders, 'Role');
    expect(reader.rules).toEqual([{ apiGroups: [''], resources: ['secrets'], resourceNames: ['team-a-orders-postgresql-owner', 'shared-postgresql-server-ca'], verbs: ['get'] }]);
    expect(byKind(orders, 'RoleBinding')[0].subjects).toEqual([{ kind: 'ServiceAccount', name: 'orders-postgresql-credentials', namespace: 'team-a' }]);
    expect(byKind(orders, 'SecretStore')[0].spec.provider.kubernetes.remoteNamespace).toBe('databases');
    const problems = orders.manifests.flatMap(m => validateObject(m).map(p => `${m.kind}/${m.metadata.name}: ${p}`));
    expect(problems).toEqual([]);
    expect(orders.manifests.filter(m => !m.metadata.namespace)).toEqual([]);
    expect(kustomizeBuild(orders).length).toBe(orders.manifests.length);
  });

  it('never touches the server\'s directory, and two tenants of the same name never share a name on the server', () => {
    expect(Object.keys(orders.files).every(f => f.startsWith('clusters/worker-1/postgres/team-a/orders/'))).toBe(true);
    const other = renderDatabase(tenant('team-b', 'orders'));
    const serverSide = (db: RenderedDatabase) => db.manifests.filter(m => m.metadata.namespace === 'databases').map(m => `${m.kind}/${m.metadata.name}`);
    expect(serverSide(orders).filter(n => serverSide(other).includes(n))).toEqual([]);
    expect(byKind(other, 'Database')[0].spec.name).toBe('team_b__orders');
  });

  it('the server publishes the CA of its certificate, and only that, for its tenants', () => {
    for (const [certificates, source] of [['operator', 'shared-postgresql-ca'], ['cert-manager', 'shared-postgresql-tls']] as const) {
      const db = renderDatabase(server, { ...renderDatabase(server).plan.platform, cloudnativePg: { ...renderDatabase(server).plan.platform.cloudnativePg, certificates } });
      const [publisher] = byKind(db, 'Role');
      expect(publisher.rules).toEqual([{ apiGroups: [''], resources: ['secrets'], resourceNames: [source], verbs: ['get'] }]);
      const copy = byKind(db, 'ExternalSecret').find(e => e.metadata.name === 'shared-postgresql-server-ca');
      expect(copy.spec.data).toEqual([{ secretKey: 'ca', remoteRef: { key: source, property: 'ca.crt' } }]);
      expect(Object.keys(copy.spec.target.template.data)).toEqual(['ca.crt']);
      expect(db.manifests.flatMap(m => validateObject(m).map(p => `${m.kind}/${m.metadata.name}: ${p}`))).toEqual([]);
    }
    const noTenants = renderDatabase({ ...server, spec: { ...server.spec, tenants: false } });
    expect(byKind(noTenants, 'Role')).toEqual([]);
  });

  it('a tenant rendered when it was told sslmode=prefer: the fleet line says its Secret follows at once, so the CA is mounted first', () => {
    const now = byKind(orders, 'ConfigMap')[0];
    const before = { ...now, data: { ...now.data, sslmode: 'prefer' } };
    delete before.data.sslrootcert;
    expect(clientConnectionChange(before, now, true)).toBe(
      "clients' connection: sslmode prefer -> verify-full, sslrootcert (unset) -> /etc/postgres-gitops/ca/ca.crt; the Secret follows within a minute, and applications read it when they next start (manual step: mount orders-postgresql-secret (key ca.crt; mount that key alone) at /etc/postgres-gitops/ca/ca.crt in the applications before they restart)",
    );
  });

  it('admits the tenant\'s namespace to the server\'s pods with a NetworkPolicy of its own', () => {
    const [policy] = byKind(orders, 'NetworkPolicy');
    expect(policy).toMatchObject({
      metadata: { namespace: 'databases' },
      spec: { podSelector: { matchLabels: { 'cnpg.io/cluster': 'shared-postgresql' } }, ingress: [{ from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'team-a' } } }], ports: [{ port: 5432 }] }] },
    });
  });

  it('refuses what the server decides, a server-less shared-server request and ambiguous names, naming each field', () => {
    expect(issuesOf(() => parseRequest(tenant('team-a', 'orders', { size: 'large', database: 'orders', ssl: true })))).toEqual([
      'spec.size: is decided by the shared server databases/shared; leave it out',
      'spec.ssl: is decided by the shared server databases/shared; leave it out',
      'spec.database: is derived on a shared server ("team_a__orders", from namespace and name) so that two tenants never share a database or role; leave it out',
    ]);
    expect(issuesOf(() => parseRequest({ ...tenant('team-a', 'orders'), spec: { engine: 'shared-server' } }))).toEqual([
      'spec.server: is required for engine shared-server: name the cloudnative-pg database whose server hosts this one',
    ]);
    expect(issuesOf(() => parseRequest(tenant('team--a', 'orders')))).toEqual(['metadata.namespace: must not contain "--" on a shared server (the derived database name would be ambiguous)']);
    expect(issuesOf(() => parseRequest({ ...tenant('team-a', 'orders'), spec: { engine: 'cloudnative-pg', server: { name: 'shared' } } }))).toEqual([
      'spec.server: is a shared-server feature; set spec.engine: shared-server or leave it out',
    ]);
    expect(issuesOf(() => parseRequest(tenant('a'.repeat(40), 'b'.repeat(30))))[0]).toMatch(/^metadata.name: too long for a shared server: .* 72 bytes/);
  });

  it('checks the server in the state store: there, cloudnative-pg, open to tenants', () => {
    const request = parseRequest(tenant('team-a', 'orders'));
    const world = (text: string | null) => issuesOf(() => assertWorld(request, { now: new Date(), server: text }, renderDatabase(server).plan.platform));
    expect(world(null)).toEqual(['spec.server.name: no database databases/shared on worker-1 in the state store (clusters/worker-1/postgres/databases/shared/ does not exist)']);
    expect(world(stringify({ ...server, spec: { engine: 'cloudnative-pg' } }))).toEqual(['spec.server.name: databases/shared on worker-1 does not accept tenants; set tenants: true on it first (its own pull request)']);
    expect(world(stringify({ ...server, spec: { engine: 'statefulset' } }))).toEqual(['spec.server.name: databases/shared on worker-1 runs on statefulset; shared-server databases live on cloudnative-pg servers']);
    expect(() => assertWorld(request, { now: new Date(), server: stringify(server) }, renderDatabase(server).plan.platform)).not.toThrow();
  });

  it('access roles of a tenant: named after the tenant on the server, groups and roles as DatabaseRoles beside it, their Secrets copied into the tenant\'s namespace; every object valid', () => {
    const db = renderDatabase(tenant('team-a', 'orders', { access: [{ role: 'bi', privileges: 'read' }, { role: 'loader', privileges: 'write' }], server: { name: 'shared', namespace: 'databases', userSuffix: '@shared' } }));
    const roles = byKind(db, 'DatabaseRole').map(r => [r.metadata.name, r.spec.name, r.spec.inRoles ?? [], r.spec.databaseRoleReclaimPolicy, r.metadata.namespace]);
    expect(roles).toEqual([
      ['team-a-orders-postgresql', 'team_a__orders', [], 'retain', 'databases'],
      ['team-a-orders-postgresql-access-read', 'team_a__orders__read', [], 'retain', 'databases'],
      ['team-a-orders-postgresql-access-write', 'team_a__orders__write', ['team_a__orders__read'], 'retain', 'databases'],
      ['team-a-orders-postgresql-role-bi', 'team_a__orders__bi', ['team_a__orders__read', 'postgres_gitops_access'], 'delete', 'databases'],
      ['team-a-orders-postgresql-role-loader', 'team_a__orders__loader', ['team_a__orders__write', 'postgres_gitops_access'], 'delete', 'databases'],
    ]);
    expect(byKind(db, 'Database')[0].spec.schemas).toEqual([{ name: 'public', owner: 'team_a__orders' }]);
    const copy = byKind(db, 'ExternalSecret').find(m => m.metadata.namespace === 'team-a' && m.metadata.name === 'orders-postgresql-role-bi');
    expect(copy.spec.target.template.data).toMatchObject({ PGUSER: 'team_a__orders__bi@shared', PGDATABASE: 'team_a__orders', 'ca.crt': '{{ .ca }}' });
    expect(copy.spec.data[0]).toEqual({ secretKey: 'password', remoteRef: { key: 'team-a-orders-postgresql-role-bi', property: 'password' } });
    expect(byKind(db, 'Role')[0].rules[0].resourceNames).toEqual(['team-a-orders-postgresql-owner', 'shared-postgresql-server-ca', 'team-a-orders-postgresql-role-bi', 'team-a-orders-postgresql-role-loader']);
    // The grants Job and its scripts run in the server's namespace, where the server's
    // PostgreSQLAccessGrantsFailed watches (test/drill-alerts.test.ts), with the owner's Secret and the
    // server's public CA that live there; its pod meets the restricted Pod Security Standard.
    const [job] = byKind(db, 'Job');
    expect(job.metadata).toMatchObject({ namespace: 'databases', name: expect.stringMatching(/^team-a-orders-postgresql-access-[0-9a-f]{8}$/) });
    expect(job.spec.template.spec.containers[0].env).toEqual(expect.arrayContaining([
      { name: 'PGUSER', value: 'team_a__orders' }, { name: 'WITH_GROUPS', value: 'true' }, { name: 'PGSSLMODE', value: 'verify-full' },
      { name: 'PGPASSWORD', valueFrom: { secretKeyRef: { name: 'team-a-orders-postgresql-owner', key: 'password' } } },
    ]));
    expect(byKind(db, 'ConfigMap').find(m => m.metadata.name === 'team-a-orders-postgresql-access')?.metadata.namespace).toBe('databases');
    expect(job.spec.template.spec.volumes).toEqual(expect.arrayContaining([
      { name: 'access', configMap: { name: 'team-a-orders-postgresql-access', defaultMode: 0o555 } },
      { name: 'server-ca', secret: { secretName: 'shared-postgresql-server-ca', items: [{ key: 'ca.crt', path: 'ca.crt' }], defaultMode: 0o444 } },
    ]));
    for (const spec of podSpecsOf(job)) expect(restrictedViolations(spec)).toEqual([]);
    // Nothing of the grants is left in the tenant's namespace.
    expect(db.manifests.filter(m => m.metadata.namespace === 'team-a' && m.metadata.labels?.['app.kubernetes.io/component'] === 'access').map(m => m.kind)).toEqual(['ExternalSecret', 'ExternalSecret']);
    expect(db.manifests.flatMap(m => validateObject(m).map(p => `${m.kind}/${m.metadata.name}: ${p}`))).toEqual([]);
    // Every tenant, with access roles or without, runs the Job that keeps other tenants' roles out of its database.
    expect(byKind(renderDatabase(tenant('team-b', 'orders')), 'Job')[0].spec.template.spec.containers[0].env).toContainEqual({ name: 'WITH_GROUPS', value: 'false' });
  });

  it('a tenant of long namespace and name: its grants Job\'s prefix is cut to a valid name within 63 characters, apart from its neighbour\'s', () => {
    // Namespace and name at the most a tenant may have together (61 characters: its role's 63 bytes).
    const namespace = `team-${'n'.repeat(35)}`;
    const jobOf = (name: string) => byKind(renderDatabase(tenant(namespace, name)), 'Job')[0];
    const [a, b] = [jobOf(`${'o'.repeat(20)}a`), jobOf(`${'o'.repeat(20)}b`)];
    for (const job of [a, b]) {
      expect(job.metadata.name).toMatch(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/);
      expect(job.metadata.name.length).toBeLessThanOrEqual(63);
      expect(validateObject(job)).toEqual([]);
    }
    expect(a.metadata.name.slice(0, -8)).toBe(`${`${namespace}-${'o'.repeat(20)}a`.slice(0, 47)}-access-`);
    expect(a.metadata.name).not.toBe(b.metadata.name);
  });

  it('refuses drills on a tenant (the server\'s drills restore it) and access role names too long once derived, naming each field', () => {
    expect(issuesOf(() => parseRequest(tenant('team-a', 'orders', { restoreDrill: true })))).toEqual([
      'spec.restoreDrill: is decided by the shared server databases/shared (its drills restore every database on it); leave it out',
    ]);
    expect(issuesOf(() => parseRequest(tenant('team-a', 'orders', { access: [{ role: 'a'.repeat(50), privileges: 'read' }] })))).toEqual([
      `spec.access.0.role: the role on the shared server would be "team_a__orders__${'a'.repeat(50)}" (66 bytes); PostgreSQL allows 63: use at most 47 characters`,
    ]);
  });

  it('takes access roles only once the server was rendered with the pg_hba lines that admit them (schema version 2)', () => {
    const request = parseRequest(tenant('team-a', 'orders', { access: [{ role: 'bi', privileges: 'read' }] }));
    const world = (text: string) => issuesOf(() => assertWorld(request, { now: new Date(), server: text }, renderDatabase(server).plan.platform));
    const old = stringify({ ...server, metadata: { ...server.metadata, annotations: { 'postgres-gitops.dev/schema-version': '1' } } });
    expect(world(old)).toEqual([expect.stringMatching(/^spec.access: the server databases\/shared on worker-1 was rendered before access roles for tenants \(its pg_hba must admit them\); re-render it first/)]);
    expect(() => assertWorld(request, { now: new Date(), server: renderDatabase(server).files['clusters/worker-1/postgres/databases/shared/request.yaml'] }, renderDatabase(server).plan.platform)).not.toThrow();
  });

  it('retires by taking the role\'s login away and keeping the database; a second retirement is refused', () => {
    const stored = { ...tenant('team-a', 'orders') };
    const { files, body } = retirement(stored, renderDatabase(server).plan.platform);
    expect(Object.keys(files).map(f => f.replace('clusters/worker-1/postgres/team-a/orders/', '')).sort()).toEqual([
      'database-team-a-orders-postgresql.yaml', 'databaserole-team-a-orders-postgresql.yaml', 'flux-kustomization.yaml', 'kustomization.yaml', 'request.yaml',
    ]);
    expect(files['clusters/worker-1/postgres/team-a/orders/databaserole-team-a-orders-postgresql.yaml']).toMatch(/login: false\n/);
    expect(files['clusters/worker-1/postgres/team-a/orders/databaserole-team-a-orders-postgresql.yaml']).toMatch(/disablePassword: true\n/);
    expect(body).toContain('**The database itself is not deleted** (reclaim policy retain)');
    // Deleting for good goes through git (the objects would re-create what psql dropped), the primary found by its role label.
    expect(body).toContain('postgres-gitops decommission worker-1/team-a/orders --repo <state-store> --allow-destructive');
    expect(body).toContain('get pod -l cnpg.io/cluster=shared-postgresql,cnpg.io/instanceRole=primary -o name');
    expect(body).not.toContain('shared-postgresql-1');
    const retiredRequest = files['clusters/worker-1/postgres/team-a/orders/request.yaml'];
    expect(() => retirement(require('yaml').parse(retiredRequest), renderDatabase(server).plan.platform)).toThrow('is already retired: its owner role cannot log in and its database stays on the server. To drop the database and the role for good (destructive): postgres-gitops decommission worker-1/team-a/orders --repo <state-store> --allow-destructive');
  });
});

describe('a tenant through the CLI and a real state store', () => {
  let store: StateStore;
  let dir: string;
  beforeAll(() => {
    store = createStateStore();
    dir = mkdtempSync(join(tmpdir(), 'pgg-tenant-'));
  });
  afterAll(() => {
    store.cleanup();
    rmSync(dir, { recursive: true, force: true });
  });

  const write = (name: string, object: unknown) => {
    const path = join(dir, name);
    writeFileSync(path, stringify(object));
    return path;
  };
  const merge = (branch: string) => execFileSync('git', ['update-ref', 'refs/heads/main', `refs/heads/${branch}`], { cwd: store.bare });

  it('is refused until the server accepts tenants, then lands in its own directory, and retires to a record', async () => {
    const first = await cli(['publish', write('tenant.yaml', tenant('team-a', 'orders')), '--repo', store.url]);
    expect(first).toMatchObject({ code: EXIT.invalidInput, stderr: expect.stringContaining('spec.server.name: no database databases/shared on worker-1 in the state store') });
    expect(store.branches()).toEqual(['main']);

    expect((await cli(['publish', write('server.yaml', server), '--repo', store.url])).code).toBe(EXIT.ok);
    merge('postgres/worker-1/databases/shared');
    const created = await cli(['publish', write('tenant.yaml', tenant('team-a', 'orders')), '--repo', store.url]);
    expect(created.code).toBe(EXIT.ok);
    expect(store.files('postgres/worker-1/team-a/orders', 'clusters/worker-1/postgres/databases')).toEqual(store.files('main', 'clusters/worker-1/postgres/databases'));
    merge('postgres/worker-1/team-a/orders');

    const retired = await cli(['decommission', 'worker-1/team-a/orders', '--repo', store.url]);
    expect(retired.code).toBe(EXIT.ok);
    expect(store.files('postgres-retire/worker-1/team-a/orders', 'clusters/worker-1/postgres/team-a/orders')).toHaveLength(5);
    merge('postgres-retire/worker-1/team-a/orders');
    const again = await cli(['decommission', 'worker-1/team-a/orders', '--repo', store.url]);
    expect(again).toMatchObject({ code: EXIT.invalidInput, stderr: expect.stringContaining('is already retired') });

    // For good, through git: the drop (destructive), then the record goes.
    const drop = await cli(['decommission', 'worker-1/team-a/orders', '--repo', store.url, '--allow-destructive']);
    expect(drop.code).toBe(EXIT.ok);
    expect(store.show('postgres-retire/worker-1/team-a/orders', 'clusters/worker-1/postgres/team-a/orders/database-team-a-orders-postgresql.yaml')).toMatch(/ensure: absent\n/);
    expect(store.show('postgres-retire/worker-1/team-a/orders', 'clusters/worker-1/postgres/team-a/orders/databaserole-team-a-orders-postgresql.yaml')).toMatch(/databaseRoleReclaimPolicy: delete\n/);
    merge('postgres-retire/worker-1/team-a/orders');
    const gone = await cli(['decommission', 'worker-1/team-a/orders', '--repo', store.url]);
    expect(gone.code).toBe(EXIT.ok);
    expect(store.files('postgres-retire/worker-1/team-a/orders', 'clusters/worker-1/postgres/team-a/orders')).toEqual([]);
  });
});

import { issuesOf as rejections } from '../__testUtils__/issues';
import { parseRequest } from './parse';
import { platformSettingsSchema } from './platform';

const kratix = (spec: Record<string, unknown>, metadata: Record<string, unknown> = { name: 'orders', namespace: 'team-a' }) => ({
  apiVersion: 'marketplace.kratix.io/v1alpha1',
  kind: 'postgresql',
  metadata,
  spec,
});

const issuesOf = (input: unknown) => rejections(() => parseRequest(input));

describe('parseRequest defaults', () => {
  it('resolves the seed promise defaults for an empty spec', () => {
    const { spec, metadata } = parseRequest(kratix({}, { name: 'orders' }));
    expect(metadata.namespace).toBe('default');
    expect(spec).toMatchObject({
      size: 'small', version: '15', database: 'app', username: 'postgres',
      persistence: true, backup: false, monitoring: false, ssl: false,
      engine: 'statefulset', profile: 'dev', replicas: 1, storageSize: '1Gi',
      backupSchedule: '0 2 * * *', cluster: 'worker-1', owner: 'group:default/default',
    });
  });

  it('accepts the version as a number', () => {
    expect(parseRequest(kratix({ version: 16 })).spec.version).toBe('16');
  });

  it('lets the size set resources and replicas, the profile feature defaults, and explicit fields win', () => {
    const prod = parseRequest(kratix({ size: 'large', profile: 'prod' })).spec;
    expect(prod).toMatchObject({ replicas: 2, storageSize: '10Gi', backup: true, monitoring: true, ssl: true, backupRetention: 30 });
    const explicit = parseRequest(kratix({ size: 'large', profile: 'prod', ssl: false, replicas: 3, storageSize: '50Gi' })).spec;
    expect(explicit).toMatchObject({ replicas: 3, storageSize: '50Gi', ssl: false, backup: true });
  });

  it('never lets a profile switch backup on without persistence, and drops the standby', () => {
    expect(parseRequest(kratix({ size: 'large', profile: 'prod', persistence: false })).spec).toMatchObject({ backup: false, replicas: 1 });
  });

  it('accepts a full Kubernetes object as Kratix hands it over', () => {
    const object = {
      ...kratix({ size: 'medium' }),
      metadata: {
        name: 'orders', namespace: 'team-a', uid: '6f1c', generation: 3, resourceVersion: '123',
        managedFields: [{ manager: 'kubectl', operation: 'Update' }],
        labels: { 'kratix.io/promise-name': 'postgresql' },
        annotations: { 'kubectl.kubernetes.io/last-applied-configuration': '{}' },
      },
      status: { message: 'Pending', conditions: [] },
    };
    const request = parseRequest(object);
    expect(request.spec.size).toBe('medium');
    expect(request.metadata.annotations).toEqual({ 'postgres-gitops.dev/schema-version': '2', 'postgres-gitops.dev/created-with-version': '15', 'postgres-gitops.dev/claim-template-storage-size': '5Gi' });
  });

  it('turns restore drills on by default in prod with backups, never in dev or staging, never without backups', () => {
    expect(parseRequest(kratix({ profile: 'prod' })).spec.restoreDrill).toBe(true);
    expect(parseRequest(kratix({ profile: 'prod', backup: false })).spec.restoreDrill).toBe(false);
    expect(parseRequest(kratix({ profile: 'prod', persistence: false })).spec.restoreDrill).toBe(false);
    expect(parseRequest(kratix({ profile: 'staging' })).spec.restoreDrill).toBe(false);
    expect(parseRequest(kratix({ profile: 'staging', restoreDrill: true })).spec.restoreDrill).toBe(true);
    expect(parseRequest(kratix({ profile: 'prod', restoreDrill: false })).spec.restoreDrill).toBe(false);
  });

  it('never turns drills on for a database stored before them (schema version 1); asking for them does', () => {
    const stored = { ...kratix({ profile: 'prod' }), apiVersion: 'postgres-gitops.dev/v1alpha1', kind: 'PostgreSQL', metadata: { name: 'orders', namespace: 'team-a', annotations: { 'postgres-gitops.dev/schema-version': '1' } } };
    expect(parseRequest(stored).spec.restoreDrill).toBe(false);
    expect(parseRequest({ ...stored, spec: { profile: 'prod', restoreDrill: true } }).spec.restoreDrill).toBe(true);
    const v2 = { ...stored, metadata: { ...stored.metadata, annotations: { 'postgres-gitops.dev/schema-version': '2' } } };
    expect(parseRequest(v2).spec.restoreDrill).toBe(true);
  });

  it('stores access roles sorted by role, and none as an empty list', () => {
    expect(parseRequest(kratix({})).spec.access).toEqual([]);
    expect(parseRequest(kratix({ access: [{ role: 'etl', privileges: 'write' }, { role: 'analytics', privileges: 'read' }] })).spec.access).toEqual([
      { role: 'analytics', privileges: 'read' },
      { role: 'etl', privileges: 'write' },
    ]);
  });

  it('round-trips a stored request unchanged', () => {
    const first = parseRequest(kratix({ size: 'large', backup: true, allowedNamespaces: ['web'] }));
    expect(parseRequest(first)).toEqual(first);
  });
});

describe('engines and the platform', () => {
  const platform = (settings: Record<string, unknown>) => platformSettingsSchema.parse(settings);

  it('takes the engine from the platform\'s default for the profile when the request names none', () => {
    const settings = platform({ engines: { default: { prod: 'cloudnative-pg' } } });
    expect(parseRequest(kratix({ profile: 'prod' }), settings).spec.engine).toBe('cloudnative-pg');
    expect(parseRequest(kratix({ profile: 'dev' }), settings).spec.engine).toBe('statefulset');
    expect(parseRequest(kratix({ profile: 'prod' })).spec.engine).toBe('statefulset');
  });

  it('refuses an engine the platform does not offer', () => {
    expect(() => parseRequest(kratix({ engine: 'cloudnative-pg' }), platform({ engines: { allowed: ['statefulset'] } }))).toThrow(
      'spec.engine: "cloudnative-pg" is not offered by this platform (allowed: statefulset)',
    );
  });
});

describe('the Kratix marketplace promise\'s request shape', () => {
  it('maps env, dbName, teamId and backupEnabled onto the request fields', () => {
    const { spec } = parseRequest(kratix({ env: 'dev', teamId: 'acme-org-team-a', dbName: 'bestdb', backupEnabled: false }));
    expect(spec).toMatchObject({ profile: 'dev', database: 'bestdb', owner: 'group:default/acme-org-team-a', backup: false });
  });

  it('names the field the user wrote in errors, and refuses a conflict between the two names', () => {
    expect(issuesOf(kratix({ env: 'qa' })).join()).toContain('spec.env: ');
    expect(issuesOf(kratix({ dbName: 'Best' })).join()).toContain('spec.dbName: must be a database name');
    expect(issuesOf(kratix({ dbName: 'a', database: 'b' }))).toEqual(['spec.dbName: conflicts with spec.database; set one of them']);
  });
});

describe('parseRequest rejects, naming the field and the rule', () => {
  it.each([
    [{ version: '12' }, 'spec.version: must be a PostgreSQL major version from 13 to 18 (got "12")'],
    [{ version: 19 }, 'spec.version: must be a PostgreSQL major version from 13 to 18 (got "19")'],
    [{ size: 'huge' }, 'spec.size:'],
    [{ database: 'template1' }, 'spec.database: "template1" is reserved'],
    [{ database: 'template0' }, 'spec.database: "template0" is reserved'],
    [{ database: 'pg_stuff' }, 'spec.database: must not start with "pg_"'],
    [{ database: 'Orders' }, 'spec.database: must be a database name of lower-case letters'],
    [{ database: 'a'.repeat(64) }, 'spec.database: must be at most 63 bytes'],
    [{ username: 'public' }, 'spec.username: "public" is reserved'],
    [{ username: 'replicator' }, 'spec.username: "replicator" is reserved'],
    [{ username: 'bad-name' }, 'spec.username: must be a role name'],
    [{ backup: true, persistence: false }, 'spec.backup: requires spec.persistence: true'],
    [{ replicas: 2, persistence: false }, 'spec.replicas: standbys require spec.persistence: true'],
    [{ pooling: true }, 'spec.pooling: is a cloudnative-pg feature; set spec.engine: cloudnative-pg or leave it out'],
    [{ walStorageSize: '5Gi' }, 'spec.walStorageSize: is a cloudnative-pg feature'],
    [{ restore: { from: 'orders' } }, 'spec.restore: is a cloudnative-pg feature'],
    [{ engine: 'cloudnative-pg', restore: { from: 'orders', targetTime: 'yesterday' } }, 'spec.restore.targetTime: must be an RFC 3339 time with a zone'],
    [{ engine: 'cloudnative-pg', restore: { from: 'orders', at: 'now' } }, 'spec.restore: unknown field(s) "at"'],
    [{ password: 'hunter2' }, 'spec: unknown field(s) "password"'],
    [{ storageSize: '10GB' }, 'spec.storageSize: must be a whole quantity in Mi, Gi or Ti'],
    [{ backupSchedule: 'daily' }, 'spec.backupSchedule: must be a cron schedule of five fields'],
    [{ allowedNamespaces: ['Web'] }, 'spec.allowedNamespaces.0: must be a DNS-1123 label'],
    [{ replicas: 9 }, 'spec.replicas:'],
    [{ backupSchedule: '60 2 * * *' }, 'spec.backupSchedule: minute 60 is out of range (0-59)'],
    [{ backupSchedule: '0 2 * * 9' }, 'spec.backupSchedule: day of week 9 is out of range (0-6)'],
    [{ storageSize: `${'9'.repeat(10_000)}Gi` }, 'spec.storageSize: must be a whole quantity'],
    [{ storageSize: '65Ti' }, 'spec.storageSize: must be at most 64Ti'],
    [{ owner: 'not an entity ref' }, 'spec.owner: must be a Backstage entity reference'],
    [{ owner: 'group:default/team-a\n---\nkind: Secret' }, 'spec.owner: must be a Backstage entity reference'],
    [{ owner: 'component:default/web' }, 'spec.owner: must refer to a group or user entity, not a component'],
    [{ owner: 'group:default/te\u200bam' }, 'spec.owner: must be a Backstage entity reference'],
    [{ system: '??' }, 'spec.system: must be a Backstage entity reference'],
    [{ system: 'javascript:alert(1)' }, 'spec.system: must be a Backstage entity reference like "system:default/shop"'],
    [{ system: 'javascript:x' }, 'spec.system: must refer to a system entity, not a javascript'],
    [{ allowedNamespaces: ['web', 'kube-system'] }, 'spec.allowedNamespaces.1: "kube-system" is reserved for the cluster or the platform'],
    [{ restoreDrill: true }, 'spec.restoreDrill: needs spec.backup: true (a drill restores the newest backup; this database has none)'],
    [{ profile: 'prod', backup: false, restoreDrill: true }, 'spec.restoreDrill: needs spec.backup: true'],
    [{ restoreDrill: 'yes' }, 'spec.restoreDrill: Expected boolean'],
    [{ access: [{ role: 'postgres', privileges: 'read' }] }, 'spec.access.0.role: "postgres" is reserved'],
    [{ access: [{ role: 'streaming_replica', privileges: 'read' }] }, 'spec.access.0.role: "streaming_replica" is reserved'],
    [{ access: [{ role: 'replicator', privileges: 'read' }] }, 'spec.access.0.role: "replicator" is reserved'],
    [{ access: [{ role: 'all', privileges: 'read' }] }, 'spec.access.0.role: "all" is reserved'],
    [{ access: [{ role: 'pg_monitor', privileges: 'read' }] }, 'spec.access.0.role: must not start with "pg_" or "cnpg_"'],
    [{ access: [{ role: 'cnpg_x', privileges: 'read' }] }, 'spec.access.0.role: must not start with "pg_" or "cnpg_"'],
    [{ access: [{ role: 'Analytics', privileges: 'read' }] }, 'spec.access.0.role: must be a role name of lower-case letters, digits and underscores, starting with a letter and ending with a letter or digit'],
    [{ access: [{ role: 'bi_', privileges: 'read' }] }, 'spec.access.0.role: must be a role name'],
    [{ access: [{ role: 'a__b', privileges: 'read' }] }, 'spec.access.0.role: must not contain "__"'],
    [{ access: [{ role: 'a'.repeat(64), privileges: 'read' }] }, 'spec.access.0.role: must be at most 63 bytes'],
    [{ access: [{ role: 'analytics', privileges: 'admin' }] }, 'spec.access.0.privileges: must be "read" or "write"'],
    [{ access: [{ role: 'analytics' }] }, 'spec.access.0.privileges: is required'],
    [{ access: [{ role: 'analytics', privileges: 'read', password: 'x' }] }, 'spec.access.0: unknown field(s) "password"'],
    [{ access: [{ role: 'etl', privileges: 'read' }, { role: 'analytics', privileges: 'read' }, { role: 'etl', privileges: 'write' }] }, 'spec.access.2.role: "etl" is listed twice (also spec.access.0)'],
    [{ username: 'app', access: [{ role: 'app', privileges: 'read' }] }, 'spec.access.0.role: "app" is the application role (spec.username) and owns the database; an access role needs a name of its own'],
    [{ access: Array.from({ length: 21 }, (_, i) => ({ role: `r${i}`, privileges: 'read' })) }, 'spec.access: at most 20 access roles'],
    [{ database: 'd'.repeat(58), access: [{ role: 'bi', privileges: 'read' }] }, 'spec.access: the group role "' + 'd'.repeat(58) + '__write" would be 65 bytes'],
    [{ username: 'app__read', database: 'app', access: [{ role: 'bi', privileges: 'read' }] }, 'spec.access: the application role "app__read" has the name of an access group role'],
    [{ engine: 'cloudnative-pg', database: 'cnpg_data', access: [{ role: 'bi', privileges: 'read' }] }, 'spec.access: the group roles of database "cnpg_data" would start with "cnpg_"'],
  ])('%j', (spec, expected) => {
    expect(issuesOf(kratix(spec)).join('\n')).toContain(expected);
  });

  it('rejects a request of another kind, and a missing name', () => {
    expect(issuesOf({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x' } })).toEqual([
      'apiVersion: must be "postgres-gitops.dev/v1alpha1" or "marketplace.kratix.io/v1alpha1"',
      'kind: must be "PostgreSQL" or "postgresql"',
    ]);
    expect(issuesOf(kratix({}, { namespace: 'x' }))).toEqual(['metadata.name: is required']);
  });

  it('refuses unknown top-level and metadata fields, and takes what a Kubernetes object carries', () => {
    const { spec, ...rest } = kratix({ size: 'large' }) as { spec: unknown } & Record<string, unknown>;
    expect(issuesOf({ ...rest, sepc: spec })).toEqual(['(request): unknown field(s) "sepc"; see the request fields in the README']);
    expect(issuesOf({ ...rest, spec, password: 'hunter2' })).toEqual(['(request): unknown field(s) "password"; see the request fields in the README']);
    expect(issuesOf(kratix({}, { name: 'orders', namespce: 'team-a' }))).toEqual(['metadata: unknown field(s) "namespce"; see the request fields in the README']);
    const fromTheApiServer = { ...rest, spec, status: { phase: 'Ready' }, metadata: { name: 'orders', namespace: 'team-a', uid: 'u-1', generation: 2, managedFields: [], labels: { a: 'b' } } };
    expect(parseRequest(fromTheApiServer).spec.size).toBe('large');
  });

  it('refuses the namespaces Kubernetes keeps and those the platform reserves', () => {
    expect(issuesOf(kratix({}, { name: 'orders', namespace: 'kube-public' }))).toEqual([expect.stringContaining('metadata.namespace: "kube-public" is reserved')]);
    const platform = platformSettingsSchema.parse({ reservedNamespaces: ['platform'] });
    expect(() => parseRequest(kratix({}, { name: 'orders', namespace: 'platform' }), platform)).toThrow('metadata.namespace: "platform" is reserved for the cluster or the platform (reserved: kube-system, kube-public, kube-node-lease, platform)');
  });

  it('echoes at most the first characters of a huge value', () => {
    const [message] = issuesOf(kratix({ version: 'x'.repeat(10_000) }));
    expect(message.length).toBeLessThan(200);
    expect(message).toContain('... (10000 characters)');
  });
});

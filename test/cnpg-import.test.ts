import { stringify } from 'yaml';
import { formatTotals, parseRequest, reviewWarnings, platformSettingsSchema, renderDatabase, resourceTotals, worldIssues, type RenderedDatabase } from '@postgres-gitops/renderer';
import { restrictedViolations } from './support/pod-security';
import { validateObject } from './support/validate';

/**
 * importFrom as rendered (SRE review 3 B2): no `initdb.import` and no external cluster, an import Job
 * and its ConfigMap that validate against their schemas and meet the restricted Pod Security
 * Standard, TLS to the source from its own CA, and the checks against the source's stored request.
 * test/postgres/cnpg-import.test.ts runs the Job's script on real PostgreSQL.
 */
const platform = platformSettingsSchema.parse({});
const spec = (extra: Record<string, unknown>) => ({ engine: 'cloudnative-pg', version: '17', username: 'app', database: 'app', backup: false, ...extra });
const render = (extra: Record<string, unknown>): RenderedDatabase =>
  renderDatabase({ apiVersion: 'postgres-gitops.dev/v1alpha1', kind: 'PostgreSQL', metadata: { name: 'ledger2', namespace: 'team-a' }, spec: spec(extra) });
const importJob = (db: RenderedDatabase) => db.manifests.find(m => m.kind === 'Job' && m.metadata.name.startsWith('ledger2-import-')) as any;
const envOf = (db: RenderedDatabase) => Object.fromEntries(importJob(db).spec.template.spec.containers[0].env.map((e: any) => [e.name, e.value ?? e.valueFrom]));

describe('importFrom renders an empty Cluster and an owner-only import Job', () => {
  const withSsl = render({ ssl: true, importFrom: { from: 'ledger', username: 'ledger' } });
  const withoutSsl = render({ ssl: false, importFrom: { from: 'ledger', username: 'ledger' } });

  it.each([['ssl', withSsl], ['no ssl', withoutSsl]])('%s: every object validates, every pod is restricted, the Cluster bootstraps empty', (_label, db) => {
    for (const object of db.manifests) expect({ object: `${object.kind}/${object.metadata.name}`, problems: validateObject(object) }).toEqual({ object: `${object.kind}/${object.metadata.name}`, problems: [] });
    const job = importJob(db);
    expect(restrictedViolations(job.spec.template.spec)).toEqual([]);
    expect(job.spec.template.spec.automountServiceAccountToken).toBe(false);
    const cluster = db.manifests.find(m => m.kind === 'Cluster') as any;
    expect(cluster.spec.bootstrap).toEqual({ initdb: { database: 'app', owner: 'app', secret: { name: 'ledger2-postgresql-secret' } } });
    expect(cluster.spec.externalClusters).toBeUndefined();
    expect(JSON.stringify(db.manifests)).not.toContain('"import":{"type"');
  });

  it('planted: a malformed Job and a privileged import container are caught', () => {
    const job = importJob(withSsl);
    expect(validateObject({ ...job, spec: { ...job.spec, podFailurePolicy: { rules: [{ action: 'Explode' }] } } })).not.toEqual([]);
    const pod = structuredClone(importJob(withSsl).spec.template.spec);
    pod.containers[0].securityContext.allowPrivilegeEscalation = true;
    expect(restrictedViolations(pod)).not.toEqual([]);
  });

  it('connects to the source with verify-full against its CA when it has ssl, never "prefer"', () => {
    expect(envOf(withSsl)).toMatchObject({ SOURCE_SSLMODE: 'verify-full', SOURCE_SSLROOTCERT: '/etc/postgres-gitops/import-source-ca/ca.crt', SOURCE_USER: 'ledger', TARGET_USER: 'app' });
    expect(importJob(withSsl).spec.template.spec.volumes).toContainEqual({ name: 'import-source-ca', secret: { secretName: 'ledger-postgresql-tls', items: [{ key: 'ca.crt', path: 'ca.crt' }], defaultMode: 0o444 } });
    expect(envOf(withoutSsl)).toMatchObject({ SOURCE_SSLMODE: 'disable' });
    expect(envOf(withoutSsl).SOURCE_SSLROOTCERT).toBeUndefined();
    // The source's ssl is its own, not the new database's.
    expect(envOf(render({ ssl: true, importFrom: { from: 'ledger', username: 'ledger', ssl: false } }))).toMatchObject({ SOURCE_SSLMODE: 'disable', TARGET_SSLMODE: 'verify-full' });
  });

  it('fails for good only on exit 3, and names the Job after its contents', () => {
    const job = importJob(withSsl);
    expect(job.spec.podFailurePolicy).toEqual({ rules: [{ action: 'FailJob', onExitCodes: { containerName: 'import', operator: 'In', values: [3] } }] });
    expect(importJob(withoutSsl).metadata.name).not.toBe(job.metadata.name);
  });

  it('the pull request\'s totals name the Job beside the running pods', () => {
    expect(formatTotals(resourceTotals(withSsl.manifests)).transient).toMatch(/^import of the old database \(once, on change\): 100m-1000m CPU, 128Mi-512Mi memory/);
    expect(reviewWarnings(withSsl.plan)).toContainEqual(expect.stringMatching(/^Starts empty; the Job ledger2-import-… copies team-a\/ledger\/app in once \(pg_dump as ledger, the restore as app, no superuser\)/));
  });

  it('renders no import Job without importFrom', () => {
    expect(importJob(render({}))).toBeUndefined();
  });
});

describe('importFrom checked against the source\'s stored request', () => {
  const request = (name: string, extra: Record<string, unknown>) =>
    parseRequest({ apiVersion: 'postgres-gitops.dev/v1alpha1', kind: 'PostgreSQL', metadata: { name, namespace: 'team-a' }, spec: { username: 'app', database: 'app', ...extra } }, platform);
  const stored = (extra: Record<string, unknown>) => stringify(request('ledger', { engine: 'statefulset', username: 'ledger', ...extra }));
  const issues = (target: Record<string, unknown>, source: Record<string, unknown>) =>
    worldIssues(request('ledger2', { engine: 'cloudnative-pg', backup: false, ...target }), { now: new Date(), importSource: stored(source) }, platform).map(i => `${i.path}: ${i.message}`);

  it('the source\'s ssl must be the one given (default: this request\'s)', () => {
    expect(issues({ version: '17', ssl: true, importFrom: { from: 'ledger', username: 'ledger' } }, { version: '17', ssl: true })).toEqual([]);
    expect(issues({ version: '17', ssl: true, importFrom: { from: 'ledger', username: 'ledger' } }, { version: '17', ssl: false })).toEqual([
      'spec.importFrom.ssl: team-a/ledger on worker-1 has ssl: false; set importFrom.ssl: false',
    ]);
  });

  it('the new major must be the source\'s or newer (the image\'s pg_dump)', () => {
    expect(issues({ version: '17', ssl: true, importFrom: { from: 'ledger', username: 'ledger' } }, { version: '13', ssl: true })).toEqual([]);
    expect(issues({ version: '16', ssl: true, importFrom: { from: 'ledger', username: 'ledger' } }, { version: '17', ssl: true })).toEqual([
      expect.stringMatching(/^spec.version: team-a\/ledger on worker-1 runs PostgreSQL 17; an import needs this database's major to be the same or newer/),
    ]);
  });
});

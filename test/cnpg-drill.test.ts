import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { drillPolicy, platformSettingsSchema, renderDatabase, type RenderedDatabase } from '@postgres-gitops/renderer';
import { policyDenials } from './support/admission-policy';
import { defaultCluster } from './support/cnpg-defaults';
import { operatorPods } from './support/cnpg-operator';
import { reconcilerViolations } from './support/cnpg-reconcilers';
import { CNPG_PLATFORM, CNPG_PLATFORM_VARIANT, cnpgRequest } from './support/cnpg-requests';
import { clusterWebhookViolations } from './support/cnpg-webhook';
import { backupLine, drillRunnerOf, runDrill, type DrillScenario } from './support/drill-runner';
import { podSpecsOf, restrictedViolations } from './support/pod-security';
import { rbacProblems, type ApiRequest } from './support/rbac';
import { validateObject } from './support/validate';

/**
 * The cloudnative-pg restore drill without a cluster: its objects against the CRDs (CEL rules
 * included), the webhook and the reconcilers' preconditions; the Cluster it creates after the
 * operator's defaulting, against the admission policy; its runner's script with a kubectl that
 * answers as the API server would, every call it makes authorized by its Role and nothing more.
 * test/postgres/cnpg-drill.test.ts checks a real recovered server.
 */
const UPSTREAM_FIXED = [...readFileSync(join(__dirname, 'cnpg', 'fixed-parameters.go.txt'), 'utf8').matchAll(/^\s+"([a-z_.]+)":\s+\w+ConfigurationParameter,$/gm)].map(m => m[1]);
const db = renderDatabase(cnpgRequest('orders', { profile: 'prod', replicas: 3, pooling: true, walStorageSize: '2Gi' }), CNPG_PLATFORM);
const variant = renderDatabase(cnpgRequest('orders', { profile: 'prod', size: 'large' }), CNPG_PLATFORM_VARIANT);
const { files } = drillRunnerOf(db);
const drillCluster = parse(files['cluster.yaml']);
const probe = parse(files['probe.yaml']);
const policy = drillPolicy(CNPG_PLATFORM)[0];
const RUNNER = 'system:serviceaccount:team-a:orders-postgresql-drill';
const admit = (object: any, username = RUNNER, namespace = 'team-a') => policyDenials(policy, { username, namespace, operation: 'CREATE', object: defaultCluster(object) });
const roleOf = (d: RenderedDatabase) => d.manifests.find(m => m.kind === 'Role' && m.metadata.name.endsWith('-drill')) as any;

describe('the restore drill\'s objects', () => {
  it.each([['default platform', db], ['platform variant (mirror, pull secrets, cert-manager, GCS)', variant]])('%s: every object, and the Cluster and probe it carries, validate against their schemas, the CRDs\' CEL rules and the webhook', (_label, d) => {
    const { files: f } = drillRunnerOf(d);
    const carried = [parse(f['cluster.yaml']), parse(f['probe.yaml'])];
    const drillObjects = d.manifests.filter(m => m.metadata.name.endsWith('-drill') || m.metadata.name.endsWith('-drill-source'));
    expect(drillObjects.map(m => `${m.kind}/${m.metadata.name}`).sort()).toEqual([
      'ConfigMap/orders-postgresql-drill', 'CronJob/orders-drill', 'NetworkPolicy/orders-postgresql-drill', 'ObjectStore/orders-postgresql-drill-source',
      'Role/orders-postgresql-drill', 'RoleBinding/orders-postgresql-drill', 'ServiceAccount/orders-postgresql-drill',
    ]);
    const problems = [...drillObjects, ...carried].flatMap(m => validateObject(m).map(p => `${m.kind}/${m.metadata.name}: ${p}`));
    expect([...problems, ...carried.flatMap(c => clusterWebhookViolations(c, UPSTREAM_FIXED))]).toEqual([]);
  });

  it('the drill Cluster is the live one\'s image, parameters, volumes and resources, with nothing that archives, reads a Secret or serves the live name', () => {
    const live = db.manifests.find(m => m.kind === 'Cluster') as any;
    expect(drillCluster.metadata).toMatchObject({ name: 'orders-drill', namespace: 'team-a' });
    expect(drillCluster.spec).toMatchObject({
      instances: 1,
      imageName: live.spec.imageName,
      postgresql: { parameters: live.spec.postgresql.parameters },
      storage: live.spec.storage,
      walStorage: live.spec.walStorage,
      resources: live.spec.resources,
      enableSuperuserAccess: false,
      bootstrap: { recovery: { source: 'origin', database: 'app', owner: 'app' } },
      externalClusters: [{ name: 'origin', plugin: { name: 'barman-cloud.cloudnative-pg.io', parameters: { barmanObjectName: 'orders-postgresql-drill-source', serverName: 'orders-postgresql' } } }],
    });
    for (const field of ['plugins', 'backup', 'certificates', 'managed', 'superuserSecret', 'projectedVolumeTemplate', 'monitoring']) expect(drillCluster.spec).not.toHaveProperty(field);
    const source = db.manifests.find(m => m.kind === 'ObjectStore' && m.metadata.name === 'orders-postgresql-drill-source') as any;
    const archive = db.manifests.find(m => m.kind === 'ObjectStore' && m.metadata.name === 'orders-postgresql-backups') as any;
    expect(source.spec.configuration.destinationPath).toBe(archive.spec.configuration.destinationPath);
    expect(source.spec).not.toHaveProperty('retentionPolicy');
  });

  it('the reconcilers find what the drill Cluster and the runner need; a recovery source that is not rendered is caught', () => {
    expect(reconcilerViolations([...db.manifests, drillCluster])).toEqual([]);
    expect(reconcilerViolations([...db.manifests.filter(m => m.metadata.name !== 'orders-postgresql-drill-source'), drillCluster])).toEqual([
      'Cluster team-a/orders-drill: ObjectStore orders-postgresql-drill-source is not rendered in team-a (the Barman Cloud plugin reads it by name)',
    ]);
  });

  it('the runner\'s pod and the drill Cluster\'s pods meet the restricted Pod Security Standard (init container included)', () => {
    const { cronJob } = drillRunnerOf(db);
    for (const spec of podSpecsOf(cronJob)) expect(restrictedViolations(spec)).toEqual([]);
    expect(cronJob.spec.jobTemplate.spec.template.spec.initContainers[0]).toMatchObject({ name: 'kubectl', image: 'registry.k8s.io/kubectl:v1.34.3', command: ['cp', '/bin/kubectl', '/tools/kubectl'] });
    for (const pod of operatorPods([drillCluster])) expect(restrictedViolations(pod.spec)).toEqual([]);
    const planted = structuredClone(cronJob);
    delete planted.spec.jobTemplate.spec.template.spec.initContainers[0].securityContext;
    expect(restrictedViolations(podSpecsOf(planted)[0])).toContain('container kubectl must set allowPrivilegeEscalation: false');
  });

  it('the plugin archives and prunes only for stores in spec.plugins: the drill Cluster names none (plugin-barman-cloud NewFromCluster)', () => {
    // internal/cnpgi/operator/config/config.go NewFromCluster: BarmanObjectName comes from .spec.plugins only;
    // retention.go and the status writes act on it alone.
    const archiveStore = (cluster: any) => (cluster.spec.plugins ?? []).find((p: any) => p.name === 'barman-cloud.cloudnative-pg.io')?.parameters?.barmanObjectName ?? '';
    expect(archiveStore(defaultCluster(drillCluster, { includePlugins: ['barman-cloud.cloudnative-pg.io'] }))).toBe('');
    expect(archiveStore(probe)).toBe('orders-postgresql-backups');
  });
});

describe('the admission policy (postgres-gitops wiring --drill-policy), after the operator\'s defaulting', () => {
  it('validates as Kubernetes objects', () => {
    for (const object of drillPolicy(CNPG_PLATFORM)) expect(validateObject(object)).toEqual([]);
  });

  it('admits the drill Cluster, also when the operator adds its INCLUDE_PLUGINS entries', () => {
    expect(admit(drillCluster)).toEqual([]);
    expect(policyDenials(policy, { username: RUNNER, namespace: 'team-a', operation: 'CREATE', object: defaultCluster(drillCluster, { includePlugins: ['barman-cloud.cloudnative-pg.io'] }) })).toEqual([]);
    const mirrored = parse(drillRunnerOf(variant).files['cluster.yaml']);
    expect(policyDenials(drillPolicy(CNPG_PLATFORM_VARIANT)[0], { username: RUNNER, namespace: 'team-a', operation: 'CREATE', object: defaultCluster(mirrored) })).toEqual([]);
  });

  it('refuses the probe, which the runner tries before each drill', () => {
    expect(admit(probe)).toEqual(['a restore drill archives nothing: no spec.plugins entry with parameters or isWALArchiver']);
  });

  const edit = (change: (c: any) => void) => {
    const c = structuredClone(drillCluster);
    change(c);
    return c;
  };
  it.each([
    ['the live Cluster\'s name', edit(c => (c.metadata.name = 'orders-postgresql')), 'a restore drill runner may create only the Cluster orders-drill'],
    ['another database\'s drill', edit(c => (c.metadata.name = 'billing-drill')), 'a restore drill runner may create only the Cluster orders-drill'],
    ['the live archive as its source', edit(c => (c.spec.externalClusters[0].plugin.parameters.barmanObjectName = 'orders-postgresql-backups')), 'a restore drill recovers from ObjectStore orders-postgresql-drill-source through the Barman Cloud plugin, the archive of orders-postgresql, and from nothing else'],
    ['another database\'s archive in the same bucket (review 2 m10)', edit(c => (c.spec.externalClusters[0].plugin.parameters.serverName = 'orders-archive-postgresql-20261201101010')), 'a restore drill recovers from ObjectStore orders-postgresql-drill-source through the Barman Cloud plugin, the archive of orders-postgresql'],
    ['no archive named (the plugin would choose)', edit(c => delete c.spec.externalClusters[0].plugin.parameters.serverName), 'the archive of orders-postgresql'],
    ['a connection to the live server', edit(c => (c.spec.externalClusters[0].connectionParameters = { host: 'orders-postgresql-rw' })), 'a restore drill recovers from ObjectStore orders-postgresql-drill-source'],
    ['WAL archiving', edit(c => (c.spec.plugins = [{ name: 'barman-cloud.cloudnative-pg.io', isWALArchiver: true }])), 'a restore drill archives nothing'],
    ['two instances', edit(c => (c.spec.instances = 2)), 'a restore drill Cluster has one instance'],
    ['initdb instead of recovery', edit(c => (c.spec.bootstrap = { initdb: { database: 'app', owner: 'app' } })), 'a restore drill Cluster is bootstrapped by recovery'],
    ['the live Secret for its owner', edit(c => (c.spec.bootstrap.recovery.secret = { name: 'orders-postgresql-secret' })), 'a restore drill Cluster is bootstrapped by recovery from its source, with the Secret the operator generates'],
    ['a superuser Secret', edit(c => (c.spec.superuserSecret = { name: 'orders-postgresql-secret' })), 'a restore drill Cluster names no certificate or superuser Secret'],
    ['the live server certificate', edit(c => (c.spec.certificates = { serverTLSSecret: 'orders-postgresql-tls', serverCASecret: 'orders-postgresql-tls' })), 'a restore drill Cluster names no certificate or superuser Secret'],
    ['projected Secrets', edit(c => (c.spec.projectedVolumeTemplate = { sources: [{ secret: { name: 'backup-s3' } }] })), 'a restore drill Cluster mounts, reads and manages nothing'],
    ['another image', edit(c => (c.spec.imageName = 'evil.example.com/postgres:16')), 'a restore drill Cluster runs the CloudNativePG image ghcr.io/cloudnative-pg/postgresql:<tag>'],
    ['skipping the empty-archive check', edit(c => (c.metadata.annotations = { 'cnpg.io/skipEmptyWalArchiveCheck': 'enabled' })), 'a restore drill Cluster carries no cnpg.io annotation'],
    ['a pod patch', edit(c => (c.metadata.annotations = { 'cnpg.io/podPatch': '[]' })), 'a restore drill Cluster carries no cnpg.io annotation'],
    ['a statefulset database\'s Service labels (review 2 m10)', edit(c => (c.spec.inheritedMetadata.labels = { 'app.kubernetes.io/name': 'postgresql', 'app.kubernetes.io/instance': 'ledger', 'app.kubernetes.io/component': 'primary' })), 'a restore drill Cluster\'s pods carry exactly the labels'],
    ['an extra inherited label', edit(c => (c.spec.inheritedMetadata.labels['app'] = 'ledger')), 'a restore drill Cluster\'s pods carry exactly the labels'],
    ['tolerations onto any node', edit(c => (c.spec.affinity = { tolerations: [{ operator: 'Exists' }] })), 'a restore drill Cluster is placed by the scheduler alone'],
    ['a node selector', edit(c => (c.spec.affinity = { nodeSelector: { 'kubernetes.io/hostname': 'n1' } })), 'a restore drill Cluster is placed by the scheduler alone'],
    ['its own pg_hba', edit(c => (c.spec.postgresql.pg_hba = ['host all all 0.0.0.0/0 trust'])), 'a restore drill Cluster keeps the operator\'s pg_hba'],
  ])('planted: %s is refused', (_label, cluster, message) => {
    expect(admit(cluster).join('\n')).toContain(message);
  });

  it('planted: from another namespace\'s drill runner, it is refused', () => {
    expect(admit(drillCluster, 'system:serviceaccount:team-b:orders-postgresql-drill')).toContain('a restore drill runner creates Clusters in its own namespace only');
  });

  it('holds drill runners only: anyone else is not matched', () => {
    expect(admit(probe, 'system:serviceaccount:team-a:deployer')).toEqual([]);
    expect(admit(probe, 'alice@example.com')).toEqual([]);
  });

  it('planted: a rule "no spec.plugins at all" would refuse the drill on an operator with INCLUDE_PLUGINS; that is why the rule reads the entries', () => {
    const strict = structuredClone(policy);
    strict.spec.validations = [{ expression: '!has(object.spec.plugins)', message: 'no plugins' }];
    const defaulted = defaultCluster(drillCluster, { includePlugins: ['barman-cloud.cloudnative-pg.io'] });
    expect(policyDenials(strict, { username: RUNNER, namespace: 'team-a', operation: 'CREATE', object: defaulted })).toEqual(['no plugins']);
  });
});

describe('the runner (drill.sh with a kubectl that answers as the API server would)', () => {
  const passed = JSON.stringify({ database: 'app', owner: 'app', reached_lsn: '0/5000000', tables: 3, rows: 42, skipped: [], databases: ['app', 'postgres'] });
  const scenario = (overrides: Partial<DrillScenario> = {}): DrillScenario => ({
    policy: true,
    backups: `${backupLine('billing-postgresql', 1, '0/9000000')}${backupLine('orders-postgresql', 26, '0/2000000', 'orders-postgresql-daily-old')}${backupLine('orders-postgresql', 2, '0/4000100')}orders-postgresql running   orders-postgresql-daily-now\n`,
    window: '2026-11-05T02:00:00Z',
    ready: true,
    password: 'drill-pw',
    ...overrides,
  });
  const verdict = (stdout: string) => JSON.parse(stdout.trim().split('\n').pop()!);
  const rules = () => roleOf(db).rules;

  it('passes: probe refused, leftover deleted, newest completed backup found, Cluster created, waited for, checked and deleted', async () => {
    const run = await runDrill(db, scenario(), { check: passed });
    expect(run.code).toBe(0);
    expect(verdict(run.stdout)).toMatchObject({ result: 'passed', cluster: 'orders-drill', backup: 'orders-postgresql-daily-1', backup_end_lsn: '0/4000100', first_recoverability_point: '2026-11-05T02:00:00Z', check: JSON.parse(passed) });
    expect(run.calls.map(c => c.slice(2, 4).join(' '))).toEqual([
      'create --dry-run=server',
      'delete cluster',
      'get backups',
      'get objectstore',
      'create -f',
      'wait cluster',
      'get secret',
      'delete cluster',
    ]);
    expect(run.calls.every(c => c[0] === '--namespace' && c[1] === 'team-a')).toBe(true);
  });

  it('its Role allows exactly what it asks of the API server: every request authorized, every rule used, every verb but create and the Backups list name-restricted', async () => {
    const requests: ApiRequest[] = [];
    for (const s of [scenario(), scenario({ ready: false, recoveryFailed: true })]) requests.push(...(await runDrill(db, s, { check: passed })).requests);
    expect(rbacProblems(rules(), requests, ['backups'])).toEqual([]);
  });

  it('planted: a Role that may delete any Cluster, an unused rule, and a script that reads the live Cluster are each caught', async () => {
    const loose = rules().map((r: any) => (r.resources[0] === 'clusters' && r.resourceNames ? { ...r, resourceNames: undefined } : r));
    const requests: ApiRequest[] = [];
    for (const s of [scenario(), scenario({ ready: false, recoveryFailed: true })]) requests.push(...(await runDrill(db, s, { check: passed })).requests);
    expect(rbacProblems(loose, requests, ['backups'])).toEqual(expect.arrayContaining(['rule 1: delete of clusters must be name-restricted', 'rule 1: get of clusters must be name-restricted']));
    expect(rbacProblems([...rules(), { apiGroups: [''], resources: ['pods/exec'], verbs: ['create'] }], requests, ['backups'])).toContain('rule 6 (create pods/exec) is used by no request');
    const snooping: ApiRequest = { verb: 'get', apiGroup: 'postgresql.cnpg.io', resource: 'clusters', name: 'orders-postgresql', why: 'kubectl get cluster orders-postgresql' };
    const secret: ApiRequest = { verb: 'get', apiGroup: '', resource: 'secrets', name: 'orders-postgresql-secret', why: 'kubectl get secret orders-postgresql-secret' };
    expect(rbacProblems(rules(), [...requests, snooping, secret], ['backups'])).toEqual([
      'refused: get clusters/orders-postgresql (kubectl get cluster orders-postgresql)',
      'refused: get secrets/orders-postgresql-secret (kubectl get secret orders-postgresql-secret)',
    ]);
  });

  it('refuses to run where the admission policy is missing, before it creates anything', async () => {
    const run = await runDrill(db, scenario({ policy: false }), { check: passed });
    expect(run.code).toBe(1);
    expect(verdict(run.stdout)).toMatchObject({ result: 'failed', reason: expect.stringContaining('the admission policy postgres-gitops-restore-drill is not installed on this cluster') });
    expect(run.calls).toHaveLength(1);
  });

  it.each([
    ['no completed base backup', scenario({ backups: 'orders-postgresql running   orders-postgresql-daily-now\n' }), 'no completed base backup of orders-postgresql yet', false],
    ['base backups stopped a day and a half after the schedule', scenario({ backups: backupLine('orders-postgresql', 30, '0/2000000') }), 'h ago: base backups are not being taken', false],
    ['the recovery Job failed', scenario({ ready: false, recoveryFailed: true, clusterStatus: 'Setting up primary: restore failed' }), 'the recovery of orders-drill failed (kubectl -n team-a logs job/orders-drill-1-full-recovery): Setting up primary: restore failed', true],
  ])('fails with a clear message: %s', async (_label, s, message, created) => {
    const run = await runDrill(db, s, { check: passed });
    expect(run.code).toBe(1);
    expect(verdict(run.stdout).reason).toContain(message);
    expect(run.calls.some(c => c[2] === 'create' && !c.includes('--dry-run=server'))).toBe(created);
    // Whatever was created is deleted before the run ends.
    if (created) expect(run.calls[run.calls.length - 1].slice(2, 4)).toEqual(['delete', 'cluster']);
  });

  it('fails when the drill Cluster is not ready before the timeout, saying where it stands, and deletes it', async () => {
    const run = await runDrill(db, scenario({ ready: false, clusterStatus: 'Setting up primary: Waiting for the full recovery job' }), { check: passed, env: { TIMEOUT_SECONDS: '901' } });
    expect(run.code).toBe(1);
    expect(verdict(run.stdout).reason).toMatch(/orders-drill was not ready \d+ s after the drill started: Setting up primary: Waiting for the full recovery job/);
    expect(run.calls[run.calls.length - 1].slice(2, 4)).toEqual(['delete', 'cluster']);
  });

  it('fails with the check\'s own message when the recovered database does not pass', async () => {
    const run = await runDrill(db, scenario(), { checkError: 'psql:/drill/checks.sql:17: ERROR:  recovered to 0/3000000, before the end of the newest base backup (0/4000100): WAL is missing from the archive' });
    expect(run.code).toBe(1);
    expect(verdict(run.stdout).reason).toContain('recovered to 0/3000000, before the end of the newest base backup (0/4000100): WAL is missing from the archive');
    expect(run.calls[run.calls.length - 1].slice(2, 4)).toEqual(['delete', 'cluster']);
  });

  it('a drill that passed but whose Cluster cannot be deleted fails, naming the command that deletes it', async () => {
    const run = await runDrill(db, scenario({ deleteFails: true }), { check: passed });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('could not delete the drill Cluster orders-drill left by an earlier run');
  });

  it('SIGTERM (the Job\'s deadline) ends in the trap: the drill Cluster is deleted', async () => {
    const run = await runDrill(db, scenario({ ready: false }), { check: passed, signalOnceCreated: true });
    expect(run.code).toBe(143);
    const created = run.calls.findIndex(c => c[2] === 'create' && !c.includes('--dry-run=server'));
    expect(created).toBeGreaterThan(0);
    expect(run.calls.slice(created).some(c => c[2] === 'delete')).toBe(true);
  });
});

describe('drills on the platform', () => {
  it('the kubectl image is a platform setting, mirrored like the others', () => {
    const platform = platformSettingsSchema.parse({ ...CNPG_PLATFORM, cloudnativePg: { ...CNPG_PLATFORM.cloudnativePg, restoreDrill: { kubectlImage: 'registry.example.com/mirror/kubectl:v1.33.5', timeoutMinutes: 60 } } });
    const d = renderDatabase(cnpgRequest('orders', { profile: 'prod' }), platform);
    const { cronJob } = drillRunnerOf(d);
    expect(cronJob.spec.jobTemplate.spec.template.spec.initContainers[0].image).toBe('registry.example.com/mirror/kubectl:v1.33.5');
    expect(cronJob.spec.jobTemplate.spec.activeDeadlineSeconds).toBe(3600);
    expect(() => platformSettingsSchema.parse({ cloudnativePg: { restoreDrill: { kubectlImage: 'kubectl latest' } } })).toThrow(/must be an image reference with a tag or digest/);
  });
});

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { RequestValidationError, renderDatabase, type RenderedDatabase } from '@postgres-gitops/renderer';
import { CNPG_FIXED_PARAMETERS } from '../renderer/src/plan/cloudnative-pg/managed-parameters';
import { walBudget } from '../renderer/src/plan/cloudnative-pg/wal-budget';
import { quantityToMi } from '../renderer/src/request/quantity';
import { engineRestarts } from '../renderer/src/review/engines';
import { operatorPods } from './support/cnpg-operator';
import { reconcilerViolations } from './support/cnpg-reconcilers';
import { clusterWebhookViolations, poolerWebhookViolations } from './support/cnpg-webhook';
import { kustomizeBuild } from './support/kustomize';
import { CNPG_PLATFORM, CNPG_PLATFORM_VARIANT, cnpgCombinations, cnpgRequest, describeCnpg } from './support/cnpg-requests';
import { podSpecsOf, restrictedViolations } from './support/pod-security';
import { validateObject } from './support/validate';

/** The keys of CloudNativePG's own list, read from the upstream text checked in beside the tests. */
const UPSTREAM_FIXED = [...readFileSync(join(__dirname, 'cnpg', 'fixed-parameters.go.txt'), 'utf8').matchAll(/^\s+"([a-z_.]+)":\s+\w+ConfigurationParameter,$/gm)].map(m => m[1]);

const combinations = cnpgCombinations();
const rendered: [string, RenderedDatabase][] = combinations.map(c => {
  const { size, version, ...features } = c;
  return [describeCnpg(c), renderDatabase(cnpgRequest('orders', { size, version, ...features }), CNPG_PLATFORM)];
});
for (const profile of ['dev', 'staging', 'prod'] as const) {
  rendered.push([`cnpg profile ${profile}, 3 instances, WAL volume`, renderDatabase(cnpgRequest('orders', { profile, replicas: 3, walStorageSize: '2Gi', storageClass: 'fast', allowedNamespaces: ['web'], pooling: true }), CNPG_PLATFORM)]);
  rendered.push([`cnpg profile ${profile}, platform variant`, renderDatabase(cnpgRequest('orders', { profile, size: 'large', pooling: true }), CNPG_PLATFORM_VARIANT)]);
}
rendered.push(['cnpg restore to a point in time', renderDatabase(cnpgRequest('orders-copy', { restore: { from: 'orders', targetTime: '2026-11-20T08:00:00Z' }, backup: true }), CNPG_PLATFORM)]);

const byKind = (db: RenderedDatabase, kind: string) => db.manifests.filter(m => m.kind === kind) as any[];

describe('CloudNativePG: every rendered object', () => {
  it('covers every size, version 14 to 18 and feature combination (3 x 5 x 16)', () => {
    expect(combinations).toHaveLength(240);
  });

  it.each(rendered)('%s: validates against its CRD, CEL rules included, and the operator webhooks\' rules', (_label, db) => {
    const problems = db.manifests.flatMap(m => validateObject(m).map(p => `${m.kind}/${m.metadata.name}: ${p}`));
    const webhook = [...byKind(db, 'Cluster').flatMap(c => clusterWebhookViolations(c, UPSTREAM_FIXED)), ...byKind(db, 'Pooler').flatMap(poolerWebhookViolations)];
    expect([...problems, ...webhook]).toEqual([]);
  });

  it.each(rendered)('%s: gives the operator\'s reconcilers and instance managers what they need', (_label, db) => {
    expect(reconcilerViolations(db.manifests)).toEqual([]);
  });

  it.each(rendered)('%s: sets metadata.namespace and the standard labels; the pods the operator runs are restricted', (_label, db) => {
    for (const m of db.manifests) {
      if (m.kind === 'Namespace') continue;
      expect(m.metadata.namespace).toBe(db.plan.namespace);
      expect(m.metadata.labels).toHaveProperty(['app.kubernetes.io/instance'], db.plan.name);
    }
    for (const m of db.manifests) for (const spec of podSpecsOf(m as never)) expect(restrictedViolations(spec)).toEqual([]);
    const pods = operatorPods(db.manifests);
    expect(pods.length).toBeGreaterThan(0);
    for (const pod of pods) expect({ pod: pod.what, problems: restrictedViolations(pod.spec) }).toEqual({ pod: pod.what, problems: [] });
  });

  it.each(rendered)('%s: files parse back, and Flux substitution has nothing to touch', (_label, db) => {
    for (const [path, content] of Object.entries(db.files)) {
      expect(parse(content)).toBeTruthy();
      expect({ path, hasSubstitution: content.includes('${') }).toEqual({ path, hasSubstitution: false });
    }
  });
});

describe('CloudNativePG parameters', () => {
  it('the checked-in list is CloudNativePG v1.30.0\'s FixedConfigurationParameters, key for key', () => {
    expect(UPSTREAM_FIXED).toHaveLength(65);
    expect([...CNPG_FIXED_PARAMETERS].sort()).toEqual([...UPSTREAM_FIXED].sort());
  });

  it('no fixed or blocked parameter reaches postgresql.parameters, for any request', () => {
    for (const [label, db] of rendered) {
      for (const cluster of byKind(db, 'Cluster')) {
        const fixed = Object.keys(cluster.spec.postgresql.parameters).filter(k => UPSTREAM_FIXED.includes(k));
        expect({ label, fixed }).toEqual({ label, fixed: [] });
      }
    }
  });

  it('come from the same tuning as the statefulset engine, but for the WAL settings the volume decides and max_wal_senders', () => {
    const cnpg = renderDatabase(cnpgRequest('orders', { size: 'medium', profile: 'prod' }), CNPG_PLATFORM);
    const sts = renderDatabase(cnpgRequest('orders', { size: 'medium', profile: 'prod', engine: 'statefulset' }));
    const conf = (sts.manifests.find(m => m.kind === 'ConfigMap' && m.metadata.name.endsWith('-config')) as any).data['postgresql.conf'];
    const parameters: Record<string, string> = byKind(cnpg, 'Cluster')[0].spec.postgresql.parameters;
    const own = ['max_wal_size', 'min_wal_size', 'wal_keep_size', 'max_slot_wal_keep_size', 'max_wal_senders'];
    const b = walBudget(quantityToMi(cnpg.plan.spec.storageSize));
    expect(Object.fromEntries(own.map(k => [k, parameters[k]]))).toEqual({
      max_wal_size: `${b.maxWalSizeMb}MB`, min_wal_size: `${b.minWalSizeMb}MB`, wal_keep_size: `${b.walKeepSizeMb}MB`, max_slot_wal_keep_size: `${b.maxSlotWalKeepSizeMb}MB`, max_wal_senders: '10',
    });
    for (const [key, value] of Object.entries(parameters).filter(([k]) => !own.includes(k))) {
      expect(conf).toMatch(new RegExp(`^${key} = '?${value === 'on' ? 'on' : value.replace(/[[\]%@]/g, '.')}'?$`, 'm'));
    }
  });
});

describe('CloudNativePG data safety, credentials and endpoints', () => {
  const db = renderDatabase(cnpgRequest('orders', { size: 'large', profile: 'prod', replicas: 3, pooling: true }), CNPG_PLATFORM);
  const cluster = byKind(db, 'Cluster')[0];

  it('protects the Cluster (it owns its volumes) and the ObjectStore it archives to from Flux and Argo CD pruning; the drill\'s source store goes with the drill', () => {
    const stores = byKind(db, 'ObjectStore');
    for (const m of [cluster, ...stores.filter(s => !s.metadata.name.endsWith('-drill-source'))]) {
      expect(m.metadata.annotations).toEqual({ 'kustomize.toolkit.fluxcd.io/prune': 'disabled', 'argocd.argoproj.io/sync-options': 'Prune=false,Delete=false' });
    }
    expect(stores.map(s => s.metadata.name)).toEqual(['orders-postgresql-backups', 'orders-postgresql-drill-source']);
    expect(stores[1].metadata.annotations).toBeUndefined();
  });

  it('bootstraps from the one generated Secret apps consume: basic-auth, reloaded on change', () => {
    const secret = byKind(db, 'ExternalSecret')[0];
    expect(cluster.spec.bootstrap.initdb).toEqual({ database: 'app', owner: 'app', secret: { name: 'orders-postgresql-secret' } });
    expect(secret.spec.target.name).toBe('orders-postgresql-secret');
    expect(secret.spec.target.template.type).toBe('kubernetes.io/basic-auth');
    expect(secret.spec.target.template.metadata.labels['cnpg.io/reload']).toBe('true');
    expect(Object.keys(secret.spec.target.template.data)).toEqual(expect.arrayContaining(['username', 'password', 'DATABASE_URL', 'PGHOST', 'PGPASSWORD', 'postgres-password']));
    expect(byKind(db, 'Password')).toHaveLength(1);
  });

  it('keeps {name}-postgresql as the read-write endpoint and sends apps through the pooler when pooling', () => {
    expect(cluster.spec.managed.services.additional).toEqual([
      expect.objectContaining({ selectorType: 'rw', serviceTemplate: expect.objectContaining({ metadata: expect.objectContaining({ name: 'orders-postgresql' }) }) }),
    ]);
    expect(db.plan.connection).toMatchObject({ host: 'orders-postgresql-pooler.team-a.svc', readOnlyHost: 'orders-postgresql-ro.team-a.svc' });
    const direct = renderDatabase(cnpgRequest('orders', { size: 'large' }), CNPG_PLATFORM);
    expect(direct.plan.connection.host).toBe('orders-postgresql.team-a.svc');
  });

  it('converts the five-field UTC cron to CloudNativePG\'s six fields and archives under the database\'s own prefix', () => {
    const backedUp = renderDatabase(cnpgRequest('orders', { backup: true, backupSchedule: '15 3 * * 1-5', backupRetention: 14 }), CNPG_PLATFORM);
    expect(byKind(backedUp, 'ScheduledBackup')[0].spec).toMatchObject({ schedule: '0 15 3 * * 1-5', method: 'plugin', cluster: { name: 'orders-postgresql' } });
    expect(byKind(backedUp, 'ObjectStore')[0].spec).toMatchObject({ retentionPolicy: '14d', configuration: { destinationPath: 's3://acme-backups/prod/worker-1/team-a/orders' } });
  });

  it('restores under a server name of its own, reading the source\'s archive', () => {
    const restored = rendered.find(([label]) => label === 'cnpg restore to a point in time')![1];
    const spec = byKind(restored, 'Cluster')[0].spec;
    expect(spec.bootstrap.recovery).toMatchObject({ source: 'origin', recoveryTarget: { targetTime: '2026-11-20T08:00:00Z' } });
    expect(spec.externalClusters[0].plugin.parameters).toEqual({ barmanObjectName: 'orders-copy-postgresql-restore-source', serverName: 'orders-postgresql' });
    expect(spec.plugins[0].parameters.serverName).not.toBe('orders-postgresql');
    const stores = byKind(restored, 'ObjectStore').map(s => s.spec.configuration.destinationPath);
    expect(stores).toEqual(['s3://acme-backups/prod/worker-1/team-a/orders-copy', 's3://acme-backups/prod/worker-1/team-a/orders']);
  });

  it('with cert-manager: the server certificate only; client certificates stay with the operator\'s own client CA', () => {
    const variant = renderDatabase(cnpgRequest('orders', { size: 'large', profile: 'prod', pooling: true }), CNPG_PLATFORM_VARIANT);
    expect(byKind(variant, 'Cluster')[0].spec.certificates).toEqual({ serverTLSSecret: 'orders-postgresql-tls', serverCASecret: 'orders-postgresql-tls' });
    const certificates = byKind(variant, 'Certificate');
    expect(certificates.map(c => [c.metadata.name, c.spec.issuerRef.kind, c.spec.isCA ?? false])).toEqual([['orders-postgresql-tls', 'ClusterIssuer', false]]);
    expect(certificates[0].spec.dnsNames).toEqual(expect.arrayContaining(['orders-postgresql-rw.team-a.svc', 'orders-postgresql.team-a.svc', 'orders-postgresql-pooler.team-a.svc']));
    expect(certificates[0].spec.secretTemplate.labels).toEqual({ 'cnpg.io/reload': 'true' });
    expect(byKind(variant, 'Issuer')).toEqual([]);
  });

  it('a store rendered with the old cert-manager client CA: the review names the Secrets to delete after the merge', () => {
    const now = renderDatabase(cnpgRequest('orders', { pooling: true }), CNPG_PLATFORM_VARIANT);
    const before = structuredClone(now.manifests) as any[];
    const cluster = before.find(m => m.kind === 'Cluster');
    cluster.spec.certificates = { ...cluster.spec.certificates, clientCASecret: 'orders-postgresql-replication', replicationTLSSecret: 'orders-postgresql-replication' };
    expect(engineRestarts(now.plan, before, now.manifests)).toEqual([
      'orders-postgresql: client certificates move to the operator\'s own client CA orders-postgresql-ca (instances reload): after the merge run kubectl -n team-a delete secret orders-postgresql-replication orders-postgresql-client-ca --ignore-not-found, so the operator issues streaming_replica\'s certificate from its CA and no key signed by the platform\'s issuer is left; until then a standby that reconnects is refused',
    ]);
    expect(engineRestarts(now.plan, now.manifests, now.manifests)).toEqual([]);
  });

  it('the pooler: pods with a service-account token, TLS required with ssl, its metrics scraped', () => {
    const pooled = renderDatabase(cnpgRequest('orders', { pooling: true, ssl: true, monitoring: true }), CNPG_PLATFORM);
    const [pooler] = byKind(pooled, 'Pooler');
    expect(pooler.spec.template.spec).not.toHaveProperty('automountServiceAccountToken');
    // The operator overwrites the security contexts (pkg/specs/pgbouncer/deployments.go): the template claims none.
    expect(JSON.stringify(pooler.spec.template)).not.toContain('securityContext');
    expect(pooler.spec.pgbouncer.parameters.client_tls_sslmode).toBe('require');
    expect(byKind(renderDatabase(cnpgRequest('orders', { pooling: true, ssl: false }), CNPG_PLATFORM), 'Pooler')[0].spec.pgbouncer.parameters).not.toHaveProperty('client_tls_sslmode');
    expect(byKind(pooled, 'PodMonitor').map(m => [m.metadata.name, m.spec.selector.matchLabels])).toEqual([
      ['orders-postgresql', { 'cnpg.io/cluster': 'orders-postgresql', 'cnpg.io/podRole': 'instance' }],
      ['orders-postgresql-pooler', { 'cnpg.io/poolerName': 'orders-postgresql-pooler', 'cnpg.io/podRole': 'pooler' }],
    ]);
  });

  it('the catalog selects what the operator runs for the Cluster, the pooler\'s pods included', () => {
    const pooled = renderDatabase(cnpgRequest('orders', { pooling: true, replicas: 2 }), CNPG_PLATFORM);
    expect(pooled.plan.catalogLabelSelector).toBe('cnpg.io/cluster=orders-postgresql');
    const [key, value] = pooled.plan.catalogLabelSelector.split('=');
    const pods = operatorPods(pooled.manifests);
    expect(pods.map(p => p.what)).toEqual(['Cluster orders-postgresql instance 1', 'Cluster orders-postgresql instance 2', 'Pooler orders-postgresql-pooler pod 1']);
    for (const pod of pods) expect(pod.labels[key]).toBe(value);
    // What the selector used to be misses the pooler: the operator sets app.kubernetes.io/instance to the Cluster's name there.
    expect(pods.filter(p => p.labels['app.kubernetes.io/instance'] !== 'orders').map(p => p.what)).toEqual(['Pooler orders-postgresql-pooler pod 1']);
  });

  it('retired: a hibernated Cluster, its ObjectStores and NetworkPolicies, valid for the API server, the webhook and the reconcilers', () => {
    const request = cnpgRequest('orders', { size: 'large', profile: 'prod', replicas: 3, pooling: true, backup: true, monitoring: true });
    const retired = renderDatabase({ ...request, metadata: { ...request.metadata, annotations: { 'postgres-gitops.dev/retired': 'true' } } }, CNPG_PLATFORM_VARIANT);
    expect(retired.manifests.map(m => `${m.kind}/${m.metadata.name}`)).toEqual([
      'Certificate/orders-postgresql-tls', 'ObjectStore/orders-postgresql-backups', 'Cluster/orders-postgresql', 'NetworkPolicy/orders-postgresql', 'NetworkPolicy/orders-postgresql-operator',
    ]);
    const [cluster] = byKind(retired, 'Cluster');
    expect(cluster.metadata.annotations).toEqual({ 'kustomize.toolkit.fluxcd.io/prune': 'disabled', 'argocd.argoproj.io/sync-options': 'Prune=false,Delete=false', 'cnpg.io/hibernation': 'on' });
    // The same Cluster but for the annotation: hibernating rolls nothing first.
    const active = byKind(renderDatabase(request, CNPG_PLATFORM_VARIANT), 'Cluster')[0];
    expect(cluster.spec).toEqual(active.spec);
    expect(Object.keys(retired.files).some(f => f.endsWith('catalog-info.yaml'))).toBe(false);
    expect(retired.manifests.flatMap(m => validateObject(m))).toEqual([]);
    expect(clusterWebhookViolations(cluster, UPSTREAM_FIXED)).toEqual([]);
    expect(reconcilerViolations(retired.manifests)).toEqual([]);
    expect(operatorPods(retired.manifests)).toEqual([]);
  });

  it('renders deterministically', () => {
    const again = renderDatabase(cnpgRequest('orders', { size: 'large', profile: 'prod', replicas: 3, pooling: true }), CNPG_PLATFORM);
    expect(again.files).toEqual(db.files);
  });
});

describe('CloudNativePG bad input: a clear error naming the field, nothing rendered', () => {
  const issues = (spec: Record<string, unknown>, platform = CNPG_PLATFORM) => {
    try {
      renderDatabase(cnpgRequest('orders', spec), platform);
    } catch (error) {
      if (error instanceof RequestValidationError) return error.issues.map(i => `${i.path}: ${i.message}`).join('\n');
      throw error;
    }
    throw new Error('expected a refusal');
  };

  it.each([
    [{ version: '13' }, 'spec.version: PostgreSQL 13 does not run on cloudnative-pg: CloudNativePG 1.30 supports 14 to 18'],
    [{ persistence: false }, 'spec.persistence: cloudnative-pg always keeps data on volumes'],
    [{ username: 'postgres' }, 'spec.username: "postgres" is the superuser, which CloudNativePG keeps to itself'],
    [{ restore: { from: 'orders', targetTime: '20 Nov 2026' } }, 'spec.restore.targetTime: must be an RFC 3339 time with a zone'],
  ])('%j', (spec, expected) => {
    expect(issues(spec)).toContain(expected);
  });

  it('refuses backup and restore where the platform has no object store', () => {
    expect(issues({ backup: true }, { ...CNPG_PLATFORM, cloudnativePg: { ...CNPG_PLATFORM.cloudnativePg, objectStore: undefined } })).toContain(
      'spec.backup: needs an object store, and this platform has none (platform setting cloudnativePg.objectStore)',
    );
  });

  it('names a Cluster that would be too long, saying how long the name may be', () => {
    expect(() => renderDatabase(cnpgRequest('a'.repeat(40), {}), CNPG_PLATFORM)).toThrow(
      'metadata.name: too long: the Cluster "' + 'a'.repeat(40) + '-postgresql" would be 51 characters; CloudNativePG Cluster names must be DNS-1035 labels of at most 50 characters (its job names add suffixes). Use at most 39 characters',
    );
  });
});

describe('kubectl kustomize builds each CloudNativePG directory', () => {
  it.each(rendered.filter((_, i) => i % 12 === 0 || i >= combinations.length))('%s', (_label, db) => {
    expect(kustomizeBuild(db)).toEqual(db.manifests.map(m => `${m.kind}/${m.metadata.name}`).sort());
  });
});

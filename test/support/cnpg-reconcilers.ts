/**
 * What CloudNativePG v1.30.0's reconcilers and instance managers need of the objects we render,
 * beyond what its webhook checks (cnpg-webhook.ts): rules read from the upstream code, each citing
 * the file (cloudnative-pg/cloudnative-pg, tag v1.30.0, unless named), over every object of a
 * rendered database, or of a shared server with its tenants.
 *
 * Secrets the rules look into do not exist in git; their keys and their trust anchor follow from
 * what produces them: a cert-manager Certificate (cert-manager v1.21), an ExternalSecret's template,
 * or the operator itself.
 */
import { instancePods, poolerPods } from './cnpg-operator';

type Obj = Record<string, any>;

/** Keys cert-manager writes into a Certificate's Secret: tls.crt, tls.key, ca.crt (pkg/apis/meta/v1/types.go), never ca.key. */
const CERT_MANAGER_KEYS = ['ca.crt', 'tls.crt', 'tls.key'];
/** Keys of a CA Secret the operator generates: pkg/certs/certs.go GenerateCASecret (CACertKey, CAPrivateKeyKey). */
const OPERATOR_CA_KEYS = ['ca.crt', 'ca.key'];

/** Who produces a Secret, as far as the rendered objects say. */
export type SecretSource =
  | { by: 'cert-manager'; certificate: Obj }
  | { by: 'external-secrets'; keys: string[] }
  | { by: 'operator-ca'; cluster: string }
  | { by: 'nobody' };

const inNamespace = (m: Obj, namespace: string) => m.metadata.namespace === namespace;

/**
 * Where a Secret comes from. The operator generates a CA Secret only under the default name and
 * only when the Cluster does not name one (internal/controller/cluster_pki.go ensureCASecret, via
 * ensureServerCASecret and ensureClientCASecret; api/v1/cluster_funcs.go GetClientCASecretName).
 */
export function secretSource(manifests: Obj[], namespace: string, name: string): SecretSource {
  const certificate = manifests.find(m => m.kind === 'Certificate' && inNamespace(m, namespace) && m.spec.secretName === name);
  if (certificate) return { by: 'cert-manager', certificate };
  const external = manifests.find(m => m.kind === 'ExternalSecret' && inNamespace(m, namespace) && (m.spec.target?.name ?? m.metadata.name) === name);
  if (external) return { by: 'external-secrets', keys: Object.keys(external.spec.target?.template?.data ?? {}) };
  for (const cluster of manifests.filter(m => m.kind === 'Cluster' && inNamespace(m, namespace))) {
    const certs = cluster.spec.certificates ?? {};
    const operatorCa = `${cluster.metadata.name}-ca`;
    if (name === operatorCa && (!certs.clientCASecret || !certs.serverCASecret)) return { by: 'operator-ca', cluster: cluster.metadata.name };
  }
  return { by: 'nobody' };
}

export function secretKeys(source: SecretSource): string[] | undefined {
  switch (source.by) {
    case 'cert-manager':
      return CERT_MANAGER_KEYS;
    case 'external-secrets':
      return source.keys;
    case 'operator-ca':
      return OPERATOR_CA_KEYS;
    case 'nobody':
      return undefined;
  }
}

/**
 * The certificate `ca.crt` of a Secret holds, named by who made it. cert-manager writes the
 * root-most certificate of the issuing chain (pkg/util/pki/parse_certificate_chain.go
 * ParseSingleCertificateChain, used by pkg/controller/certificaterequests/ca/ca.go): for a CA
 * Issuer that is the root of the Issuer's own Secret, followed here; for a selfSigned Issuer the
 * certificate itself; for a ClusterIssuer, or an Issuer not rendered here, the platform's root,
 * which every namespace that may use that issuer shares. The operator's CA is its own root
 * (pkg/certs/certs.go CreateRootCA(cluster name, namespace)).
 */
export function trustAnchor(manifests: Obj[], namespace: string, secret: string, seen = new Set<string>()): string {
  const source = secretSource(manifests, namespace, secret);
  if (source.by === 'operator-ca') return `operator CA of ${namespace}/${source.cluster}`;
  if (source.by !== 'cert-manager') return `unknown (${namespace}/${secret})`;
  const issuerRef = source.certificate.spec.issuerRef;
  const issuer = issuerRef.kind === 'Issuer' && manifests.find(m => m.kind === 'Issuer' && inNamespace(m, namespace) && m.metadata.name === issuerRef.name);
  if (!issuer) return `platform ${issuerRef.kind ?? 'Issuer'} ${issuerRef.name}`;
  if (issuer.spec.selfSigned) return `self-signed ${namespace}/${secret}`;
  const caSecret = issuer.spec.ca?.secretName;
  if (!caSecret || seen.has(caSecret)) return `unknown (${namespace}/${secret})`;
  return trustAnchor(manifests, namespace, caSecret, new Set([...seen, secret]));
}

const clientCaSecretName = (cluster: Obj) => cluster.spec.certificates?.clientCASecret || `${cluster.metadata.name}-ca`;
const serverCaSecretName = (cluster: Obj) => cluster.spec.certificates?.serverCASecret || `${cluster.metadata.name}-ca`;
/** A Pooler the operator integrates itself (api/v1/pooler_funcs.go IsAutomatedIntegration): no auth query of the user's. */
const automated = (pooler: Obj) => !pooler.spec.pgbouncer?.authQuerySecret?.name && !pooler.spec.pgbouncer?.authQuery;

/** A token the pod mounts: the pod's automountServiceAccountToken, else its ServiceAccount's, else true. */
function mountsToken(spec: Obj, namespace: string, manifests: Obj[]): boolean {
  if (spec.automountServiceAccountToken !== undefined) return spec.automountServiceAccountToken;
  const account = manifests.find(m => m.kind === 'ServiceAccount' && inNamespace(m, namespace) && m.metadata.name === spec.serviceAccountName);
  return account?.automountServiceAccountToken ?? true;
}

/**
 * The rules, each named by the upstream code that needs it. `manifests` is everything applied to
 * the cluster together (a database, or a shared server with its tenants).
 */
export function reconcilerViolations(manifests: Obj[]): string[] {
  const problems: string[] = [];
  const clusters = manifests.filter(m => m.kind === 'Cluster');
  const poolers = manifests.filter(m => m.kind === 'Pooler');

  for (const cluster of clusters) {
    const { name, namespace } = cluster.metadata;
    const where = `Cluster ${namespace}/${name}`;
    const certs = cluster.spec.certificates ?? {};
    const pooled = poolers.some(p => inNamespace(p, namespace) && p.spec.cluster?.name === name && automated(p));

    // The instance manager talks to the API server from its first step (internal/cmd/manager/instance/run/cmd.go
    // config.GetConfigOrDie; join, pgbasebackup and status use pkg/management/client.go rest.InClusterConfig).
    for (const pod of instancePods(cluster)) {
      if (!mountsToken(pod.spec, namespace, manifests)) problems.push(`${pod.what}: no service-account token, so the instance manager cannot reach the API server (internal/cmd/manager/instance/run/cmd.go)`);
    }

    // The Barman Cloud plugin reads the ObjectStore each reference names from the Cluster's namespace: the
    // archive's (.spec.plugins) and a recovery source's (.spec.externalClusters[].plugin); plugin-barman-cloud
    // v0.9.0 internal/cnpgi/operator/config/config.go NewFromCluster, internal/cnpgi/common/wal.go.
    const stores = [
      ...(cluster.spec.plugins ?? []).map((p: Obj) => p.parameters?.barmanObjectName),
      ...(cluster.spec.externalClusters ?? []).map((e: Obj) => e.plugin?.parameters?.barmanObjectName),
    ].filter(Boolean) as string[];
    for (const store of stores) {
      if (!manifests.some(m => m.kind === 'ObjectStore' && inNamespace(m, namespace) && m.metadata.name === store)) problems.push(`${where}: ObjectStore ${store} is not rendered in ${namespace} (the Barman Cloud plugin reads it by name)`);
    }

    // Certificates the Cluster names must exist, with the keys the operator reads (internal/controller/cluster_pki.go).
    const needs = (secret: string, keys: string[], why: string) => {
      const have = secretKeys(secretSource(manifests, namespace, secret));
      if (!have) problems.push(`${where}: Secret ${secret} is made by nothing rendered here (${why})`);
      else for (const key of keys.filter(k => !have.includes(k))) problems.push(`${where}: Secret ${secret} has no ${key} (${why})`);
    };
    if (certs.serverTLSSecret) needs(certs.serverTLSSecret, ['tls.crt', 'tls.key'], 'serverTLSSecret, ensureServerLeafCertificate');
    if (certs.serverCASecret) needs(certs.serverCASecret, certs.serverTLSSecret ? ['ca.crt'] : ['ca.crt', 'ca.key'], 'serverCASecret, ensureServerCASecret');
    if (certs.replicationTLSSecret) needs(certs.replicationTLSSecret, ['tls.crt', 'tls.key'], 'replicationTLSSecret, ensureReplicationClientLeafCertificate');
    // The client CA must sign when the operator makes client certificates with it: streaming_replica's when
    // replicationTLSSecret is unset (ensureClientCASecret validates ca.key then), and the pooler's always
    // (internal/controller/cluster_create.go reconcilePoolerSecrets -> ensureLeafCertificate ->
    // generateCertificateFromCA -> pkg/certs/certs.go ParseCASecret: "missing ca.key secret data", which
    // aborts every reconcile of the Cluster; cloudnative-pg/cloudnative-pg#2841).
    const clientCa = clientCaSecretName(cluster);
    const clientKeys = ['ca.crt', ...(pooled || !certs.replicationTLSSecret ? ['ca.key'] : [])];
    needs(clientCa, clientKeys, pooled ? 'client CA, which signs the pooler\'s cnpg_pooler_pgbouncer certificate' : 'client CA');
    needs(serverCaSecretName(cluster), ['ca.crt'], 'server CA');

    // PostgreSQL trusts ca.crt of the client CA for cert authentication (ssl_ca_file, pkg/postgres/configuration.go;
    // pkg/reconciler/instance/certificate/reconciler.go refreshClientCA) and the fixed pg_hba rules admit
    // streaming_replica and cnpg_pooler_pgbouncer by certificate: that anchor must be the Cluster's alone.
    const anchor = trustAnchor(manifests, namespace, clientCa);
    if (!anchor.startsWith('operator CA of') && !anchor.startsWith('self-signed')) {
      problems.push(`${where}: PostgreSQL would trust the ${anchor} for streaming_replica and cnpg_pooler_pgbouncer (client CA ${clientCa}): any certificate that issuer signs, for any namespace, logs in as them`);
    }
    for (const other of clusters.filter(c => c !== cluster)) {
      if (trustAnchor(manifests, other.metadata.namespace, clientCaSecretName(other)) === anchor) {
        problems.push(`${where}: its client CA is also ${other.metadata.namespace}/${other.metadata.name}'s (${anchor}): either's certificates log in to the other`);
      }
    }
  }

  for (const pooler of poolers) {
    const { name, namespace } = pooler.metadata;
    const cluster = clusters.find(c => inNamespace(c, namespace) && c.metadata.name === pooler.spec.cluster?.name);
    // internal/controller/pooler_controller.go waits for its Cluster in the same namespace.
    if (!cluster) {
      problems.push(`Pooler ${namespace}/${name}: its Cluster ${pooler.spec.cluster?.name} is not rendered in ${namespace}`);
      continue;
    }
    // The pgbouncer instance manager watches its Pooler and reads its Secrets through the API server
    // (internal/pgbouncer/management/controller/manager.go -> pkg/management/client.go rest.InClusterConfig),
    // with the Role pkg/specs/pgbouncer/rbac.go grants its ServiceAccount.
    const [pod] = poolerPods(pooler, cluster);
    if (!mountsToken(pod.spec, namespace, manifests)) {
      problems.push(`Pooler ${namespace}/${name}: its pods mount no service-account token, so the pgbouncer instance manager cannot watch its Pooler or read its Secrets: the pods never start (internal/pgbouncer/management/controller/manager.go)`);
    }
    // The pooler's auth: with the automated integration the operator signs cnpg_pooler_pgbouncer's certificate
    // (rule above); with an auth query of the user's, its Secret must exist (pkg/management/pgbouncer/config/config.go
    // BuildConfigurationFiles reads basic-auth or TLS).
    const authSecret = pooler.spec.pgbouncer?.authQuerySecret?.name;
    if (authSecret && !secretKeys(secretSource(manifests, namespace, authSecret))) problems.push(`Pooler ${namespace}/${name}: authQuerySecret ${authSecret} is made by nothing rendered here`);
  }
  return problems;
}

/** PostgreSQL's defaults of the hot-standby-sensitive settings (pg_settings.boot_val, 14 to 18), for a Cluster that sets none. */
const SENSITIVE_DEFAULTS: Record<string, number> = { max_connections: 100, max_prepared_transactions: 0, max_wal_senders: 10, max_worker_processes: 32, max_locks_per_transaction: 64 };

/**
 * What happens to the primary when a Cluster changes from `before` to `after`:
 * - a hot-standby-sensitive setting goes down (pkg/management/postgres/probes.go
 *   GetDecreasedSensibleSettings: max_connections, max_prepared_transactions, max_wal_senders,
 *   max_worker_processes, max_locks_per_transaction): with primaryUpdateStrategy unsupervised the
 *   instance manager restarts the primary in place (internal/management/controller/
 *   instance_controller.go triggerRestartForDecrease), and the operator does not roll it
 *   (internal/controller/cluster_upgrade.go: "should be restarted by the instance manager itself");
 * - otherwise a new image, new resources or a changed restart-only setting roll the instances
 *   (cluster_upgrade.go isInstanceNeedingRollout), the primary last, by switchover when
 *   primaryUpdateMethod is switchover and there is a standby to switch to, else in place;
 * - anything else reloads (no restart).
 * `restartOnly` is the set of parameters PostgreSQL applies only at start (context postmaster).
 */
export function primaryUpdate(before: Obj, after: Obj, restartOnly: ReadonlySet<string>): 'none' | 'in-place restart' | 'switchover' {
  const [a, b] = [before.spec.postgresql?.parameters ?? {}, after.spec.postgresql?.parameters ?? {}];
  const value = (p: Record<string, string>, k: string) => Number(p[k] ?? (k === 'max_worker_processes' ? '32' : SENSITIVE_DEFAULTS[k]));
  const decreased = Object.keys(SENSITIVE_DEFAULTS).some(k => value(b, k) < value(a, k));
  if (decreased && (after.spec.primaryUpdateStrategy ?? 'unsupervised') === 'unsupervised') return 'in-place restart';
  const rollout =
    before.spec.imageName !== after.spec.imageName ||
    JSON.stringify(before.spec.resources) !== JSON.stringify(after.spec.resources) ||
    [...restartOnly].some(k => a[k] !== b[k]);
  if (!rollout) return 'none';
  return after.spec.instances > 1 && (after.spec.primaryUpdateMethod ?? 'restart') === 'switchover' ? 'switchover' : 'in-place restart';
}

/**
 * The CloudNativePG 1.30 webhook's rules that rendered Clusters and Poolers meet, beyond the CRD
 * schema (internal/webhook/v1/cluster_webhook.go of tag v1.30.0): validateName,
 * validateImageName, validateConfiguration (fixed parameters, wal_level), validateResources
 * (requests within limits, shared_buffers within the memory request), validateManagedServices and
 * validateCerts; and the Pooler webhook's (internal/webhook/v1/pooler_webhook.go): validatePgBouncer
 * (the auth query and its Secret, AllowedPgbouncerGenericConfigurationParameters), validateCluster.
 */
import { mebibytes } from '../../renderer/src/review/quantities';

type Obj = Record<string, any>;

const DNS1035 = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;

function cpuMillis(q: string): number {
  return q.endsWith('m') ? Number(q.slice(0, -1)) : Number(q) * 1000;
}

/** shared_buffers in MiB from a PostgreSQL quantity (8kB pages when unitless). */
function postgresMebibytes(value: string): number {
  const m = /^(\d+)\s*(kB|MB|GB|TB)?$/.exec(value);
  if (!m) throw new Error(`not a PostgreSQL quantity: ${value}`);
  const n = Number(m[1]);
  return { kB: n / 1024, MB: n, GB: n * 1024, TB: n * 1024 * 1024, '': (n * 8) / 1024 }[m[2] ?? ''] as number;
}

export function clusterWebhookViolations(cluster: Obj, fixedParameters: string[]): string[] {
  const problems: string[] = [];
  const { name } = cluster.metadata;
  const spec = cluster.spec;
  if (!DNS1035.test(name)) problems.push(`metadata.name ${name} is not a DNS-1035 label`);
  if (name.length > 50) problems.push('the maximum length of a cluster name is 50 characters');

  const tag = /:([^:@/]+)$/.exec(spec.imageName ?? '')?.[1];
  if (spec.imageName && (!tag || tag === 'latest' || !/^\d+(\.\d+)?/.test(tag))) problems.push(`spec.imageName ${spec.imageName}: invalid version tag`);
  const major = Number(/^(\d+)/.exec(tag ?? '')?.[1]);
  if (major < 14) problems.push(`PostgreSQL ${major} is not supported by CloudNativePG 1.30`);

  const parameters: Obj = spec.postgresql?.parameters ?? {};
  for (const [key, value] of Object.entries(parameters)) {
    if (typeof value !== 'string') problems.push(`spec.postgresql.parameters.${key} is not a string`);
    if (!/^[a-z_][a-z0-9_]*(\.[a-z_][a-z0-9_]*)?$/.test(key)) problems.push(`spec.postgresql.parameters.${key}: not a parameter name`);
    if (fixedParameters.includes(key)) problems.push(`spec.postgresql.parameters.${key}: Can't set fixed configuration parameter`);
  }
  const walLevel = parameters.wal_level ?? 'logical';
  if (spec.instances > 1 && walLevel === 'minimal') problems.push('wal_level minimal with more than one instance');

  const { requests = {}, limits = {} } = spec.resources ?? {};
  if (requests.cpu && limits.cpu && cpuMillis(requests.cpu) > cpuMillis(limits.cpu)) problems.push('CPU request is greater than the limit');
  if (requests.memory && limits.memory && mebibytes(requests.memory) > mebibytes(limits.memory)) problems.push('Memory request is greater than the limit');
  if (parameters.shared_buffers && requests.memory && postgresMebibytes(parameters.shared_buffers) > mebibytes(requests.memory)) {
    problems.push('Memory request is lower than PostgreSQL `shared_buffers` value');
  }

  const reserved = ['rw', 'ro', 'r', 'any'].map(s => `${name}-${s}`);
  const additional: Obj[] = spec.managed?.services?.additional ?? [];
  const names = additional.map(a => a.serviceTemplate?.metadata?.name);
  for (const [i, service] of additional.entries()) {
    const serviceName = service.serviceTemplate?.metadata?.name;
    if (!serviceName) problems.push(`managed.services.additional[${i}]: name is required`);
    if (reserved.includes(serviceName)) problems.push(`managed.services.additional[${i}]: the service name '${serviceName}' is reserved for operator use`);
    if (service.serviceTemplate?.spec?.selector) problems.push(`managed.services.additional[${i}]: selector field is managed by the operator`);
  }
  if (new Set(names).size !== names.length) problems.push('managed.services.additional contains services with the same .metadata.name');

  const certificates = spec.certificates;
  if (certificates?.serverTLSSecret) {
    if (certificates.serverAltDNSNames?.length) problems.push("spec.certificates.serverAltDNSNames: Server alternative DNS names can't be defined when server TLS secret is provided");
    if (!certificates.serverCASecret) problems.push("spec.certificates.serverCASecret: Server CA secret can't be empty when server TLS secret is provided");
  }
  if (certificates?.replicationTLSSecret && !certificates.clientCASecret) {
    problems.push("spec.certificates.clientCASecret: Client CA secret can't be empty when client replication secret is provided");
  }
  return problems;
}

/** AllowedPgbouncerGenericConfigurationParameters of pooler_webhook.go, v1.30.0. */
const ALLOWED_PGBOUNCER_PARAMETERS = new Set(
  ('application_name_add_host auth_type autodb_idle_timeout cancel_wait_timeout client_idle_timeout client_login_timeout client_tls_ciphers ' +
    'client_tls_sslmode client_tls13_ciphers default_pool_size disable_pqexec dns_max_ttl dns_nxdomain_ttl idle_transaction_timeout ' +
    'ignore_startup_parameters listen_backlog log_connections log_disconnections log_pooler_errors log_stats max_client_conn ' +
    'max_db_connections max_packet_size max_prepared_statements max_user_connections min_pool_size pkt_buf query_timeout ' +
    'query_wait_timeout reserve_pool_size reserve_pool_timeout sbuf_loopcnt server_check_delay server_check_query ' +
    'server_connect_timeout server_fast_close server_idle_timeout server_lifetime server_login_retry server_reset_query ' +
    'server_reset_query_always server_round_robin server_tls_ciphers server_tls13_ciphers server_tls_protocols server_tls_sslmode ' +
    'stats_period suspend_timeout tcp_defer_accept tcp_socket_buffer tcp_keepalive tcp_keepcnt tcp_keepidle tcp_keepintvl ' +
    'tcp_user_timeout track_extra_parameters verbose').split(' '),
);

export function poolerWebhookViolations(pooler: Obj): string[] {
  const problems: string[] = [];
  const pgbouncer = pooler.spec.pgbouncer;
  if (!pgbouncer) return ['spec.pgbouncer: required pgbouncer configuration'];
  const hasAuthentication = Boolean(pgbouncer.authQuerySecret?.name) || Boolean(pgbouncer.serverTLSSecret?.name);
  if (hasAuthentication && !pgbouncer.authQuery) problems.push('spec.pgbouncer.authQuery: must specify an auth query when providing an auth query secret');
  if (!hasAuthentication && pgbouncer.authQuery) problems.push('spec.pgbouncer.authQuerySecret.name: must specify an existing auth query secret when providing an auth query secret');
  for (const key of Object.keys(pgbouncer.parameters ?? {})) {
    if (!ALLOWED_PGBOUNCER_PARAMETERS.has(key)) problems.push(`spec.pgbouncer.parameters.${key}: Invalid or reserved parameter`);
  }
  if (!pooler.spec.cluster?.name) problems.push('spec.cluster.name: must specify a cluster name');
  if (pooler.spec.cluster?.name === pooler.metadata.name) problems.push('metadata.name: the pooler resource cannot have the same name of a cluster');
  return problems;
}

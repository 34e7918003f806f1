import type { Plan } from '../plan/plan';

export const CONFIG_DIR = '/etc/postgresql';
export const TLS_DIR = '/tls';
export const SOCKET_DIR = '/var/run/postgresql';

type Setting = string | number | boolean;

/** postgresql.conf settings for the plan, as data; serialized by renderPostgresConf. */
export function postgresSettings(plan: Plan): Record<string, Setting> {
  const t = plan.tuning;
  const settings: Record<string, Setting> = {
    listen_addresses: '*',
    port: plan.port,
    unix_socket_directories: SOCKET_DIR,
    max_connections: t.maxConnections,
    password_encryption: 'scram-sha-256',
    shared_buffers: `${t.sharedBuffersMb}MB`,
    effective_cache_size: `${t.effectiveCacheSizeMb}MB`,
    work_mem: `${t.workMemKb}kB`,
    maintenance_work_mem: `${t.maintenanceWorkMemMb}MB`,
    dynamic_shared_memory_type: 'posix',
    wal_level: 'replica',
    max_wal_size: `${t.maxWalSizeMb}MB`,
    min_wal_size: `${t.minWalSizeMb}MB`,
    max_wal_senders: t.maxWalSenders,
    hot_standby: true,
    log_destination: 'stderr',
    logging_collector: false,
    log_line_prefix: '%m [%p] %q%u@%d ',
    log_min_duration_statement: t.logMinDurationMs,
    log_checkpoints: true,
    log_lock_waits: true,
    log_timezone: 'UTC',
    timezone: 'UTC',
  };
  if (plan.standbys > 0) {
    settings.wal_keep_size = `${t.walKeepSizeMb}MB`;
    settings.hot_standby_feedback = true;
  }
  if (plan.spec.ssl) {
    settings.ssl = true;
    settings.ssl_cert_file = `${TLS_DIR}/tls.crt`;
    settings.ssl_key_file = `${TLS_DIR}/tls.key`;
    settings.ssl_min_protocol_version = 'TLSv1.2';
  }
  return settings;
}

function formatSetting(value: Setting): string {
  if (typeof value === 'number') return String(value);
  if (typeof value === 'boolean') return value ? 'on' : 'off';
  return `'${value.replace(/'/g, "''")}'`;
}

export function renderPostgresConf(settings: Record<string, Setting>): string {
  const lines = Object.entries(settings).map(([key, value]) => `${key} = ${formatSetting(value)}`);
  return `# Rendered by postgres-gitops; edit the request, not this file.\n${lines.join('\n')}\n`;
}

interface HbaRule {
  type: 'local' | 'host' | 'hostssl' | 'hostnossl';
  database: string;
  user: string;
  address?: string;
  method: string;
}

/** Client authentication: peer for the local superuser, SCRAM everywhere else, TLS-only when ssl is on. */
export function hbaRules(plan: Plan): HbaRule[] {
  const remote = plan.spec.ssl ? 'hostssl' : 'host';
  const rules: HbaRule[] = [
    { type: 'local', database: 'all', user: 'postgres', method: 'peer' },
    { type: 'local', database: 'all', user: 'all', method: 'scram-sha-256' },
  ];
  if (plan.standbys > 0) {
    rules.push(
      { type: remote, database: 'replication', user: plan.roles.replication, address: '0.0.0.0/0', method: 'scram-sha-256' },
      { type: remote, database: 'replication', user: plan.roles.replication, address: '::/0', method: 'scram-sha-256' },
    );
  }
  rules.push(
    { type: remote, database: 'all', user: 'all', address: '0.0.0.0/0', method: 'scram-sha-256' },
    { type: remote, database: 'all', user: 'all', address: '::/0', method: 'scram-sha-256' },
  );
  if (plan.spec.ssl) {
    rules.push(
      { type: 'hostnossl', database: 'all', user: 'all', address: '0.0.0.0/0', method: 'reject' },
      { type: 'hostnossl', database: 'all', user: 'all', address: '::/0', method: 'reject' },
    );
  }
  return rules;
}

export function renderHba(rules: HbaRule[]): string {
  const lines = rules.map(r => [r.type, r.database, r.user, r.address ?? '', r.method].filter(Boolean).join('\t'));
  return `# Rendered by postgres-gitops. Network access is narrowed further by NetworkPolicies.\n${lines.join('\n')}\n`;
}

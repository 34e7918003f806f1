import type { Tuning } from './tuning';

/** Where the statefulset engine's server keeps its sockets and certificates; CloudNativePG fixes its own. */
export const SOCKET_DIR = '/var/run/postgresql';
export const TLS_DIR = '/tls';

export type Setting = string | number | boolean;

export interface SettingsInput {
  tuning: Tuning;
  port: number;
  standbys: number;
  ssl: boolean;
}

/**
 * postgresql.conf settings as data: the one tuning source of every engine. An engine that
 * fixes some parameters itself (CloudNativePG) leaves those out; the rest reach the server as is.
 */
export function postgresSettings({ tuning: t, port, standbys, ssl }: SettingsInput): Record<string, Setting> {
  const settings: Record<string, Setting> = {
    listen_addresses: '*',
    port,
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
  if (standbys > 0) {
    settings.wal_keep_size = `${t.walKeepSizeMb}MB`;
    settings.hot_standby_feedback = true;
  }
  if (ssl) {
    settings.ssl = true;
    settings.ssl_cert_file = `${TLS_DIR}/tls.crt`;
    settings.ssl_key_file = `${TLS_DIR}/tls.key`;
    settings.ssl_min_protocol_version = 'TLSv1.2';
  }
  return settings;
}

/** A setting as postgresql.conf writes it: numbers bare, booleans on/off, strings quoted. */
export function formatSetting(value: Setting): string {
  if (typeof value === 'number') return String(value);
  if (typeof value === 'boolean') return value ? 'on' : 'off';
  return `'${value.replace(/'/g, "''")}'`;
}

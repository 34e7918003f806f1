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

/**
 * The rendered settings PostgreSQL applies only at server start: pg_settings.context is
 * 'postmaster' for exactly these on every major from 13 to 18 (test/postgres/config.test.ts
 * reads it from each real server). Every other rendered setting takes effect on reload
 * (context sighup, or superuser/user/backend defaults from the file), so changing it needs no
 * restart: the pods' reload loop applies it (plan/statefulset/scripts.ts RELOAD_SH).
 */
export const RESTART_SETTINGS: ReadonlySet<string> = new Set([
  'listen_addresses',
  'port',
  'unix_socket_directories',
  'max_connections',
  'shared_buffers',
  'dynamic_shared_memory_type',
  'wal_level',
  'max_wal_senders',
  'hot_standby',
  'logging_collector',
]);

/** The settings of `settings` that need a restart (RESTART_SETTINGS), for the pods' restart checksum. */
export function restartSettings(settings: Record<string, Setting>): Record<string, Setting> {
  return Object.fromEntries(Object.entries(settings).filter(([name]) => RESTART_SETTINGS.has(name)));
}

/** A setting as postgresql.conf writes it: numbers bare, booleans on/off, strings quoted. */
export function formatSetting(value: Setting): string {
  if (typeof value === 'number') return String(value);
  if (typeof value === 'boolean') return value ? 'on' : 'off';
  return `'${value.replace(/'/g, "''")}'`;
}

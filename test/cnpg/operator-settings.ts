/**
 * What CloudNativePG 1.30 writes into every instance's postgresql.conf besides the Cluster's
 * parameters: CnpgConfigurationSettings in pkg/postgres/configuration.go, tag v1.30.0 (Apache-2.0).
 * Paths and the archiver are this machine's stand-ins (marked), as the operator's own do not exist here.
 */
export const CNPG_GLOBAL_DEFAULTS: Record<string, string> = {
  archive_timeout: '5min',
  dynamic_shared_memory_type: 'posix',
  full_page_writes: 'on',
  logging_collector: 'on',
  log_destination: 'csvlog',
  log_rotation_age: '0',
  log_rotation_size: '0',
  log_truncate_on_rotation: 'false',
  max_parallel_workers: '32',
  max_worker_processes: '32',
  max_replication_slots: '32',
  shared_memory_type: 'mmap',
  ssl_max_protocol_version: 'TLSv1.3',
  ssl_min_protocol_version: 'TLSv1.3',
  wal_keep_size: '512MB',
  wal_level: 'logical',
  wal_log_hints: 'on',
  wal_sender_timeout: '5s',
  wal_receiver_timeout: '5s',
  shared_preload_libraries: '',
};

/** Mandatory settings; the operator's paths become the test's (given by the caller). */
export function cnpgMandatorySettings(paths: { socketDir: string; cert: string; key: string; logDir: string }): Record<string, string> {
  return {
    archive_mode: 'on',
    archive_command: '/bin/true', // stand-in for /controller/manager wal-archive
    hot_standby: 'true',
    listen_addresses: '127.0.0.1', // the operator listens on '*'; tests stay on loopback
    restart_after_crash: 'false',
    ssl: 'on',
    ssl_cert_file: paths.cert,
    ssl_key_file: paths.key,
    ssl_ca_file: paths.cert,
    unix_socket_directories: paths.socketDir,
    log_directory: paths.logDir,
    log_filename: 'postgres',
  };
}

/** The operator's pg_hba.conf around the Cluster's own lines (pkg/postgres/configuration.go hbaTemplate, simplified to this host). */
export function cnpgHba(userRules: string[]): string {
  return [
    'local all all peer',
    ...userRules,
    'hostssl postgres streaming_replica all cert',
    'hostssl replication streaming_replica all cert',
    'host all all all scram-sha-256',
    '',
  ].join('\n');
}

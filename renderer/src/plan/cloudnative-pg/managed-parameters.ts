/**
 * PostgreSQL parameters CloudNativePG fixes or blocks: its webhook rejects a Cluster that sets
 * them in `postgresql.parameters`. The keys of `FixedConfigurationParameters` in
 * pkg/postgres/configuration.go of cloudnative-pg/cloudnative-pg, tag v1.30.0 (Apache-2.0).
 * test/cnpg/fixed-parameters.go.txt holds the upstream text the test compares this list with.
 */
export const CNPG_FIXED_PARAMETERS: readonly string[] = [
  'allow_system_table_mods', 'archive_mode', 'bonjour', 'bonjour_name', 'cluster_name', 'config_file', 'data_directory',
  'data_sync_retry', 'event_source', 'external_pid_file', 'hba_file', 'hot_standby', 'ident_file', 'jit_provider',
  'listen_addresses', 'logging_collector', 'port', 'primary_conninfo', 'primary_slot_name', 'recovery_target',
  'recovery_target_action', 'recovery_target_inclusive', 'recovery_target_lsn', 'recovery_target_name',
  'recovery_target_time', 'recovery_target_timeline', 'recovery_target_xid', 'restore_command', 'shared_preload_libraries',
  'temp_tablespaces', 'unix_socket_directories', 'unix_socket_group', 'unix_socket_permissions',
  'archive_cleanup_command', 'archive_command', 'log_destination', 'log_directory', 'log_file_mode', 'log_filename',
  'log_rotation_age', 'log_rotation_size', 'log_truncate_on_rotation', 'pg_failover_slots.primary_dsn',
  'pg_failover_slots.standby_slot_names', 'promote_trigger_file', 'recovery_end_command', 'recovery_min_apply_delay',
  'restart_after_crash', 'ssl', 'ssl_ca_file', 'ssl_cert_file', 'ssl_crl_file', 'ssl_dh_params_file', 'ssl_ecdh_curve',
  'ssl_key_file', 'ssl_passphrase_command', 'ssl_passphrase_command_supports_reload', 'ssl_prefer_server_ciphers',
  'stats_temp_directory', 'synchronous_standby_names', 'synchronized_standby_slots', 'syslog_facility', 'syslog_ident',
  'syslog_sequence_numbers', 'syslog_split_messages',
];

/**
 * Parameters CloudNativePG sets itself that the statefulset engine's tuning also writes, left to
 * the operator; the shared tuning's wal_keep_size is replaced, not left: CloudNativePG's 512MB
 * default does not fit a small WAL volume, so the plan sizes it with the WAL budget (wal-budget.ts).
 */
export const CNPG_OWN_DEFAULTS: readonly string[] = ['wal_keep_size', 'ssl_min_protocol_version'];

/**
 * Settings of the shared tuning that do nothing on CloudNativePG, left out so the Cluster does
 * not claim them: the operator fixes log_destination to csvlog (CnpgConfigurationSettings in
 * pkg/postgres/configuration.go, v1.30.0) and turns the CSV lines into JSON, and PostgreSQL's
 * CSV log has fixed columns that ignore log_line_prefix (time, pid, user and database are columns).
 */
export const CNPG_WITHOUT_EFFECT: readonly string[] = ['log_line_prefix'];

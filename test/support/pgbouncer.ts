import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { makeCertificate, writeOwned } from './postgres';

/**
 * PgBouncer configured as CloudNativePG v1.30.0 writes it for a Pooler
 * (pkg/management/pgbouncer/config/config.go): one `* = host=<cluster>-rw` database entry,
 * `defaultPgBouncerParameters` under the Pooler's parameters, `forcedPgBouncerParameters` over
 * them (here with this machine's paths and a free port), and its pg_hba, which admits every
 * address with md5. The operator looks passwords up with an auth query; a userlist stands in.
 */
export const PGBOUNCER = '/usr/sbin/pgbouncer';

export const CNPG_PGBOUNCER_DEFAULTS: Record<string, string> = { log_stats: '0', auth_type: 'hba', client_tls_sslmode: 'prefer', server_tls_sslmode: 'verify-ca', ignore_startup_parameters: 'extra_float_digits,options' };
export const CNPG_PGBOUNCER_HBA = ['local pgbouncer pgbouncer peer', 'host all all 0.0.0.0/0 md5', 'host all all ::/0 md5', ''].join('\n');

/** Writes pgbouncer.ini, pg_hba.conf and userlist.txt into `dir` for a rendered Pooler's spec; returns the ini's path. */
export function writeCnpgPgbouncerConfig(
  dir: string,
  poolerSpec: { pgbouncer: { poolMode: string; parameters: Record<string, string> } },
  server: { port: number; caFile: string },
  listenPort: number,
  users: Record<string, string>,
): string {
  mkdirSync(dir, { recursive: true });
  const clientTls = makeCertificate(dir);
  const parameters: Record<string, string> = {
    ...CNPG_PGBOUNCER_DEFAULTS,
    ...poolerSpec.pgbouncer.parameters,
    unix_socket_dir: dir,
    listen_port: String(listenPort),
    listen_addr: '127.0.0.1',
    admin_users: 'pgbouncer',
    auth_hba_file: join(dir, 'pg_hba.conf'),
    server_tls_ca_file: server.caFile,
    client_tls_cert_file: clientTls.cert,
    client_tls_key_file: clientTls.key,
    client_tls_ca_file: clientTls.cert,
    auth_file: join(dir, 'userlist.txt'),
  };
  const ini = ['[databases]', `* = host=127.0.0.1 port=${server.port}`, '', '[pgbouncer]', `pool_mode = ${poolerSpec.pgbouncer.poolMode}`, ...Object.entries(parameters).sort().map(([k, v]) => `${k} = ${v}`), ''].join('\n');
  writeOwned(join(dir, 'pgbouncer.ini'), ini);
  writeOwned(join(dir, 'pg_hba.conf'), CNPG_PGBOUNCER_HBA);
  writeOwned(join(dir, 'userlist.txt'), Object.entries(users).map(([user, password]) => `"${user}" "${password}"\n`).join(''), 0o600);
  return join(dir, 'pgbouncer.ini');
}

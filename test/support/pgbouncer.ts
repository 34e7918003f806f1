import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { aptInstall } from './apt';
import { Background, freePort, initdb, makeCertificate, makeDir, PG_BIN, psqlLocal, removeDir, waitReady, writeOwned } from './postgres';

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

/** A PostgreSQL 15 with TLS and PgBouncer in front of it, configured as the operator does; stop() stops both and removes the directory. */
export interface PooledServer {
  dir: string;
  /** PostgreSQL's port (its socket is in `dir`). */
  serverPort: number;
  /** PgBouncer's port. */
  port: number;
  stop(): Promise<void>;
}

/**
 * Starts the server, creates `users` as login roles with their passwords, runs `setup` (SQL, as the
 * superuser), then PgBouncer with the Pooler's spec; each on a free port, each waited for.
 */
export async function startPooledServer(
  prefix: string,
  poolerSpec: { pgbouncer: { poolMode: string; parameters: Record<string, string> } },
  users: Record<string, string>,
  options: { settings?: string[]; setup?: string[] } = {},
): Promise<PooledServer> {
  if (!existsSync(PGBOUNCER)) aptInstall(['pgbouncer']);
  const dir = makeDir(prefix);
  const serverTls = makeCertificate(dir);
  await initdb(join(dir, 'data'));
  const serverPort = await freePort();
  const settings = [`port=${serverPort}`, `unix_socket_directories=${dir}`, 'listen_addresses=127.0.0.1', ...(options.settings ?? []), 'ssl=on', `ssl_cert_file=${serverTls.cert}`, `ssl_key_file=${serverTls.key}`];
  const postgres = new Background(`${PG_BIN}/postgres`, ['-D', join(dir, 'data'), ...settings.flatMap(setting => ['-c', setting])], {});
  let pgbouncer: Background | undefined;
  const stop = async () => {
    await pgbouncer?.stop();
    await postgres.stop();
    removeDir(dir);
  };
  try {
    await waitReady(serverPort, postgres);
    for (const [user, password] of Object.entries(users)) await psqlLocal(dir, serverPort, `CREATE ROLE ${user} LOGIN PASSWORD '${password}'`);
    for (const sql of options.setup ?? []) await psqlLocal(dir, serverPort, sql);
    const port = await freePort();
    const ini = writeCnpgPgbouncerConfig(join(dir, 'bouncer'), poolerSpec, { port: serverPort, caFile: serverTls.cert }, port, users);
    pgbouncer = new Background(PGBOUNCER, [ini], {});
    await waitReady(port, pgbouncer);
    return { dir, serverPort, port, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { renderDatabase } from '@postgres-gitops/renderer';
import { aptInstall } from '../support/apt';
import { CNPG_PLATFORM, cnpgRequest } from '../support/cnpg-requests';
import { Background, freePort, initdb, makeCertificate, makeDir, PG_BIN, psqlLocal, removeDir, run, waitReady, writeOwned } from '../support/postgres';

/**
 * The rendered Pooler's parameters on a real PgBouncer (Debian's package) in front of a real
 * PostgreSQL 15, in the configuration CloudNativePG v1.30.0 writes
 * (pkg/management/pgbouncer/config/config.go): its defaults (client_tls_sslmode prefer,
 * server_tls_sslmode verify-ca, auth_type hba), the Pooler's parameters over them, its forced
 * ones (client TLS from the Cluster's server certificate), and its pg_hba, which admits every
 * address with md5 whether or not the connection is TLS. The operator authenticates PgBouncer to
 * PostgreSQL by certificate and looks passwords up with an auth query; here a userlist stands in
 * for both, as neither decides whether a client may talk plaintext.
 */
const PGBOUNCER = '/usr/sbin/pgbouncer';

const CNPG_DEFAULTS: Record<string, string> = { log_stats: '0', auth_type: 'hba', client_tls_sslmode: 'prefer', server_tls_sslmode: 'verify-ca', ignore_startup_parameters: 'extra_float_digits,options' };
const CNPG_HBA = ['local pgbouncer pgbouncer peer', 'host all all 0.0.0.0/0 md5', 'host all all ::/0 md5', ''].join('\n');

const poolerOf = (ssl: boolean) => renderDatabase(cnpgRequest('orders', { pooling: true, ssl }), CNPG_PLATFORM).manifests.find(m => m.kind === 'Pooler') as any;
/** The Pooler the renderer wrote before client_tls_sslmode: its parameters were the pool sizes only. */
const oldPooler = () => {
  const pooler = structuredClone(poolerOf(true));
  delete pooler.spec.pgbouncer.parameters.client_tls_sslmode;
  return pooler;
};

const CASES: [string, () => any, 'refused' | 'accepted'][] = [
  ['rendered with ssl', () => poolerOf(true), 'refused'],
  ['planted: the old Pooler (CloudNativePG\'s default prefer)', oldPooler, 'accepted'],
];

describe.each(CASES)('PgBouncer with the Pooler\'s parameters: %s', (_label, pooler, plaintext) => {
  let dir: string;
  let postgres: Background;
  let pgbouncer: Background;
  let pgPort: number;
  let port: number;

  beforeAll(async () => {
    if (!existsSync(PGBOUNCER)) aptInstall(['pgbouncer']);
    dir = makeDir('pooler-tls');
    const serverTls = makeCertificate(dir);
    await initdb(join(dir, 'data'));
    pgPort = await freePort();
    postgres = new Background(`${PG_BIN}/postgres`, ['-D', join(dir, 'data'), '-c', `port=${pgPort}`, '-c', `unix_socket_directories=${dir}`, '-c', 'listen_addresses=127.0.0.1', '-c', 'ssl=on', '-c', `ssl_cert_file=${serverTls.cert}`, '-c', `ssl_key_file=${serverTls.key}`], {});
    await waitReady(pgPort, postgres);
    await psqlLocal(dir, pgPort, "CREATE ROLE app LOGIN PASSWORD 'app-pw'");

    const bouncer = join(dir, 'bouncer');
    mkdirSync(bouncer);
    const clientTls = makeCertificate(bouncer);
    port = await freePort();
    const spec = pooler().spec;
    const parameters: Record<string, string> = {
      ...CNPG_DEFAULTS,
      ...spec.pgbouncer.parameters,
      // forcedPgBouncerParameters, with this machine's paths and a free port
      unix_socket_dir: bouncer,
      listen_port: String(port),
      listen_addr: '127.0.0.1',
      admin_users: 'pgbouncer',
      auth_hba_file: join(bouncer, 'pg_hba.conf'),
      server_tls_ca_file: serverTls.cert,
      client_tls_cert_file: clientTls.cert,
      client_tls_key_file: clientTls.key,
      client_tls_ca_file: clientTls.cert,
      auth_file: join(bouncer, 'userlist.txt'),
    };
    const ini = ['[databases]', `* = host=127.0.0.1 port=${pgPort}`, '', '[pgbouncer]', `pool_mode = ${spec.pgbouncer.poolMode}`, ...Object.entries(parameters).sort().map(([k, v]) => `${k} = ${v}`), ''].join('\n');
    writeOwned(join(bouncer, 'pgbouncer.ini'), ini);
    writeOwned(join(bouncer, 'pg_hba.conf'), CNPG_HBA);
    writeOwned(join(bouncer, 'userlist.txt'), '"app" "app-pw"\n', 0o600);
    pgbouncer = new Background(PGBOUNCER, [join(bouncer, 'pgbouncer.ini')], {});
    await waitReady(port, pgbouncer);
  });
  afterAll(async () => {
    await pgbouncer?.stop();
    await postgres?.stop();
    removeDir(dir);
  });

  const connect = (sslmode: string) =>
    run(`${PG_BIN}/psql`, ['-X', '-A', '-t', '-h', '127.0.0.1', '-p', String(port), '-U', 'app', '-d', 'postgres', '-c', 'SELECT 1'], { PGPASSWORD: 'app-pw', PGSSLMODE: sslmode, PGCONNECT_TIMEOUT: '5' });

  it(`a client without TLS is ${plaintext}`, async () => {
    const result = await connect('disable');
    expect({ ok: result.code === 0 }).toEqual({ ok: plaintext === 'accepted' });
    if (plaintext === 'refused') expect(result.stderr).toMatch(/SSL required/);
  });

  it('a client with TLS gets through to PostgreSQL', async () => {
    const result = await connect('require');
    expect({ code: result.code, stdout: result.stdout.trim(), stderr: result.stderr }).toEqual({ code: 0, stdout: '1', stderr: '' });
  });
});

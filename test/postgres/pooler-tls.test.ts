import { renderDatabase } from '@postgres-gitops/renderer';
import { CNPG_PLATFORM, cnpgRequest } from '../support/cnpg-requests';
import { startPooledServer, type PooledServer } from '../support/pgbouncer';
import { PG_BIN, run } from '../support/postgres';

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
  let server: PooledServer;
  let port: number;

  beforeAll(async () => {
    server = await startPooledServer('pooler-tls', pooler().spec, { app: 'app-pw' });
    port = server.port;
  });
  afterAll(async () => {
    await server?.stop();
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

import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { renderDatabase, withChanges } from '@postgres-gitops/renderer';
import { CNPG_PLATFORM, cnpgRequest } from '../support/cnpg-requests';
import { startPooledServer, type PooledServer } from '../support/pgbouncer';
import { PG_BIN, psqlLocal, run } from '../support/postgres';

/**
 * SRE review 3 M1: PgBouncer's default_pool_size counts per user/database pair (pgbouncer(5)),
 * and CloudNativePG v1.30.0 gives every role its own pool (one `*` database entry, auth_query
 * users: pkg/management/pgbouncer/config/config.go). The owner and two access roles busy at once
 * on Debian's real PgBouncer in front of PostgreSQL 15, with the rendered Pooler's parameters:
 * the server connections of the application database must stay within the pooler instance's
 * budget (max_db_connections), and without max_db_connections (planted: the Pooler before the
 * fix) they reach three pools' worth.
 */
const USERS = { app: 'app-pw', analytics: 'analytics-pw', etl: 'etl-pw' };

const transaction = () => renderDatabase(cnpgRequest('orders', { pooling: true, ssl: false }), CNPG_PLATFORM);
/** Pooling turned off after it was on: the pooler stays in session mode. */
const session = () => renderDatabase(withChanges(transaction().request, { pooling: false }), CNPG_PLATFORM);
const poolerSpec = (db: ReturnType<typeof transaction>) => structuredClone((db.manifests.find(m => m.kind === 'Pooler') as any).spec);
const withoutCap = (db: ReturnType<typeof transaction>) => {
  const spec = poolerSpec(db);
  delete spec.pgbouncer.parameters.max_db_connections;
  return spec;
};

const CASES: [string, () => any, 'within' | 'beyond'][] = [
  ['transaction mode, rendered', () => poolerSpec(transaction()), 'within'],
  ['session mode, rendered', () => poolerSpec(session()), 'within'],
  ['planted: transaction mode without max_db_connections', () => withoutCap(transaction()), 'beyond'],
];

describe.each(CASES)('three roles busy through PgBouncer: %s', (_label, specOf, outcome) => {
  let server: PooledServer;
  const spec = specOf();
  const poolSize = Number(spec.pgbouncer.parameters.default_pool_size);
  const budget = Number(spec.pgbouncer.parameters.max_db_connections ?? poolerSpec(transaction()).pgbouncer.parameters.max_db_connections);

  beforeAll(async () => {
    server = await startPooledServer('pooler-connections', spec, USERS, { settings: ['max_connections=120'], setup: ['CREATE DATABASE app OWNER app'] });
  });
  afterAll(async () => {
    await server?.stop();
  });

  it(`keeps the application database's server connections ${outcome} the pooler instance's budget`, async () => {
    // Each role runs more clients than one pool holds, each client two 2-second transactions.
    const clients = poolSize + 2;
    const script = join(server.dir, 'sleep.sql');
    writeFileSync(script, 'SELECT pg_sleep(2);\n');
    const load = Object.entries(USERS).map(([user, password]) =>
      run(`${PG_BIN}/pgbench`, ['-n', '-h', '127.0.0.1', '-p', String(server.port), '-U', user, '-c', String(clients), '-j', '1', '-t', '2', '-f', script, 'app'], { PGPASSWORD: password, PGSSLMODE: 'disable' }),
    );
    let peak = 0;
    let peakByUser = '';
    let running = true;
    const done = Promise.all(load).finally(() => (running = false));
    while (running) {
      const rows = await psqlLocal(server.dir, server.serverPort, "SELECT usename, count(*) FROM pg_stat_activity WHERE datname = 'app' AND backend_type = 'client backend' GROUP BY usename ORDER BY usename");
      const total = rows.split('\n').filter(Boolean).reduce((sum, row) => sum + Number(row.split('|')[1]), 0);
      if (total > peak) [peak, peakByUser] = [total, rows.replace(/\n/g, ' ')];
      await new Promise(r => setTimeout(r, 250));
    }
    const results = await done;
    expect(results.map(r => ({ code: r.code, stderr: r.code === 0 ? '' : r.stderr }))).toEqual(results.map(() => ({ code: 0, stderr: '' })));
    if (outcome === 'within') expect({ peak, peakByUser, withinBudget: peak <= budget }).toMatchObject({ withinBudget: true });
    // Planted: every role fills its own pool: three pools' worth, beyond the budget.
    else expect({ peak, peakByUser, beyondBudget: peak > budget }).toMatchObject({ beyondBudget: true });
    expect(peak).toBeGreaterThan(0);
  }, 120_000);
});

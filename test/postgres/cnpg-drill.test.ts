import { closeSync, openSync, readFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { renderDatabase } from '@postgres-gitops/renderer';
import { ensureClientTools } from '../support/client-tools';
import { CNPG_PLATFORM, cnpgRequest } from '../support/cnpg-requests';
import { backupLine, runDrill, type DrillScenario } from '../support/drill-runner';
import { Background, freePort, initdb, makeDir, PG_BIN, psqlLocal, removeDir, run, runOk, serverBin, waitReady, writeOwned } from '../support/postgres';

/**
 * The cloudnative-pg restore drill's checks on real PostgreSQL 14 to 18: a live server archives its
 * WAL, a base backup is taken (pg_basebackup), writes go on and are archived; a copy then recovers
 * from the archive to its end and promotes, as the operator's full-recovery Job does for the drill
 * Cluster (pkg/management/postgres/restore.go, CloudNativePG v1.30.0), and the instance manager
 * sets the owner's password from the drill's own Secret. Then the rendered runner, drill.sh, runs
 * against it with a kubectl that answers as the API server would (support/drill-runner.ts) and
 * the real psql, which checks the recovered server over TCP as its owner with that password.
 */
const MAJORS = ['14', '15', '16', '17', '18'];
const IMAGE_CLIENT_MAJOR = 15;

describe.each(MAJORS)('the cloudnative-pg restore drill on a real recovery, PostgreSQL %s', major => {
  const bin = serverBin(major);
  const db = renderDatabase(cnpgRequest('orders', { profile: 'prod', version: major }), CNPG_PLATFORM);
  let root: string;
  let live: Background | undefined;
  let recovered: Background | undefined;
  let livePort: number;
  let recoveredPort: number;
  let backupEndLsn: string;
  let liveRows: number;

  const su = (port: number, sql: string, database = 'postgres') => psqlLocal(root, port, sql, database);
  const scenario = (endLsn: string): DrillScenario => ({ policy: true, backups: backupLine('orders-postgresql', 2, endLsn), window: '2026-11-05T02:00:00Z', ready: true, password: 'drill-pw' });

  async function startServer(dir: string, port: number, extra: string[] = []): Promise<Background> {
    const server = new Background(`${bin}/postgres`, ['-D', dir, '-c', `port=${port}`, '-c', `unix_socket_directories=${root}`, '-c', 'listen_addresses=127.0.0.1', '-c', `hba_file=${join(root, 'pg_hba.conf')}`, ...extra], {});
    await waitReady(port, server);
    return server;
  }

  beforeAll(async () => {
    const clientBin = Number(major) > IMAGE_CLIENT_MAJOR ? await ensureClientTools('18') : PG_BIN;
    root = makeDir(`cnpg-drill-${major}`);
    const archive = join(root, 'archive');
    await run('/bin/mkdir', ['-p', archive]);
    writeOwned(join(root, 'pg_hba.conf'), 'local all all peer\nlocal replication all peer\nhost all all 127.0.0.1/32 scram-sha-256\n');
    livePort = await freePort();
    await initdb(join(root, 'live'), bin);
    live = await startServer(join(root, 'live'), livePort, ['-c', 'log_connections=on', '-c', 'wal_level=replica', '-c', 'archive_mode=on', '-c', `archive_command=cp %p ${archive}/%f`]);
    await su(livePort, "CREATE ROLE app LOGIN PASSWORD 'live-pw'");
    await su(livePort, 'CREATE DATABASE app OWNER app');
    await runOk(`${PG_BIN}/psql`, ['-X', '-q', '-v', 'ON_ERROR_STOP=1', '-h', root, '-p', String(livePort), '-U', 'postgres', '-d', 'app'], {}, `
      SET ROLE app;
      CREATE TABLE orders (id int PRIMARY KEY, note text);
      -- Values too large to stay in the row, even compressed: they live in the TOAST table.
      INSERT INTO orders SELECT i, CASE WHEN i % 100 = 0 THEN (SELECT string_agg(md5(i::text || j::text), '') FROM generate_series(1, 400) j) ELSE md5(i::text) END FROM generate_series(1, 2000) i;
      CREATE SCHEMA sales;
      CREATE TABLE sales."Daily Totals" (day int, total numeric);
      INSERT INTO sales."Daily Totals" SELECT i, i * 1.5 FROM generate_series(1, 30) i;
      RESET ROLE;
      CREATE TABLE audit (at int);`);
    // The base backup, and where it ends: the Backup object's status.endLSN.
    await runOk(`${clientBin}/pg_basebackup`, ['-h', root, '-p', String(livePort), '-U', 'postgres', '-D', join(root, 'base'), '-X', 'stream', '-c', 'fast']);
    const manifest = JSON.parse(readFileSync(join(root, 'base', 'backup_manifest'), 'utf8'));
    backupEndLsn = manifest['WAL-Ranges'][0]['End-LSN'];
    // Writes after the backup reach the drill only through the archive.
    await runOk(`${PG_BIN}/psql`, ['-X', '-q', '-v', 'ON_ERROR_STOP=1', '-h', root, '-p', String(livePort), '-U', 'postgres', '-d', 'app', '-c', "SET ROLE app; INSERT INTO orders SELECT i, 'after the backup' FROM generate_series(2001, 2500) i"]);
    liveRows = Number(await su(livePort, 'SELECT (SELECT count(*) FROM orders) + (SELECT count(*) FROM sales."Daily Totals")', 'app'));
    const segment = await su(livePort, 'SELECT pg_walfile_name(pg_current_wal_lsn())');
    await su(livePort, 'SELECT pg_switch_wal()');
    for (let i = 0; i < 300 && (await su(livePort, "SELECT coalesce(last_archived_wal, '')  FROM pg_stat_archiver")) < segment; i++) await new Promise(r => setTimeout(r, 100));

    // The full recovery: the backup, restore_command from the archive, to its end, then promotion.
    await run('/bin/cp', ['-a', join(root, 'base'), join(root, 'recovered')]);
    writeOwned(join(root, 'recovered', 'recovery.signal'), '');
    recoveredPort = await freePort();
    recovered = await startServer(join(root, 'recovered'), recoveredPort, ['-c', `restore_command=cp ${archive}/%f %p`, '-c', 'archive_mode=off']);
    for (let i = 0; i < 300 && (await su(recoveredPort, 'SELECT pg_is_in_recovery()')) !== 'f'; i++) await new Promise(r => setTimeout(r, 100));
    // The instance manager sets the owner's password from the drill's own Secret (reconcileUser).
    await su(recoveredPort, "ALTER ROLE app PASSWORD 'drill-pw'");
  }, 1_500_000);

  afterAll(async () => {
    await recovered?.stop();
    await live?.stop();
    removeDir(root);
  });

  it('passes: the owner connects over TCP with the drill\'s password, every table it may read is read to the end, recovery reached past the base backup; what it may not read is listed', async () => {
    const drill = await runDrill(db, scenario(backupEndLsn), { psql: { port: recoveredPort } });
    expect({ code: drill.code, stderr: drill.stderr }).toEqual({ code: 0, stderr: 'drill: PASSED\n' });
    const verdict = JSON.parse(drill.stdout.trim());
    expect(verdict).toMatchObject({ result: 'passed', backup_end_lsn: backupEndLsn });
    expect(verdict.check).toMatchObject({ database: 'app', owner: 'app', tables: 2, rows: liveRows, skipped: ['public.audit'] });
    expect(liveRows).toBe(2530);
    expect(await su(recoveredPort, `SELECT pg_current_wal_lsn() >= '${backupEndLsn}'::pg_lsn`)).toBe('t');
    // The live server was never connected to: the drill holds no credential for it.
    expect(live!.log).not.toMatch(/connection authorized: user=app/);
  });

  it('planted: a base backup ending past what the archive replayed fails, saying WAL is missing', async () => {
    const drill = await runDrill(db, scenario('FF/FFFFFFFF'), { psql: { port: recoveredPort } });
    expect(drill.code).toBe(1);
    expect(JSON.parse(drill.stdout.trim()).reason).toMatch(/recovered to [0-9A-F]+\/[0-9A-F]+, before the end of the newest base backup \(FF\/FFFFFFFF\): WAL is missing from the archive/);
  });

  it('planted: a wrong owner password (not the drill\'s own Secret) fails at the connection', async () => {
    const drill = await runDrill(db, { ...scenario(backupEndLsn), password: 'live-pw' }, { psql: { port: recoveredPort } });
    expect(drill.code).toBe(1);
    expect(JSON.parse(drill.stdout.trim()).reason).toMatch(/password authentication failed for user "app"/);
  });

  /** Overwrites the first block of a relation's file of the recovered copy with bytes no page has. */
  async function damage(relation: string): Promise<void> {
    const file = await su(recoveredPort, `SELECT pg_relation_filepath(${relation})`, 'app');
    await recovered!.stop();
    const fd = openSync(join(root, 'recovered', file), 'r+');
    writeSync(fd, Buffer.alloc(8192, 0xab), 0, 8192, 0);
    closeSync(fd);
    recovered = await startServer(join(root, 'recovered'), recoveredPort);
  }

  it('planted: a damaged block of a table\'s TOAST data fails the check (every value is read whole)', async () => {
    await damage("(SELECT reltoastrelid::regclass::text FROM pg_class WHERE relname = 'orders')");
    // Counting rows alone reads no TOAST data: a check that only counted would pass.
    const countOnly = structuredClone(db);
    const configMap = countOnly.manifests.find(m => m.kind === 'ConfigMap' && m.metadata.name === 'orders-postgresql-drill') as any;
    configMap.data['checks.sql'] = configMap.data['checks.sql'].replace('coalesce(sum(pg_column_size(r.*)), 0)', '0');
    expect((await runDrill(countOnly, scenario(backupEndLsn), { psql: { port: recoveredPort } })).code).toBe(0);
    const drill = await runDrill(db, scenario(backupEndLsn), { psql: { port: recoveredPort } });
    expect(drill.code).toBe(1);
    expect(JSON.parse(drill.stdout.trim()).reason).toMatch(/invalid page in block 0 of relation/);
  });

  it('planted: a damaged block of a table fails the check', async () => {
    await damage("'sales.\"Daily Totals\"'");
    const drill = await runDrill(db, scenario(backupEndLsn), { psql: { port: recoveredPort } });
    expect(drill.code).toBe(1);
    expect(JSON.parse(drill.stdout.trim()).reason).toMatch(/invalid page in block 0 of relation/);
  });
});

import { join } from 'node:path';
import { decommissionText, renderDatabase } from '@postgres-gitops/renderer';
import { Background, freePort, initdb, makeDir, PG_BIN, psqlLocal, psqlTcp, removeDir, run, serverBin, waitReady } from '../support/postgres';

/**
 * What the retirement PR of a shared-server tenant says (review/shared-server/engine.ts): the
 * DatabaseRole's login: false (ALTER ROLE ... NOLOGIN) refuses new sessions only, and
 * pg_terminate_backend ends the open ones. Real PostgreSQL 15.
 */
describe('a role losing its login keeps its open sessions (real PostgreSQL 15)', () => {
  const bin = serverBin('15');
  let root: string;
  let server: Background;
  let port: number;

  beforeAll(async () => {
    root = makeDir('nologin');
    port = await freePort();
    await initdb(join(root, 'data'), bin);
    server = new Background(`${bin}/postgres`, ['-D', join(root, 'data'), '-c', `port=${port}`, '-c', `unix_socket_directories=${root}`, '-c', 'listen_addresses=127.0.0.1'], {});
    await waitReady(port, server);
    await psqlLocal(root, port, "CREATE ROLE tenant LOGIN PASSWORD 'tenant-pw'");
  }, 60_000);

  afterAll(async () => {
    await server.stop();
    removeDir(root);
  });

  it('NOLOGIN refuses new sessions, an open one runs on, and the PR\'s pg_terminate_backend ends it', async () => {
    const open = run(`${PG_BIN}/psql`, ['-X', '-h', '127.0.0.1', '-p', String(port), '-U', 'tenant', '-d', 'postgres', '-c', 'SELECT pg_sleep(60)'], { PGPASSWORD: 'tenant-pw' });
    const sessions = () => psqlLocal(root, port, "SELECT count(*) FROM pg_stat_activity WHERE usename = 'tenant'");
    for (let i = 0; i < 50 && (await sessions()) !== '1'; i++) await new Promise(r => setTimeout(r, 100));
    // What the retired DatabaseRole (login: false, no password) makes the operator run.
    await psqlLocal(root, port, 'ALTER ROLE tenant NOLOGIN PASSWORD NULL');
    expect((await psqlTcp(port, 'tenant', 'tenant-pw', 'postgres', 'SELECT 1')).code).not.toBe(0);
    await new Promise(r => setTimeout(r, 1000));
    expect(await sessions()).toBe('1');
    // The statement the retirement PR gives (renderer/src/review/shared-server/engine.ts).
    const { body } = decommissionText(renderDatabase({ apiVersion: 'postgres-gitops.dev/v1alpha1', kind: 'PostgreSQL', metadata: { name: 'billing', namespace: 'team-b' }, spec: { server: { name: 'shared', namespace: 'databases' } } }));
    const statement = /"(SELECT pg_terminate_backend\(pid\) FROM pg_stat_activity WHERE usename = '[^']+')"/.exec(body)![1];
    await psqlLocal(root, port, statement.replace(/usename = '[^']+'/, "usename = 'tenant'"));
    expect((await open).stderr).toMatch(/terminating connection due to administrator command/);
    expect(await sessions()).toBe('0');
  }, 60_000);
});

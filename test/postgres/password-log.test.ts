import { join } from 'node:path';
import { renderPlan } from '@postgres-gitops/renderer';
import { statefulSetPlanFor } from '../../renderer/src/__testUtils__/plans';
import { Background, freePort, initdb, makeDir, removeDir, run, serverBin, waitReady, writeOwned } from '../support/postgres';
import { containerOf, envOf, PASSWORDS } from '../support/rendered-pods';

/**
 * M5 of the SRE review: the scripts that set passwords must keep them out of the server log.
 * PostgreSQL logs a statement's text three ways: log_statement, log_min_duration_statement (a
 * slow statement, whatever log_statement says) and log_min_error_statement (a failing one, as
 * STATEMENT:). A real PostgreSQL 15 that logs every statement's duration and every error's
 * statement runs the rendered sync-roles.sh and reload.sh, the latter with an ALTER ROLE that
 * fails; the server's log must hold no password.
 */
describe('passwords never reach the PostgreSQL log (real PostgreSQL 15)', () => {
  const bin = serverBin('15');
  const plan = statefulSetPlanFor({ size: 'large', replicas: 2, profile: 'prod', version: '15', ssl: false, username: 'app_user', database: 'orders', passwordRotationDays: 30 });
  const manifests = renderPlan(plan);
  const secrets = Object.values(PASSWORDS);
  let root: string;
  let server: Background;
  let port: number;

  beforeAll(async () => {
    root = makeDir('password-log');
    port = await freePort();
    await initdb(join(root, 'data'), bin);
    server = new Background(`${bin}/postgres`, ['-D', join(root, 'data'), '-c', `port=${port}`, '-c', `unix_socket_directories=${root}`, '-c', 'listen_addresses=127.0.0.1',
      '-c', 'log_min_duration_statement=0', '-c', 'log_min_error_statement=error'], {});
    await waitReady(port, server);
  }, 60_000);

  afterAll(async () => {
    await server.stop();
    removeDir(root);
  });

  const leaked = (log: string) => secrets.filter(secret => log.includes(secret));

  async function syncRoles(script: string): Promise<void> {
    writeOwned(join(root, 'sync-roles.sh'), script, 0o755);
    const env = envOf(containerOf(manifests, 'StatefulSet', plan.names.statefulSet), { PGSOCKET: root, PGPORT_SERVER: String(port) });
    const result = await run('/bin/bash', [join(root, 'sync-roles.sh')], env);
    expect(result).toMatchObject({ code: 0, stdout: expect.stringContaining('roles and database in place') });
  }

  /** One pass of reload.sh's password sync for a role that does not exist: ALTER ROLE fails. */
  async function failingRotation(script: string): Promise<void> {
    writeOwned(join(root, 'reload.sh'), script, 0o755);
    const passwordFile = join(root, 'app-password');
    writeOwned(passwordFile, PASSWORDS['postgres-password'], 0o440);
    const env = envOf(containerOf(manifests, 'StatefulSet', plan.names.statefulSet, 'reload'), {
      PGSOCKET: root, PGPORT_SERVER: String(port), APP_USER: 'no_such_role', APP_PASSWORD_FILE: passwordFile, RELOAD_INTERVAL_SECONDS: '1', RELOAD_FILES: passwordFile,
    });
    const loop = new Background('/bin/bash', [join(root, 'reload.sh')], env);
    const before = server.log.length;
    for (let i = 0; i < 100 && !server.log.slice(before).includes('role "no_such_role" does not exist'); i++) await new Promise(r => setTimeout(r, 100));
    expect(await loop.stop()).toBe(0);
    expect(server.log.slice(before)).toContain('role "no_such_role" does not exist');
  }

  it('sync-roles.sh and a failing reload.sh rotation log every statement but no password', async () => {
    const from = server.log.length;
    await syncRoles(plan.scriptFiles['sync-roles.sh']);
    await failingRotation(plan.scriptFiles['reload.sh']);
    const log = server.log.slice(from);
    expect(log).toMatch(/duration: .* statement: SELECT pg_is_in_recovery\(\)/);
    expect(leaked(log)).toEqual([]);
  }, 60_000);

  it('with only log_statement off (the planted violation), the durations and the failing statement carry the passwords', async () => {
    const unguarded = (script: string) => script.replace(/^\s*SET log_min_duration_statement = -1;\n/gm, '').replace(/^\s*SET log_min_error_statement = panic;\n/gm, '');
    expect(unguarded(plan.scriptFiles['reload.sh'])).not.toContain('log_min_error_statement');
    const from = server.log.length;
    await syncRoles(unguarded(plan.scriptFiles['sync-roles.sh']));
    expect(server.log.slice(from)).toMatch(/duration: .* statement: ALTER ROLE postgres PASSWORD 'super-pw'/);
    const failing = server.log.length;
    await failingRotation(unguarded(plan.scriptFiles['reload.sh']));
    expect(server.log.slice(failing)).toMatch(/STATEMENT: {2}ALTER ROLE "no_such_role" PASSWORD 'app-pw-one'/);
    expect(leaked(server.log.slice(from)).length).toBeGreaterThan(1);
  }, 60_000);
});

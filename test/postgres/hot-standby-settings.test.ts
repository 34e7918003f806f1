import { chownSync, mkdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { renderPlan, type Manifest } from '@postgres-gitops/renderer';
import { statefulSetPlanFor } from '../../renderer/src/__testUtils__/plans';
import type { StatefulSetPlan } from '../../renderer/src/plan/statefulset/plan';
import { Background, freePort, initdb, makeDir, PG_BIN, psqlLocal, removeDir, run, serverBin, waitReady, writeOwned } from '../support/postgres';
import { containerOf, envOf } from '../support/rendered-pods';

/**
 * B1 of the SRE review: a change that lowers a hot-standby-sensitive setting (a smaller size
 * lowers max_connections) rolls the primary and the read StatefulSet in one apply. A hot standby
 * whose setting is below the primary's value recorded in its control file refuses to start
 * (PostgreSQL xlogrecovery.c CheckRequiredParameterValues), and it only learns the lowered value
 * by replaying the primary's change, which it cannot do while it refuses. Real PostgreSQL 15,
 * the rendered scripts, the worst order: both pods stopped, the primary started with the new
 * configuration first, then the standby.
 */
describe('lowering a hot-standby-sensitive setting on real PostgreSQL 15', () => {
  const bin = serverBin('15');
  let root: string;
  let scripts: string;
  let large: StatefulSetPlan;
  let medium: StatefulSetPlan;
  let primary: Background | undefined;
  let standby: Background | undefined;
  let primaryPort: number;
  let standbyPort: number;

  const planFor = (size: 'large' | 'medium') =>
    statefulSetPlanFor({ size, replicas: 2, profile: 'prod', version: '15', ssl: false, username: 'app_user', database: 'orders' });

  /** Writes a plan's config and scripts where the rendered commands find them. */
  function install(plan: StatefulSetPlan, standbyScript?: string) {
    for (const [file, content] of Object.entries(plan.configFiles)) writeOwned(join(root, 'conf', file), content);
    for (const [file, content] of Object.entries(plan.scriptFiles)) writeOwned(join(scripts, file), file === 'standby.sh' && standbyScript ? standbyScript : content, 0o755);
  }

  function serverArgs(manifests: Manifest[], name: string, port: number): { args: string[]; container: ReturnType<typeof containerOf> } {
    const container = containerOf(manifests, 'StatefulSet', name);
    const [, script, ...rest] = container.command;
    const server = rest.filter(a => a !== 'docker-entrypoint.sh').map(a => a.replace('/etc/postgresql/', `${root}/conf/`));
    return { container, args: [join(scripts, script.replace('/scripts/', '')), `${bin}/postgres`, ...server.slice(1), '-c', `port=${port}`, '-c', `unix_socket_directories=${root}`] };
  }

  function startPrimary(plan: StatefulSetPlan): Background {
    const manifests = renderPlan(plan);
    const { args, container } = serverArgs(manifests, plan.names.statefulSet, primaryPort);
    return new Background('/bin/bash', args, envOf(container, { PGDATA: join(root, 'primary'), PGPORT_SERVER: String(primaryPort), PGSOCKET: root, STANDBY_HOSTS: '' }));
  }

  function startStandby(plan: StatefulSetPlan): Background {
    const manifests = renderPlan(plan);
    const { args, container } = serverArgs(manifests, plan.names.readStatefulSet, standbyPort);
    // postgres -C of the server's major; pg_controldata of 15 (the embedded packages ship none), as the image's PATH has both.
    return new Background('/bin/bash', args, { ...envOf(container, { PGDATA: join(root, 'standby'), PGPORT_SERVER: String(standbyPort), PGSOCKET: root }, undefined, `${plan.names.readStatefulSet}-0`), PATH: `${bin}:${PG_BIN}:/usr/bin:/bin` });
  }

  async function stopBoth() {
    expect(await standby!.stop()).toBe(0);
    expect(await primary!.stop()).toBe(0);
  }

  beforeAll(async () => {
    large = planFor('large');
    medium = planFor('medium');
    root = makeDir('hot-standby');
    scripts = join(root, 'scripts');
    for (const d of [join(root, 'conf'), scripts]) {
      mkdirSync(d);
      chownSync(d, statSync(root).uid, statSync(root).gid);
    }
    install(large);
    [primaryPort, standbyPort] = [await freePort(), await freePort()];
    await initdb(join(root, 'primary'), bin);
    primary = startPrimary(large);
    await waitReady(primaryPort, primary);
    for (let i = 0; i < 100 && !primary.log.includes('roles and database in place'); i++) await new Promise(r => setTimeout(r, 100));
    const cloned = await run(`${PG_BIN}/pg_basebackup`, ['-h', '127.0.0.1', '-p', String(primaryPort), '-U', 'replicator', '-D', join(root, 'standby'), '-X', 'stream', '-R', '-c', 'fast', '--no-password'], { PGPASSWORD: 'repl-pw' });
    expect(cloned.stderr).toBe('');
    standby = startStandby(large);
    await waitReady(standbyPort, standby);
  }, 120_000);

  afterAll(async () => {
    await standby?.stop();
    await primary?.stop();
    removeDir(root);
  });

  it('lowers max_connections (large -> medium) but keeps max_wal_senders whatever the standby count', () => {
    expect(medium.configFiles['postgresql.conf']).toMatch(/^max_connections = 53$/m);
    expect(large.configFiles['postgresql.conf']).toMatch(/^max_connections = 112$/m);
    expect(planFor('large').configFiles['postgresql.conf']).toMatch(/^max_wal_senders = 10$/m);
    expect(statefulSetPlanFor({ size: 'large', replicas: 4 }).configFiles['postgresql.conf']).toMatch(/^max_wal_senders = 10$/m);
  });

  it('without the raise, the standby with the lower value refuses to start (the planted violation)', async () => {
    await stopBoth();
    // The standby script as it was: no raise to the control file's values.
    const plain = medium.scriptFiles['standby.sh'].replace(/^for pair in [\s\S]*?^done\n/m, '');
    expect(plain).not.toContain('pg_controldata');
    install(medium, plain);
    primary = startPrimary(medium);
    await waitReady(primaryPort, primary);
    const refused = startStandby(medium);
    expect(await refused.exited).not.toBe(0);
    expect(refused.log).toMatch(/max_connections = 53 is a lower setting than on the primary server, where its value was 112/);
    // It refuses again after the primary already runs with 53 (CrashLoopBackOff for good).
    const again = startStandby(medium);
    expect(await again.exited).not.toBe(0);
    expect(again.log).toMatch(/insufficient parameter settings|lower setting than on the primary/);
    standby = undefined;
  }, 120_000);

  it('the rendered standby.sh starts with the primary\'s recorded value, replays the change, and takes the lower value at its next restart', async () => {
    install(medium);
    standby = startStandby(medium);
    await waitReady(standbyPort, standby);
    expect(standby.log).toContain("standby.sh: max_connections: starting with the primary's recorded 112, not 53");
    expect(await psqlLocal(root, standbyPort, 'SHOW max_connections')).toBe('112');
    expect(await psqlLocal(root, standbyPort, 'SELECT pg_is_in_recovery()')).toBe('t');
    // The primary's change reaches the standby's control file, and the data keeps streaming.
    await psqlLocal(root, primaryPort, 'CREATE TABLE after_change AS SELECT 1 AS id; CHECKPOINT');
    let rows = '';
    for (let i = 0; i < 100 && rows !== '1'; i++) {
      rows = (await run(`${PG_BIN}/psql`, ['-X', '-A', '-t', '-h', root, '-p', String(standbyPort), '-U', 'postgres', '-d', 'postgres', '-c', 'SELECT count(*) FROM after_change'])).stdout.trim();
      await new Promise(r => setTimeout(r, 100));
    }
    expect(rows).toBe('1');
    expect(await standby.stop()).toBe(0);
    const control = await run(`${PG_BIN}/pg_controldata`, ['-D', join(root, 'standby')], { LC_ALL: 'C' });
    expect(control.stdout).toMatch(/max_connections setting:\s+53/);
    standby = startStandby(medium);
    await waitReady(standbyPort, standby);
    expect(standby.log).not.toContain('starting with the primary');
    expect(await psqlLocal(root, standbyPort, 'SHOW max_connections')).toBe('53');
  }, 120_000);

  it('the read pods\' readiness probe passes while the standby streams and fails while it does not (m7)', async () => {
    const probeOf = (name: string) => (renderPlan(medium).find(m => m.kind === 'StatefulSet' && m.metadata.name === name) as any).spec.template.spec.containers[0].readinessProbe.exec.command as string[];
    const probe = probeOf(medium.names.readStatefulSet).map(a => a.replace(/-h \/var\/run\/postgresql -p 5432/, `-h ${root} -p ${standbyPort}`));
    expect(probe.join(' ')).toContain(`-h ${root} -p ${standbyPort}`);
    const ready = async () => (await run(probe[0], probe.slice(1))).code === 0;
    let streaming = false;
    for (let i = 0; i < 100 && !streaming; i++) {
      streaming = await ready();
      if (!streaming) await new Promise(r => setTimeout(r, 100));
    }
    expect(streaming).toBe(true);
    // The primary goes away: pg_isready (the primary's probe) still passes on the standby, the streaming probe does not.
    expect(await primary!.stop()).toBe(0);
    let stillReady = true;
    for (let i = 0; i < 100 && stillReady; i++) {
      stillReady = await ready();
      if (stillReady) await new Promise(r => setTimeout(r, 100));
    }
    expect(stillReady).toBe(false);
    expect((await run(`${PG_BIN}/pg_isready`, ['-q', '-h', '127.0.0.1', '-p', String(standbyPort)])).code).toBe(0);
    primary = startPrimary(medium);
    await waitReady(primaryPort, primary);
    let back = false;
    for (let i = 0; i < 200 && !back; i++) {
      back = await ready();
      if (!back) await new Promise(r => setTimeout(r, 100));
    }
    expect(back).toBe(true);
  }, 120_000);
});

import { execFileSync } from 'node:child_process';
import { chownSync, mkdirSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { renderPlan } from '@postgres-gitops/renderer';
import { statefulSetPlanFor } from '../../renderer/src/__testUtils__/plans';
import { Background, freePort, initdb, makeDir, psqlLocal, removeDir, run, serverBin, waitReady, writeOwned } from '../support/postgres';
import { containerOf, envOf } from '../support/rendered-pods';

/**
 * m8 of the SRE review: backup.sh pruned only after a complete dump, so once the backup volume
 * had no room for one more dump, every run failed and nothing was ever pruned again. Real
 * PostgreSQL 15, the rendered backup.sh and its CronJob's environment, a tmpfs of three and a
 * half dumps as the backup volume (mounting it needs root, as the tests run in CI).
 */
describe('backup.sh on a full backup volume (real PostgreSQL 15)', () => {
  const bin = serverBin('15');
  const plan = statefulSetPlanFor({ size: 'small', profile: 'prod', version: '15', ssl: false, backup: true, backupRetention: 3, username: 'app_user', database: 'orders' });
  const manifests = renderPlan(plan);
  let root: string;
  let volume: string;
  let server: Background;
  let port: number;

  beforeAll(async () => {
    root = makeDir('backup-space');
    volume = join(root, 'backups');
    mkdirSync(volume);
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=2m,mode=0700', 'tmpfs', volume]);
    chownSync(volume, statSync(root).uid, statSync(root).gid);
    port = await freePort();
    await initdb(join(root, 'data'), bin);
    server = new Background(`${bin}/postgres`, ['-D', join(root, 'data'), '-c', `port=${port}`, '-c', `unix_socket_directories=${root}`, '-c', 'listen_addresses=127.0.0.1'], {});
    await waitReady(port, server);
    await psqlLocal(root, port, "CREATE ROLE postgres_backup LOGIN PASSWORD 'backup-pw'; GRANT pg_read_all_data TO postgres_backup");
    await psqlLocal(root, port, 'CREATE DATABASE orders');
    // About 550 KiB of dump: random text compresses little.
    await psqlLocal(root, port, 'CREATE TABLE t AS SELECT md5(random()::text) || md5(random()::text) AS v FROM generate_series(1, 12000)', 'orders');
  }, 60_000);

  afterAll(async () => {
    await server?.stop();
    execFileSync('umount', [volume]);
    removeDir(root);
  });

  async function backup(script: string) {
    writeOwned(join(root, 'backup.sh'), script, 0o755);
    const env = envOf(containerOf(manifests, 'CronJob', plan.names.backup, 'backup'), { PGHOST: '127.0.0.1', PGPORT: String(port), BACKUP_DIR: volume });
    return run('/bin/bash', [join(root, 'backup.sh')], env);
  }
  const dumps = () => readdirSync(volume).filter(d => d.endsWith('Z')).sort();

  it('with the volume full at the retention count, the old script fails for good; the rendered one prunes first and dumps', async () => {
    expect(await backup(plan.scriptFiles['backup.sh'])).toMatchObject({ code: 0 });
    // Room for three and a half dumps: the retention count fits, a fourth does not.
    const dumpKiB = Number(execFileSync('du', ['-sk', join(volume, dumps()[0])], { encoding: 'utf8' }).split('\t')[0]);
    execFileSync('mount', ['-o', `remount,size=${Math.ceil(dumpKiB * 3.5)}k`, volume]);
    for (let i = 0; i < 2; i++) expect((await backup(plan.scriptFiles['backup.sh'])).code).toBe(0);
    expect(dumps()).toHaveLength(3);
    const full = dumps();

    // The planted violation: the script as it was, pruning only after a complete dump.
    const old = plan.scriptFiles['backup.sh'].replace(/\n# Room for the next dump first:[\s\S]*?\nfi\n/, '\n');
    expect(old).not.toContain('df -Pk');
    for (let i = 0; i < 2; i++) {
      const failed = await backup(old);
      expect(failed.code).not.toBe(0);
      expect(failed.stderr).toMatch(/No space left on device|could not write/);
      expect(dumps()).toEqual(full);
    }

    const recovered = await backup(plan.scriptFiles['backup.sh']);
    expect(recovered.stdout).toMatch(/KiB free, the last dump took \d+ KiB: pruning 1 old dump\(s\) first/);
    expect(recovered.code).toBe(0);
    expect(dumps()).toHaveLength(3);
    expect(dumps()).not.toContain(full[0]);
    expect(dumps().slice(0, 2)).toEqual(full.slice(1));
  }, 120_000);
});

import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { statefulSetPlanFor } from '../../renderer/src/__testUtils__/plans';
import { ensureClientTools } from '../support/client-tools';
import { makeDir, PG_BIN, psqlLocal, removeDir, run, SERVER_MAJORS, serverBin, writeOwned, type RunResult } from '../support/postgres';
import { envOf, podOf, StatefulSetPrimary, type Container } from '../support/sts-primary';

/**
 * The statefulset engine's restore drill on real PostgreSQL: the rendered primary with data, the
 * backup Job's init container (backup.sh: counts taken in the dump's snapshot) against it, then the
 * Job's drill container (drill.sh) with exactly its rendered environment, restoring the newest
 * backup into its own throwaway server and checking it. Every major, each with its own pg_dump and
 * pg_restore as the image of each major ships them: 15's are the machine's, the others' are built
 * by support/client-tools.ts. (15's pg_dump run against 13 or 14 writes `CREATE DATABASE …
 * LOCALE_PROVIDER`, which those servers refuse in the drill's `pg_restore --create`: a mismatch the
 * images never have.)
 */
const MAJORS = SERVER_MAJORS;

const sha256 = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex');
/** Every file of every backup with its digest: what the drill must leave as it was. */
function backupFiles(backups: string): Record<string, string> {
  const files: Record<string, string> = {};
  for (const dir of readdirSync(backups)) {
    if (!statSync(join(backups, dir)).isDirectory() || dir === 'drill-verdicts') continue;
    for (const file of readdirSync(join(backups, dir))) files[`${dir}/${file}`] = sha256(join(backups, dir, file));
  }
  return files;
}

describe.each(MAJORS)('statefulset restore drill on real PostgreSQL %s', major => {
  const plan = statefulSetPlanFor({ version: major, profile: 'prod', ssl: false, username: 'app', database: 'app', backup: true, restoreDrill: true, backupRetention: 3 });
  const primary = new StatefulSetPrimary(plan, major);
  const pod = podOf(primary.manifests, 'CronJob', plan.names.backup);
  const backupContainer = pod.initContainers[0] as Container;
  const drillContainer = pod.containers[0] as Container;
  let path = '';
  let backups = '';
  let shims = '';

  const su = (sql: string, database = 'app') => psqlLocal(primary.root, primary.port, sql, database);
  const backup = (extraPath = ''): Promise<RunResult> =>
    run('/bin/bash', [join(primary.scripts, 'backup.sh')], envOf(backupContainer, { PGHOST: '127.0.0.1', PGPORT: String(primary.port), BACKUP_DIR: backups, PATH: `${extraPath}${path}` }));
  /** The drill container: its rendered environment, paths pointed here, and nothing else (no PG* variable, no password). */
  async function drill(scripts = primary.scripts): Promise<RunResult & { verdict: any; seconds: number }> {
    const scratch = makeDir(`drill-${major}`);
    const started = Date.now();
    try {
      const result = await run('/bin/bash', [join(scripts, 'drill.sh')], envOf(drillContainer, { BACKUP_DIR: backups, VERDICT_DIR: join(backups, 'drill-verdicts'), DRILL_DIR: scratch, PATH: path }));
      const newest = readdirSync(backups).filter(d => d.endsWith('Z')).sort().pop()!;
      let verdict: any;
      try {
        verdict = JSON.parse(readFileSync(join(backups, 'drill-verdicts', `${newest}.json`), 'utf8'));
      } catch {
        verdict = undefined;
      }
      return { ...result, verdict, seconds: (Date.now() - started) / 1000 };
    } finally {
      removeDir(scratch);
    }
  }
  /** A copy of the newest backup as a newer one, changed by `change`, with its SHA256SUMS written again when `resum`. */
  async function plantNewest(change: (dir: string) => void, resum = true): Promise<string> {
    const newest = readdirSync(backups).filter(d => d.endsWith('Z')).sort().pop()!;
    const planted = join(backups, '29991231T000000.000000000Z');
    // Copied as the postgres user, as backup.sh would have written it: the drill writes drill.json there.
    expect((await run('/bin/cp', ['-a', join(backups, newest), planted])).code).toBe(0);
    rmSync(join(planted, 'drill.json'), { force: true });
    change(planted);
    if (resum) {
      const files = ['app.dump', 'globals.sql', 'counts.jsonl', 'backup.json'];
      writeOwned(join(planted, 'SHA256SUMS'), files.map(f => `${sha256(join(planted, f))}  ${f}\n`).join(''));
    }
    return planted;
  }

  beforeAll(async () => {
    const clientBin = major === '15' ? PG_BIN : await ensureClientTools(major);
    // The image's PATH: its major's server (initdb, pg_ctl) and client tools.
    path = `${serverBin(major)}:${clientBin}:${PG_BIN}:/usr/bin:/bin`;
    await primary.start();
    backups = join(primary.root, 'backups');
    shims = join(primary.root, 'shims');
    await run('/bin/mkdir', ['-p', backups, shims]);
    await su(`SET ROLE app;
      CREATE TABLE orders (id serial PRIMARY KEY, item text, note text);
      INSERT INTO orders (item, note) SELECT 'item ' || i, repeat(md5(i::text), 200) FROM generate_series(1, 20000) i;
      CREATE SCHEMA sales;
      CREATE TABLE sales.daily (day date, total numeric) PARTITION BY RANGE (day);
      CREATE TABLE sales.daily_2026 PARTITION OF sales.daily FOR VALUES FROM ('2026-01-01') TO ('2027-01-01');
      INSERT INTO sales.daily SELECT DATE '2026-01-01' + i, i FROM generate_series(0, 364) i;
      CREATE TABLE "Mixed Case" (id int);
      CREATE TABLE empty (id int);
      CREATE MATERIALIZED VIEW order_count AS SELECT count(*) FROM orders;`);
  }, 600_000);

  afterAll(() => primary.stop());

  it('the drill container has no credentials and nothing to reach the live server with; a failed drill fails the Job at once', () => {
    expect(pod.initContainers.map((c: Container) => c.name)).toEqual(['backup']);
    expect(drillContainer.name).toBe('drill');
    expect(drillContainer.env.filter(e => e.valueFrom || e.name.startsWith('PG'))).toEqual([]);
    expect((drillContainer as any).envFrom).toBeUndefined();
    const mounted = new Set((drillContainer as any).volumeMounts.map((m: any) => m.name));
    expect(pod.volumes.filter((v: any) => mounted.has(v.name) && (v.secret || v.projected))).toEqual([]);
    const job = (primary.manifests.find(m => m.kind === 'CronJob') as any).spec.jobTemplate.spec;
    expect(job.podFailurePolicy.rules).toEqual([
      { action: 'Ignore', onPodConditions: [{ type: 'DisruptionTarget', status: 'True' }] },
      { action: 'FailJob', onExitCodes: { containerName: 'drill', operator: 'NotIn', values: [0] } },
    ]);
    // The backups read-only; the verdicts in their own directory of the volume, the only part it writes.
    expect((drillContainer as any).volumeMounts.filter((m: any) => m.name === 'backups')).toEqual([
      { name: 'backups', mountPath: '/backups', readOnly: true },
      { name: 'backups', mountPath: '/drill-verdicts', subPath: 'drill-verdicts' },
    ]);
    expect((drillContainer as any).resources.requests['ephemeral-storage']).toBeUndefined();
  });

  it('a real backup restores in the drill, every table with the rows the backup counted in its snapshot; the backup is left as it was', async () => {
    const backed = await backup();
    expect(backed).toMatchObject({ code: 0 });
    expect(backed.stdout).toMatch(/backup\.sh: wrote .* \(4 tables, 20365 rows, counted in the dump's snapshot\)/);
    const before = backupFiles(backups);
    const result = await drill();
    expect({ code: result.code, stderr: result.stderr }).toEqual({ code: 0, stderr: expect.stringMatching(/drill\.sh: PASSED: \S+ restored, 4 tables, 20365 rows as recorded/) });
    expect(result.verdict).toMatchObject({ result: 'passed', database: 'app', check: { tables: 4, rows: 20365, problems: [] } });
    expect(backupFiles(backups)).toEqual(before);
    expect(readdirSync(join(backups, 'drill-verdicts'))).toContain(`${result.verdict.backup}.json`);
    console.log(`PostgreSQL ${major}: drill of ${result.verdict.check.rows} rows in ${result.verdict.check.tables} tables passed in ${result.seconds.toFixed(1)} s (verdict: ${result.verdict.duration_seconds} s)`);
  });

  it('counts are exact while the application writes: a row committed between the count and the dump is in neither', async () => {
    // pg_dump on PATH first inserts a row as the application (through the socket), then dumps.
    writeOwned(join(shims, 'pg_dump'), `#!/bin/bash\npsql -X -q -h ${primary.root} -p ${primary.port} -U postgres -d app -c "INSERT INTO orders (item) VALUES ('between count and dump')"\nexec ${path.split(':')[1]}/pg_dump "$@"\n`, 0o755);
    expect((await backup(`${shims}:`)).code).toBe(0);
    expect(await su("SELECT count(*) FROM orders WHERE item = 'between count and dump'")).toBe('1');
    const result = await drill();
    expect(result.code).toBe(0);
    expect(result.verdict.check.rows).toBe(20365);

    // Planted: pg_dump with its own snapshot; the drill catches the row the counts missed.
    const planted = join(primary.root, 'planted-backup');
    await run('/bin/mkdir', ['-p', planted]);
    for (const file of readdirSync(primary.scripts)) {
      if (statSync(join(primary.scripts, file)).isDirectory()) continue;
      const text = readFileSync(join(primary.scripts, file), 'utf8');
      writeOwned(join(planted, file), file === 'backup.sh' ? text.replace(' --snapshot="$snapshot"', '') : text, 0o755);
    }
    expect(readFileSync(join(planted, 'backup.sh'), 'utf8')).not.toContain('--snapshot');
    const unsynchronised = await run('/bin/bash', [join(planted, 'backup.sh')], envOf(backupContainer, { PGHOST: '127.0.0.1', PGPORT: String(primary.port), BACKUP_DIR: backups, PATH: `${shims}:${path}` }));
    expect(unsynchronised.code).toBe(0);
    const caught = await drill();
    expect(caught.code).toBe(1);
    expect(caught.stderr).toMatch(/drill\.sh: FAILED: table public\.orders: 20002 rows restored, 20001 recorded/);
    expect(caught.verdict).toMatchObject({ result: 'failed', reason: 'table public.orders: 20002 rows restored, 20001 recorded' });
    rmSync(join(shims, 'pg_dump'));
    // A good backup again, so the next tests start from one.
    expect((await backup()).code).toBe(0);
    expect((await drill()).code).toBe(0);
  });

  it('a dump changed after the backup fails on its checksum, naming the file', async () => {
    const planted = await plantNewest(dir => writeFileSync(join(dir, 'app.dump'), readFileSync(join(dir, 'app.dump')).subarray(0, 4096)), false);
    try {
      const result = await drill();
      expect(result.code).toBe(1);
      expect(result.stderr).toMatch(/drill\.sh: FAILED: the backup's files changed after it was written \(SHA256SUMS: .*app\.dump: FAILED/);
      expect(result.verdict.result).toBe('failed');
    } finally {
      rmSync(planted, { recursive: true, force: true });
    }
  });

  it('a dump truncated before its checksums were written fails pg_restore', async () => {
    const planted = await plantNewest(dir => {
      const dump = readFileSync(join(dir, 'app.dump'));
      writeFileSync(join(dir, 'app.dump'), dump.subarray(0, Math.floor(dump.length / 2)));
    });
    try {
      const result = await drill();
      expect(result.code).toBe(1);
      expect(result.stderr).toMatch(/drill\.sh: FAILED: pg_restore failed: .*(unexpected end of file|could not read|invalid|error)/i);
    } finally {
      rmSync(planted, { recursive: true, force: true });
    }
  });

  it('a count that does not match, a recorded table missing from the dump, a table not recorded: each named', async () => {
    const planted = await plantNewest(dir => {
      const lines = readFileSync(join(dir, 'counts.jsonl'), 'utf8').trimEnd().split('\n');
      const changed = lines
        .filter(l => !l.includes('"table" : "empty"'))
        .map(l => (l.includes('"table" : "daily_2026"') ? l.replace(/"rows" : \d+/, '"rows" : 364') : l));
      changed.push('{"schema" : "public", "table" : "vanished", "rows" : 3}');
      writeOwned(join(dir, 'counts.jsonl'), `${changed.join('\n')}\n`);
    });
    try {
      const result = await drill();
      expect(result.code).toBe(1);
      expect(result.verdict.check.problems).toEqual([
        'table public.empty: restored but not recorded by the backup',
        'table public.vanished: recorded by the backup, missing after the restore',
        'table sales.daily_2026: 365 rows restored, 364 recorded',
      ]);
      expect(result.stderr).toMatch(/FAILED: table public\.empty: restored but not recorded by the backup; table public\.vanished: .*; table sales\.daily_2026: 365 rows restored, 364 recorded/);
    } finally {
      rmSync(planted, { recursive: true, force: true });
    }
  });

  it('an unfinished (.partial) backup newer than the last complete one is not the one drilled', async () => {
    const partial = join(backups, '29991231T000000.000000000Z.partial');
    await run('/bin/mkdir', ['-p', partial]);
    try {
      const result = await drill();
      expect(result.code).toBe(0);
      expect(result.verdict.backup).not.toContain('2999');
    } finally {
      rmSync(partial, { recursive: true, force: true });
    }
  });

  it('planted: a drill that skips the row counts passes a backup whose counts are wrong', async () => {
    const planted = join(primary.root, 'planted-drill');
    await run('/bin/mkdir', ['-p', planted]);
    for (const file of readdirSync(primary.scripts)) {
      if (statSync(join(primary.scripts, file)).isDirectory()) continue;
      const text = readFileSync(join(primary.scripts, file), 'utf8');
      writeOwned(join(planted, file), file === 'drill-check.sql' ? text.replace(/IF n <> r\.rows THEN/, 'IF false THEN') : text, 0o755);
    }
    const wrong = await plantNewest(dir => writeOwned(join(dir, 'counts.jsonl'), readFileSync(join(dir, 'counts.jsonl'), 'utf8').replace(/("table" : "daily_2026", "rows" : )\d+/, (_, prefix) => `${prefix}1`)));
    try {
      expect((await drill()).code).toBe(1);
      expect((await drill(planted)).code).toBe(0);
    } finally {
      rmSync(wrong, { recursive: true, force: true });
    }
  });

  describe('restored code runs without rights over the backups (review 2 B2)', () => {
    // The application's own function, in a CHECK constraint: harmless where the application runs
    // it, it tries to run a program (deleting an older backup) wherever the dump is restored.
    const canary = '20000101T000000.000000000Z';
    beforeAll(async () => {
      await su(`SET ROLE app;
        CREATE FUNCTION public.ok(int) RETURNS boolean LANGUAGE plpgsql AS $f$
        BEGIN
          IF current_user <> 'app' THEN
            EXECUTE $c$COPY (SELECT 1) TO PROGRAM 'rm -rf ${join(backups, canary)}'$c$;
          END IF;
          RETURN true;
        END $f$;
        CREATE TABLE trojan (id int CHECK (public.ok(id)));
        INSERT INTO trojan VALUES (1), (2);`);
      expect((await backup()).code).toBe(0);
      // After the backup, whose retention would prune it first.
      await run('/bin/mkdir', ['-p', join(backups, canary)]);
      writeOwned(join(backups, canary, 'app.dump'), 'an older backup');
    });
    afterAll(async () => {
      await su('DROP TABLE trojan; DROP FUNCTION public.ok(int)');
      rmSync(join(backups, canary), { recursive: true, force: true });
    });

    it('the restore runs the constraint as a role that may not run programs: the drill fails, naming it, and every backup survives', async () => {
      const result = await drill();
      expect(result.code).toBe(1);
      expect(result.verdict).toMatchObject({ result: 'failed', reason: expect.stringMatching(/pg_restore failed: .*COPY to or from an external program/) });
      expect(readFileSync(join(backups, canary, 'app.dump'), 'utf8')).toBe('an older backup');
    });

    it('planted: restoring as the throwaway server\'s superuser runs the program, and an older backup is gone', async () => {
      const planted = join(primary.root, 'planted-superuser');
      await run('/bin/mkdir', ['-p', planted]);
      for (const file of readdirSync(primary.scripts)) {
        if (statSync(join(primary.scripts, file)).isDirectory()) continue;
        const text = readFileSync(join(primary.scripts, file), 'utf8');
        writeOwned(join(planted, file), file === 'drill.sh' ? text.replace(/ -U "\$restorer"/g, '') : text, 0o755);
      }
      expect(readFileSync(join(planted, 'drill.sh'), 'utf8')).not.toContain('-U "$restorer"');
      await drill(planted);
      expect(readdirSync(backups)).not.toContain(canary);
    });
  });
});

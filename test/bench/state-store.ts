import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { REQUEST_FILE, renderDatabase } from '@postgres-gitops/renderer';
import { database } from './state-store-build';
import { GitPublisher } from '@postgres-gitops/publish';
import { now, type Measurement } from './measure';
import { failedMeasurement, missingInBareRepository } from './publish-outcome';
import { round } from './render';

/**
 * Opening a pull request on a plain-git state store as it grows: this project's publisher
 * against a plain full clone. Bytes are what the server's upload-pack sent (a pack-objects hook
 * counts them), time is wall time for clone + write + commit + push. After each run, its branch
 * must hold exactly the new database on top of main, or the figure is a failed measurement.
 */
const SIZES = [100, 1_000, 10_000];

function dirBytes(dir: string): number {
  return readdirSync(dir).reduce((sum, f) => sum + statSync(join(dir, f)).size, 0);
}

interface Cost {
  seconds: number;
  bytes: number;
  /** What the run left undone (its branch does not hold exactly the new database): no figure then. */
  failed?: string;
}

/**
 * Runs a subject, counting the bytes the server sent, then checks the branch it says it pushed.
 * The hook finds where to count in a file beside it: the publisher hands git (and so the server
 * side of a file:// fetch) only the variables git needs, not one of the benchmark's own.
 */
async function withPackCounter(work: string, bare: string, fn: () => Promise<string>): Promise<Cost> {
  const packs = mkdtempSync(join(work, 'packs-'));
  writeFileSync(join(work, 'pack-bytes-dir'), packs);
  const start = now();
  let branch: string;
  try {
    branch = await fn();
  } finally {
    rmSync(join(work, 'pack-bytes-dir'));
  }
  const seconds = (now() - start) / 1000;
  const bytes = dirBytes(packs);
  const db = newDatabase();
  // Every subject fetches at least a commit: nothing counted means the counter did not run, and the figure would be a lie.
  const failed = bytes === 0 ? 'no byte counted (the pack-objects hook did not run)' : missingInBareRepository(bare, { base: 'main', branch, directory: db.directory, files: db.files });
  return { seconds, bytes, failed };
}

const newDatabase = () => renderDatabase({ ...database(999_999), metadata: { name: 'new-db', namespace: 'team-new' } });

let runs = 0;

async function ours(bare: string): Promise<string> {
  const db = newDatabase();
  const branch = `bench/${++runs}`;
  const session = await new GitPublisher({ remote: `file://${bare}` }).open({ baseBranch: 'main', branch, directory: db.directory, requestFile: REQUEST_FILE });
  await session.publish({ files: db.files, title: 't', body: 'b', commitMessage: 'bench', author: { name: 'b', email: 'b@example.test' }, draft: false, reviewers: [], labels: [] });
  await session.close();
  return branch;
}

async function fullClone(work: string, bare: string): Promise<string> {
  const clone = mkdtempSync(join(work, 'full-'));
  const git = (...args: string[]) => execFileSync('git', ['-C', clone, ...args], { stdio: 'ignore' });
  execFileSync('git', ['clone', '-q', '--no-local', `file://${bare}`, clone], { stdio: 'ignore' });
  const db = newDatabase();
  for (const [path, content] of Object.entries(db.files)) {
    mkdirSync(dirname(join(clone, path)), { recursive: true });
    writeFileSync(join(clone, path), content);
  }
  git('add', '-A');
  git('-c', 'user.name=b', '-c', 'user.email=b@example.test', 'commit', '-qm', 'bench');
  const branch = `bench-full-${++runs}`;
  git('push', '-q', 'origin', `HEAD:refs/heads/${branch}`);
  rmSync(clone, { recursive: true, force: true });
  return branch;
}

/** The median run; a run that left work undone makes the whole figure a failed measurement. */
async function medianOf(count: number, measure: () => Promise<Cost>): Promise<Cost> {
  const costs: Cost[] = [];
  for (let i = 0; i < count; i++) costs.push(await measure());
  const failed = costs.find(c => c.failed);
  return failed ?? costs.sort((a, b) => a.seconds - b.seconds)[Math.floor(count / 2)];
}

/** A subject's rows: its figures, or that the measurement failed and why. */
function costRows(c: string, subject: string, cost: Cost): Measurement[] {
  const base = { benchmark: 'state store', case: c, subject };
  if (cost.failed) return [{ ...base, metric: 'outcome', value: failedMeasurement(cost.failed), unit: '' }];
  return [
    { ...base, metric: 'time', value: round(cost.seconds, 2), unit: 's' },
    { ...base, metric: 'bytes fetched', value: cost.bytes, unit: 'bytes' },
  ];
}

export async function stateStoreBenchmarks(): Promise<Measurement[]> {
  const work = mkdtempSync(join(tmpdir(), 'bench-store-'));
  const hook = join(work, 'count-pack.sh');
  // Outside a measurement (the warm-up) the output is not kept.
  writeFileSync(hook, `#!/bin/bash\nset -o pipefail\ndir=$(cat '${work}/pack-bytes-dir' 2>/dev/null) || { "$@"; exit; }\n"$@" | tee "$dir/pack.$$"\n`);
  chmodSync(hook, 0o755);
  const globalConfig = join(work, 'gitconfig');
  // packObjectsHook is honoured only from global or system config.
  writeFileSync(globalConfig, `[uploadpack]\n\tpackObjectsHook = ${hook}\n[protocol "file"]\n\tallow = always\n`);
  const previous = process.env.GIT_CONFIG_GLOBAL;
  process.env.GIT_CONFIG_GLOBAL = globalConfig;
  const rows: Measurement[] = [];
  try {
    for (const count of SIZES) {
      const buildStart = now();
      // Built in a child process: a store built in this one leaves a heap of hundreds of MiB
      // behind, and every git the publisher spawns then pays for copying its page tables.
      const bare = join(work, `store-${count}.git`);
      execFileSync(process.execPath, [join(__dirname, 'state-store-build.js'), bare, String(count)], { stdio: 'inherit' });
      const storeBytes = dirBytes(join(bare, 'objects', 'pack'));
      const c = `${count} databases`;
      rows.push({ benchmark: 'state store', case: c, subject: 'store', metric: 'packed size', value: storeBytes, unit: 'bytes' });
      rows.push({ benchmark: 'state store', case: c, subject: 'store', metric: 'build time', value: round((now() - buildStart) / 1000, 1), unit: 's' });
      await ours(bare); // warm the page cache for both sides alike
      const a = await medianOf(5, () => withPackCounter(work, bare, () => ours(bare)));
      const b = await withPackCounter(work, bare, () => fullClone(work, bare));
      rows.push(...costRows(c, 'postgres-gitops git publisher', a), ...costRows(c, 'plain full clone', b));
      rmSync(bare, { recursive: true, force: true });
    }
  } finally {
    if (previous === undefined) delete process.env.GIT_CONFIG_GLOBAL;
    else process.env.GIT_CONFIG_GLOBAL = previous;
    rmSync(work, { recursive: true, force: true });
  }
  return rows;
}

import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REQUEST_FILE, renderDatabase } from '@postgres-gitops/renderer';
import { GitPublisher, type GitRunnerFactory } from '@postgres-gitops/publish';
import { directGitRunner } from './direct-git-runner';
import { median, now, type Measurement } from './measure';
import { failedMeasurement, missingInBareRepository } from './publish-outcome';
import { round } from './render';
import { database } from './state-store-build';

/**
 * The git publisher's open and publish through simple-git (what ships) against git spawned
 * directly (the yardstick), on one store of 1,000 databases, in one process: the runs alternate
 * between the two, and each figure is the median of the runs. Every run's branch is checked.
 */
const DATABASES = 1_000;
const RUNS = 11;

interface Times {
  open: number[];
  publish: number[];
  failed?: string;
}

async function publishOnce(remote: string, bare: string, runner: GitRunnerFactory | undefined, run: string, times: Times): Promise<void> {
  const db = renderDatabase({ ...database(900_000), metadata: { name: `new-${run}`, namespace: 'team-new' } });
  const branch = `bench/runner-${run}`;
  const t0 = now();
  const session = await new GitPublisher({ remote, gitRunner: runner }).open({ baseBranch: 'main', branch, directory: db.directory, requestFile: REQUEST_FILE });
  const t1 = now();
  await session.publish({ files: db.files, title: 't', body: 'b', commitMessage: 'bench', author: { name: 'b', email: 'b@example.test' }, draft: false, reviewers: [], labels: [] });
  const t2 = now();
  await session.close();
  const missing = missingInBareRepository(bare, { base: 'main', branch, directory: db.directory, files: db.files });
  if (missing) times.failed = missing;
  times.open.push(t1 - t0);
  times.publish.push(t2 - t1);
}

export async function gitRunnerBenchmarks(): Promise<Measurement[]> {
  const work = mkdtempSync(join(tmpdir(), 'bench-runners-'));
  try {
    const bare = join(work, 'store.git');
    execFileSync(process.execPath, [join(__dirname, 'state-store-build.js'), bare, String(DATABASES)], { stdio: 'inherit' });
    const remote = `file://${bare}`;
    // No runner given: the publisher's own, simple-git.
    const subjects: [string, GitRunnerFactory | undefined][] = [['simple-git (shipped)', undefined], ['git spawned directly (yardstick)', directGitRunner]];
    const times = new Map<string, Times>(subjects.map(([name]) => [name, { open: [], publish: [] }]));
    // One warm-up of each (page cache, code compiled on first use), then alternating runs.
    for (const [name, runner] of subjects) await publishOnce(remote, bare, runner, `warm-${name.split(' ')[0]}`, { open: [], publish: [] });
    for (let i = 0; i < RUNS; i++) {
      const order = i % 2 === 0 ? subjects : [...subjects].reverse();
      for (const [name, runner] of order) await publishOnce(remote, bare, runner, `${i}-${name.split(' ')[0]}`, times.get(name)!);
    }
    const rows: Measurement[] = [];
    const c = `new database on a store of ${DATABASES.toLocaleString('en')}`;
    for (const [name] of subjects) {
      const t = times.get(name)!;
      const base = { benchmark: 'git publisher: simple-git vs git spawned directly', case: c, subject: name };
      if (t.failed) {
        rows.push({ ...base, metric: 'outcome', value: failedMeasurement(t.failed), unit: '' });
        continue;
      }
      rows.push(
        { ...base, metric: 'open', value: round(median(t.open), 1), unit: 'ms' },
        { ...base, metric: 'publish', value: round(median(t.publish), 1), unit: 'ms' },
        { ...base, metric: 'outcome', value: 'success', unit: '' },
      );
    }
    const [shipped, yardstick] = subjects.map(([name]) => times.get(name)!);
    if (!shipped.failed && !yardstick.failed) {
      const ratio = (metric: 'open' | 'publish') => round(median(shipped[metric]) / median(yardstick[metric]), 2);
      const total = round((median(shipped.open) + median(shipped.publish)) / (median(yardstick.open) + median(yardstick.publish)), 2);
      const base = { benchmark: 'git publisher: simple-git vs git spawned directly', case: c, subject: 'simple-git / direct (target: within 1.10x)' };
      rows.push({ ...base, metric: 'open', value: ratio('open'), unit: 'x' }, { ...base, metric: 'publish', value: ratio('publish'), unit: 'x' }, { ...base, metric: 'open + publish', value: total, unit: 'x' });
    }
    return rows;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { REQUEST_FILE, renderDatabase } from '@postgres-gitops/renderer';
import { database } from './state-store-build';
import { GitPublisher } from '@postgres-gitops/publish';
import { now, type Measurement } from './measure';
import { round } from './render';

/**
 * Opening a pull request on a plain-git state store as it grows: this project's publisher
 * against a plain full clone. Bytes are what the server's upload-pack sent (a pack-objects hook
 * counts them), time is wall time for clone + write + commit + push.
 */
const SIZES = [100, 1_000, 10_000];

function dirBytes(dir: string): number {
  return readdirSync(dir).reduce((sum, f) => sum + statSync(join(dir, f)).size, 0);
}

interface Cost {
  seconds: number;
  bytes: number;
}

async function withPackCounter(work: string, fn: () => Promise<void>): Promise<Cost> {
  const packs = mkdtempSync(join(work, 'packs-'));
  const start = now();
  process.env.PACK_BYTES_DIR = packs;
  try {
    await fn();
  } finally {
    delete process.env.PACK_BYTES_DIR;
  }
  return { seconds: (now() - start) / 1000, bytes: dirBytes(packs) };
}

const newDatabase = () => renderDatabase({ ...database(999_999), metadata: { name: 'new-db', namespace: 'team-new' } });

async function ours(bare: string): Promise<void> {
  const db = newDatabase();
  const session = await new GitPublisher({ remote: `file://${bare}` }).open({ baseBranch: 'main', branch: `bench/${Date.now()}`, directory: db.directory, requestFile: REQUEST_FILE });
  await session.publish({ files: db.files, title: 't', body: 'b', commitMessage: 'bench', author: { name: 'b', email: 'b@example.test' }, draft: false, reviewers: [], labels: [] });
  await session.close();
}

async function fullClone(work: string, bare: string): Promise<void> {
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
  git('push', '-q', 'origin', `HEAD:refs/heads/bench-full-${Date.now()}`);
  rmSync(clone, { recursive: true, force: true });
}

async function medianOf(runs: number, measure: () => Promise<Cost>): Promise<Cost> {
  const costs: Cost[] = [];
  for (let i = 0; i < runs; i++) costs.push(await measure());
  return costs.sort((a, b) => a.seconds - b.seconds)[Math.floor(runs / 2)];
}

export async function stateStoreBenchmarks(): Promise<Measurement[]> {
  const work = mkdtempSync(join(tmpdir(), 'bench-store-'));
  const hook = join(work, 'count-pack.sh');
  writeFileSync(hook, '#!/bin/bash\nset -o pipefail\n"$@" | tee "$PACK_BYTES_DIR/pack.$$"\n');
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
      const a = await medianOf(5, () => withPackCounter(work, () => ours(bare)));
      const b = await withPackCounter(work, () => fullClone(work, bare));
      rows.push(
        { benchmark: 'state store', case: c, subject: 'postgres-gitops git publisher', metric: 'time', value: round(a.seconds, 2), unit: 's' },
        { benchmark: 'state store', case: c, subject: 'postgres-gitops git publisher', metric: 'bytes fetched', value: a.bytes, unit: 'bytes' },
        { benchmark: 'state store', case: c, subject: 'plain full clone', metric: 'time', value: round(b.seconds, 2), unit: 's' },
        { benchmark: 'state store', case: c, subject: 'plain full clone', metric: 'bytes fetched', value: b.bytes, unit: 'bytes' },
      );
      rmSync(bare, { recursive: true, force: true });
    }
  } finally {
    if (previous === undefined) delete process.env.GIT_CONFIG_GLOBAL;
    else process.env.GIT_CONFIG_GLOBAL = previous;
    rmSync(work, { recursive: true, force: true });
  }
  return rows;
}

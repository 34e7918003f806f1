import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Runs git in a directory and returns its trimmed output. */
export const git = (cwd: string, ...args: string[]) => execFileSync('git', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();

/**
 * A bare state-store repository with a first commit on `main`, configured to serve partial
 * clones (uploadpack.allowFilter) and accept push options. Leaves an existing one alone.
 */
export function ensureBareStateStore(bare: string, seed: Record<string, string> = { 'README.md': '# GitOps state store\n' }): void {
  if (existsSync(join(bare, 'HEAD'))) return;
  mkdirSync(bare, { recursive: true });
  git(bare, 'init', '--bare', '--initial-branch=main');
  git(bare, 'config', 'uploadpack.allowFilter', 'true');
  git(bare, 'config', 'uploadpack.allowAnySHA1InWant', 'true');
  git(bare, 'config', 'receive.advertisePushOptions', 'true');
  const work = mkdtempSync(join(tmpdir(), 'state-store-seed-'));
  try {
    git(work, 'init', '--initial-branch=main');
    for (const [path, content] of Object.entries(seed)) {
      mkdirSync(join(work, path, '..'), { recursive: true });
      writeFileSync(join(work, path), content);
    }
    git(work, 'add', '-A');
    git(work, '-c', 'user.name=postgres-gitops', '-c', 'user.email=postgres-gitops@example.test', 'commit', '-m', 'Initial state store');
    git(work, 'push', bare, 'main');
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

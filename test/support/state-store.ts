import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { ensureBareStateStore, git } from '../../plugins/scaffolder-postgres/dev/state-store';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repositoryChangeRefusals } from './store-changes';


export interface StateStore {
  root: string;
  bare: string;
  url: string;
  /** Reads a file from a branch of the bare repository, or undefined. */
  show(ref: string, path: string): string | undefined;
  branches(): string[];
  log(ref: string): string[];
  /** Paths of files under a directory at a ref. */
  files(ref: string, directory: string): string[];
  /** Merges a branch into main as a reviewer merging its pull request would (a merge commit). */
  merge(branch: string): void;
  /**
   * Removes the repository. First it fails the test when any change made to it (a commit on main,
   * a branch for a pull request) is one the API server would refuse or whose prune would delete
   * data (support/api-server.ts).
   */
  cleanup(): void;
}

/**
 * A bare state-store repository with a first commit on `main`, serving partial clones
 * (uploadpack.allowFilter) and push options, as the demo and the tests use it.
 */
export function createStateStore(seed: Record<string, string> = { 'README.md': '# state store\n' }): StateStore {
  const root = mkdtempSync(join(tmpdir(), 'pgg-state-'));
  const bare = join(root, 'state-store.git');
  ensureBareStateStore(bare, seed);
  return {
    root,
    bare,
    url: `file://${bare}`,
    show: (ref, path) => {
      try {
        return execFileSync('git', ['show', `${ref}:${path}`], { cwd: bare, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
      } catch {
        return undefined;
      }
    },
    branches: () => git(bare, 'for-each-ref', '--format=%(refname:short)', 'refs/heads').split('\n').filter(Boolean).sort(),
    log: ref => git(bare, 'log', '--format=%s', ref).split('\n'),
    files: (ref, directory) => git(bare, 'ls-tree', '-r', '--name-only', ref, '--', directory).split('\n').filter(Boolean),
    merge: branch => {
      const work = mkdtempSync(join(tmpdir(), 'pgg-merge-'));
      try {
        git(work, 'clone', '--quiet', bare, '.');
        git(work, '-c', 'user.name=Reviewer', '-c', 'user.email=reviewer@example.com', 'merge', '--no-ff', '--quiet', '-m', `Merge ${branch}`, `origin/${branch}`);
        git(work, 'push', '--quiet', 'origin', 'main');
      } finally {
        rmSync(work, { recursive: true, force: true });
      }
    },
    cleanup: () => {
      try {
        const refusals = repositoryChangeRefusals(bare);
        if (refusals.length > 0) throw new Error(`the state store holds changes the API server would refuse, or whose prune deletes data:\n${refusals.join('\n')}`);
      } finally {
        rmSync(root, { recursive: true, force: true });
      }
    },
  };
}

import { execFileSync } from 'node:child_process';
import { storeChangeRefusals } from './api-server';

/**
 * Every change a test makes to a bare state-store repository, as GitOps would apply it: each
 * commit on main against its first parent (what a merge lands), and each other branch against
 * its merge base with main (what its pull request would land). Only the database directories a
 * change touches are read.
 */
const git = (repo: string, args: string[], input?: string) => execFileSync('git', args, { cwd: repo, input, encoding: 'utf8', maxBuffer: 1 << 30, stdio: ['pipe', 'pipe', 'ignore'] });

function databaseDirectories(paths: string[]): string[] {
  return [...new Set(paths.map(p => /^(clusters\/[^/]+\/postgres\/[^/]+\/[^/]+)\//.exec(p)?.[1]).filter((d): d is string => Boolean(d)))];
}

/** The files under `directories` at `rev`, path -> content. */
function filesAt(repo: string, rev: string, directories: string[]): Record<string, string> {
  if (directories.length === 0) return {};
  const entries = git(repo, ['ls-tree', '-r', '-z', rev, '--', ...directories]).split('\0').filter(Boolean).map(line => {
    const [meta, path] = line.split('\t');
    return { sha: meta.split(' ')[2], type: meta.split(' ')[1], path };
  }).filter(e => e.type === 'blob');
  if (entries.length === 0) return {};
  const out = execFileSync('git', ['cat-file', '--batch'], { cwd: repo, input: entries.map(e => e.sha).join('\n') + '\n', maxBuffer: 1 << 30 });
  const files: Record<string, string> = {};
  let offset = 0;
  for (const entry of entries) {
    const headerEnd = out.indexOf(0x0a, offset);
    const size = Number(out.subarray(offset, headerEnd).toString().split(' ')[2]);
    files[entry.path] = out.subarray(headerEnd + 1, headerEnd + 1 + size).toString('utf8');
    offset = headerEnd + 1 + size + 1;
  }
  return files;
}

function pairRefusals(repo: string, before: string, after: string, label: string): string[] {
  const changed = git(repo, ['diff-tree', '-r', '--name-only', '--no-commit-id', before, after]).split('\n').filter(Boolean);
  const directories = databaseDirectories(changed);
  return storeChangeRefusals(filesAt(repo, before, directories), filesAt(repo, after, directories)).map(r => `${label}: ${r}`);
}

/** What the API server would refuse, or a prune would delete, among the changes in a bare repository. */
export function repositoryChangeRefusals(repo: string, main = 'main'): string[] {
  const refusals: string[] = [];
  const commits = git(repo, ['rev-list', '--first-parent', '--parents', main]).split('\n').filter(Boolean).map(l => l.split(' '));
  for (const [commit, parent] of commits) if (parent) refusals.push(...pairRefusals(repo, parent, commit, `${main}@${commit.slice(0, 8)}`));
  const branches = git(repo, ['for-each-ref', '--format=%(refname:short)', 'refs/heads']).split('\n').filter(b => b && b !== main);
  for (const branch of branches) {
    let base: string;
    try {
      base = git(repo, ['merge-base', main, branch]).trim();
    } catch {
      continue;
    }
    refusals.push(...pairRefusals(repo, base, branch, branch));
  }
  return refusals;
}

import { execFileSync } from 'node:child_process';
import { gitBlobSha } from '@postgres-gitops/publish';
import type { FakeGitHub } from '../support/fake-github/server';

/**
 * What a benchmark subject was asked to publish: a branch holding exactly these files below the
 * directory (everything else as on the base branch) and, where the host has them, an open pull
 * request from it. A subject is measured only when it did all of that: one that returned without
 * doing the work did less than the others, and its time is no figure.
 */
export interface ExpectedPublish {
  base: string;
  branch: string;
  directory: string;
  /** Paths from the repository root. */
  files: Record<string, string>;
}

/** What a host holds on the branch: the blob ids below the directory, and how many paths outside it differ from the base. */
interface Observed {
  inside: Record<string, string>;
  changedOutside: number;
}

/** What the subject left undone, in words; undefined when the branch holds exactly the change. */
function judge(expected: ExpectedPublish, observed: Observed | undefined): string | undefined {
  if (!observed) return `no branch ${expected.branch}`;
  const wanted = Object.entries(expected.files);
  const missing = wanted.filter(([path]) => observed.inside[path] === undefined).length;
  const differing = wanted.filter(([path, content]) => observed.inside[path] !== undefined && observed.inside[path] !== gitBlobSha(content)).length;
  const extra = Object.keys(observed.inside).filter(path => expected.files[path] === undefined).length;
  const problems = [
    missing && `${missing} of ${wanted.length} files missing`,
    differing && `${differing} files with other content`,
    extra && `${extra} files not in the change`,
    observed.changedOutside && `${observed.changedOutside} files changed outside ${expected.directory}`,
  ].filter(Boolean);
  return problems.length > 0 ? `branch ${expected.branch}: ${problems.join(', ')}` : undefined;
}

/** On the fake GitHub, which also has to hold an open pull request from the branch to the base. */
export function missingOnGitHub(github: FakeGitHub, expected: ExpectedPublish): string | undefined {
  let observed: Observed | undefined;
  if (github.refs.has(`refs/heads/${expected.branch}`)) {
    const branch = github.filesAt(expected.branch);
    const base = github.filesAt(expected.base);
    const prefix = `${expected.directory}/`;
    const paths = new Set([...Object.keys(branch), ...Object.keys(base)]);
    observed = {
      inside: Object.fromEntries(Object.entries(branch).filter(([path]) => path.startsWith(prefix)).map(([path, content]) => [path, gitBlobSha(content)])),
      changedOutside: [...paths].filter(path => !path.startsWith(prefix) && branch[path] !== base[path]).length,
    };
  }
  const missing = judge(expected, observed);
  if (missing) return missing;
  const open = github.pulls.some(p => p.head === expected.branch && p.base === expected.base && p.state === 'open');
  return open ? undefined : `no open pull request from ${expected.branch}`;
}

/** In a bare repository (a plain git host has no pull requests): read with git, by blob id, so a store of any size is cheap to check. */
export function missingInBareRepository(bare: string, expected: ExpectedPublish): string | undefined {
  const git = (...args: string[]) => execFileSync('git', ['--git-dir', bare, ...args], { encoding: 'utf8', maxBuffer: 1 << 28, stdio: ['ignore', 'pipe', 'ignore'] });
  let observed: Observed | undefined;
  try {
    git('rev-parse', '--verify', '--quiet', `refs/heads/${expected.branch}`);
    const prefix = `${expected.directory}/`;
    const changed = git('diff', '--name-only', '-z', `refs/heads/${expected.base}`, `refs/heads/${expected.branch}`).split('\0').filter(Boolean);
    const listing = git('ls-tree', '-r', '-z', `refs/heads/${expected.branch}`, '--', expected.directory).split('\0').filter(Boolean);
    observed = {
      inside: Object.fromEntries(listing.map(line => [line.slice(line.indexOf('\t') + 1), line.split(' ')[2].split('\t')[0]])),
      changedOutside: changed.filter(path => !path.startsWith(prefix)).length,
    };
  } catch {
    observed = undefined;
  }
  return judge(expected, observed);
}

/** The outcome row's value for a subject that returned but left work undone. */
export const failedMeasurement = (missing: string) => `failed measurement (did less than asked: ${missing}); no figure`;

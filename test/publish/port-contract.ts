import { execFileSync } from 'node:child_process';
import { cpSync } from 'node:fs';
import { join } from 'node:path';
import { GitHubPublisher, GitPublisher, type FileSet, type PublishResult, type Publisher, type PublishTarget } from '@postgres-gitops/publish';
import { FakeGitHub } from '../support/fake-github/server';
import { createStateStore, type StateStore } from '../support/state-store';

/**
 * The publish port's contract, checked by running the same steps through both publishers: the
 * git publisher against a bare repository, the GitHub publisher against the fake GitHub serving a
 * copy of that repository. After every step both must have given the same answer and left the
 * same trees, compared by git tree id (equal ids: byte-identical trees, at every depth).
 */
const TOKEN = 'ghp_contractTestToken0123456789abcdef';
const AUTHOR = { name: 'postgres-gitops', email: 'bot@example.test' };

/** Publish `files` as the whole of `directories` on `branch`, or merge `branch` into main (and delete it, as hosts set to delete merged branches do). */
export type Step = { branch: string; directories: string[]; files: FileSet } | { merge: string };

/** What one publisher did with one step, in terms both can be compared by. */
export interface Outcome {
  read?: { existingRequest?: string; existingBlobs: Record<string, string> };
  result?: PublishResult;
  error?: string;
  /** The branch's tree id after the step, and main's. */
  branchTree?: string;
  mainTree?: string;
  /** The branch's head commit before and after the step. */
  headBefore?: string;
  headAfter?: string;
  /** On GitHub: the open pull request of the branch after the step. */
  openPullRequest?: number;
}

export const describeStep = (step: Step) =>
  'merge' in step ? `merge ${step.merge}` : `publish ${step.branch} [${step.directories.join(', ')}]: ${Object.keys(step.files).sort().join(', ') || '(no files)'}`;

function revParse(gitDir: string, rev: string): string | undefined {
  try {
    return execFileSync('git', ['--git-dir', gitDir, 'rev-parse', '--verify', '--quiet', rev], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return undefined;
  }
}

/** One host: a publisher and the bare repository holding what it wrote. */
interface Host {
  name: 'git' | 'github';
  publisher: Publisher;
  gitDir: string;
  merge(branch: string): void;
  openPullRequest?(branch: string): number | undefined;
}

export class TwoHosts {
  private constructor(
    readonly store: StateStore,
    readonly github: FakeGitHub,
    readonly hosts: [Host, Host],
  ) {}

  /** A bare repository seeded with `seed` on main, and the fake GitHub serving a copy of it. */
  static async start(seed: FileSet): Promise<TwoHosts> {
    const store = createStateStore(seed);
    const copy = join(store.root, 'github-copy.git');
    cpSync(store.bare, copy, { recursive: true });
    const github = new FakeGitHub({ owner: 'acme', repo: 'state', token: TOKEN, repository: copy });
    await github.start();
    const git = (...args: string[]) => execFileSync('git', ['--git-dir', store.bare, ...args], { stdio: 'ignore' });
    return new TwoHosts(store, github, [
      {
        name: 'git',
        publisher: new GitPublisher({ remote: store.url }),
        gitDir: store.bare,
        merge: branch => {
          git('update-ref', 'refs/heads/main', `refs/heads/${branch}`);
          git('update-ref', '-d', `refs/heads/${branch}`);
        },
      },
      {
        name: 'github',
        publisher: new GitHubPublisher({ owner: 'acme', repo: 'state', token: TOKEN, baseUrl: github.url, maxRetries: 0, throttle: false }),
        gitDir: copy,
        merge: branch => {
          const pr = github.pulls.find(p => p.head === branch && p.state === 'open');
          if (pr) github.merge(pr.number);
          else github.refs.set('refs/heads/main', github.refs.get(`refs/heads/${branch}`)!);
          github.refs.delete(`refs/heads/${branch}`);
        },
        openPullRequest: branch => github.pulls.find(p => p.head === branch && p.state === 'open')?.number,
      },
    ]);
  }

  async stop(): Promise<void> {
    await this.github.stop();
    this.store.cleanup();
  }

  /** Runs one step on both hosts, one after the other. */
  async run(step: Step): Promise<{ git: Outcome; github: Outcome }> {
    const git = await this.runOn(this.hosts[0], step);
    const github = await this.runOn(this.hosts[1], step);
    return { git, github };
  }

  private async runOn(host: Host, step: Step): Promise<Outcome> {
    const branch = 'merge' in step ? step.merge : step.branch;
    const outcome: Outcome = { headBefore: revParse(host.gitDir, `refs/heads/${branch}`) };
    if ('merge' in step) {
      if (outcome.headBefore) host.merge(branch);
    } else {
      const target: PublishTarget = { baseBranch: 'main', branch, directory: step.directories[0], directories: step.directories, requestFile: 'request.yaml' };
      try {
        const session = await host.publisher.open(target);
        try {
          outcome.read = { existingRequest: session.existingRequest, existingBlobs: session.existingBlobs };
          outcome.result = await session.publish({ files: step.files, title: 'contract', body: 'contract', commitMessage: 'contract', author: AUTHOR, draft: false, reviewers: [], labels: [] });
        } finally {
          await session.close();
        }
      } catch (error) {
        outcome.error = (error as Error).message;
      }
    }
    outcome.headAfter = revParse(host.gitDir, `refs/heads/${branch}`);
    outcome.branchTree = revParse(host.gitDir, `refs/heads/${branch}^{tree}`);
    outcome.mainTree = revParse(host.gitDir, 'refs/heads/main^{tree}');
    outcome.openPullRequest = host.openPullRequest?.(branch);
    return outcome;
  }

  /** The files of a ref on the git host, for messages. */
  files(ref: string): string[] {
    try {
      return execFileSync('git', ['--git-dir', this.store.bare, 'ls-tree', '-r', '--name-only', ref], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).split('\n').filter(Boolean);
    } catch {
      return [];
    }
  }
}

/**
 * Where the two outcomes of a step break the contract, as readable lines (empty when they keep
 * it): the same trees, the same answer, the same read of the base, the same refusal; and a
 * commit id reported only for a commit the step made, which the branch now points at.
 */
export function contractBreaches(git: Outcome, github: Outcome): string[] {
  const breaches: string[] = [];
  if (git.branchTree !== github.branchTree) breaches.push(`branch trees differ: git ${git.branchTree ?? '(no branch)'}, github ${github.branchTree ?? '(no branch)'}`);
  if (git.mainTree !== github.mainTree) breaches.push(`main trees differ: git ${git.mainTree}, github ${github.mainTree}`);
  if (git.error !== github.error) breaches.push(`errors differ: git ${git.error ?? '(none)'}, github ${github.error ?? '(none)'}`);
  if (git.result?.changed !== github.result?.changed) breaches.push(`changed differs: git ${git.result?.changed}, github ${github.result?.changed}`);
  const already = (o: Outcome) => (o.result && !o.result.changed ? o.result.already : undefined);
  if (already(git) !== already(github)) breaches.push(`"already" differs: git ${already(git)}, github ${already(github)}`);
  const read = (o: Outcome) => JSON.stringify(o.read && { request: o.read.existingRequest, blobs: Object.entries(o.read.existingBlobs).sort() });
  if (read(git) !== read(github)) breaches.push(`reads of the base differ: git ${read(git)}, github ${read(github)}`);
  for (const [name, o] of [['git', git], ['github', github]] as const) {
    const sha = (o.result as { commitSha?: string } | undefined)?.commitSha;
    if (o.result?.changed && (sha !== o.headAfter || sha === o.headBefore)) breaches.push(`${name} reported commit ${sha}, but the branch went from ${o.headBefore} to ${o.headAfter}`);
    if (o.result && !o.result.changed && sha !== undefined) breaches.push(`${name} reported commit ${sha} for a publish that changed nothing`);
    if (o.result && !o.result.changed && o.headAfter !== o.headBefore) breaches.push(`${name} said nothing changed, but the branch moved from ${o.headBefore} to ${o.headAfter}`);
  }
  const proposed = github.result && (github.result.changed || github.result.already === 'proposed');
  if (proposed && github.result?.pullRequest?.number !== github.openPullRequest) breaches.push(`github answered pull request ${github.result?.pullRequest?.number}, the open one is ${github.openPullRequest}`);
  if (github.headAfter && github.openPullRequest === undefined) breaches.push('github left a branch without an open pull request');
  return breaches;
}

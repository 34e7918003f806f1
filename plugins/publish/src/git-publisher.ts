import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, isAbsolute } from 'node:path';
import { assertChangeWithin } from './changes';
import { ChangedMeanwhileError } from './errors';
import { gitEnvironment, simpleGitRunner, type GitRunnerFactory } from './git-runner';
import { replaceDirectories } from './git-tree-edit';
import { GitTrees, type CommitRef } from './git-trees';
import { redactError } from './redact';
import { directoriesOf, type ChangeSet, type PublishResult, type PublishSession, type Publisher, type PublishTarget } from './types';

/**
 * How a merge request is opened on hosts that support it through push options:
 * GitLab (`merge_request.create`) and Gitea/Forgejo (AGit `refs/for/<branch>`).
 */
export type MergeRequestMode = 'none' | 'gitlab' | 'agit';

export interface GitPublisherOptions {
  remote: string;
  mergeRequest?: MergeRequestMode;
  /** Secrets that may appear in the remote URL or git's messages, redacted from errors. */
  secrets?: string[];
  /** How git is run; simple-git by default (the benchmark measures it against a direct runner). */
  gitRunner?: GitRunnerFactory;
}

/** git ignores --depth and --filter for plain local paths; file:// URLs make them count. */
export function normalizeRemote(remote: string): string {
  return isAbsolute(remote) ? `file://${remote}` : remote;
}

/** Push options carry no newlines: the first line of a description, trimmed. */
function oneLine(text: string, max = 200): string {
  return (text.split('\n').find(l => l.trim()) ?? '').replace(/[#`*]/g, '').trim().slice(0, max);
}

class GitSession implements PublishSession {
  constructor(
    private readonly trees: GitTrees,
    private readonly workDir: string,
    private readonly target: PublishTarget,
    private readonly options: GitPublisherOptions,
    private readonly base: CommitRef,
    readonly existingRequest: string | undefined,
    readonly existingBlobs: Record<string, string>,
    private readonly remoteBranchSha: string | undefined,
  ) {}

  async publish(change: ChangeSet): Promise<PublishResult> {
    try {
      return await this.commitAndPush(change);
    } catch (error) {
      throw redactError(error, this.options.secrets);
    }
  }

  private async commitAndPush(change: ChangeSet): Promise<PublishResult> {
    const { trees, target, base } = this;
    assertChangeWithin(change.files, directoriesOf(target));
    const tree = await replaceDirectories(trees, base.tree, directoriesOf(target), change.files);
    if (tree === base.tree) return { branch: target.branch, changed: false, already: 'merged' };

    const author = ['-c', `user.name=${change.author.name}`, '-c', `user.email=${change.author.email}`];
    const commitSha = (await trees.git([...author, 'commit-tree', tree, '-p', base.commit, '-F', '-'], change.commitMessage)).trim();

    if (this.remoteBranchSha && (await this.sameAsRemoteBranch(tree))) {
      return { branch: target.branch, changed: false, already: 'proposed' };
    }
    // A re-run replaces the branch it pushed before, and nothing a reviewer pushed since.
    const lease = `--force-with-lease=refs/heads/${target.branch}:${this.remoteBranchSha ?? ''}`;
    try {
      await this.push(`${commitSha}:refs/heads/${target.branch}`, lease, ...this.pushOptions(change));
    } catch (error) {
      // The lease failed, or the server lost the race for the ref to a push that passed the same
      // check: the branch moved since this run read it (another run, or a reviewer's push).
      if (/stale info|\[rejected\]|cannot lock ref|failed to update ref/i.test(String((error as Error).message))) {
        throw new ChangedMeanwhileError(`branch ${target.branch} changed meanwhile on the remote (another run or a reviewer pushed to it); nothing was overwritten. Run again to build on what is there now`);
      }
      throw error;
    }
    if (this.options.mergeRequest === 'agit') {
      await this.push(`${commitSha}:refs/for/${target.baseBranch}/${target.branch}`, ...this.agitOptions(change));
    }
    return { branch: target.branch, changed: true, commitSha, branchExisted: this.remoteBranchSha !== undefined };
  }

  /**
   * Pushes what this session wrote. Negotiation (protocol v2) tells git the remote has the base
   * commit, the sparse walk visits only the changed paths, and a pack that is not thin needs no
   * delta base: so the push never reads a tree this session did not fetch. Without protocol v2,
   * git learns what the remote has only from its branch tips, which no longer include the base
   * once the base branch moved: that push would need the whole store, so it is refused instead.
   */
  private async push(...args: string[]): Promise<void> {
    try {
      await this.trees.git(['-c', 'pack.useSparse=true', '-c', 'push.negotiate=true', 'push', '--no-thin', 'origin', ...args]);
    } catch (error) {
      if (/could not fetch [0-9a-f]+ from promisor remote/.test(String((error as Error).message))) {
        throw new ChangedMeanwhileError(`${this.target.baseBranch} moved on the remote while this change was written, and the server does not speak git protocol v2 (which lets a push name the commit it builds on); nothing was pushed. Run again to build on what is there now`);
      }
      throw error;
    }
  }

  /** Whether the branch already holds exactly these directories (a re-run of the same change). */
  private async sameAsRemoteBranch(tree: string): Promise<boolean> {
    const { trees, target } = this;
    const theirs = await trees.fetchCommit(`refs/heads/${target.branch}`);
    if (!theirs) return false;
    for (const directory of directoriesOf(target)) {
      // A removed directory has no tree on either side: the same when both lack it.
      const [a, b] = await Promise.all([trees.resolve(tree, directory), trees.resolve(theirs.tree, directory)]);
      if (a?.oid !== b?.oid) return false;
    }
    return true;
  }

  private pushOptions(change: ChangeSet): string[] {
    if (this.options.mergeRequest !== 'gitlab') return [];
    const options = [
      'merge_request.create',
      `merge_request.target=${this.target.baseBranch}`,
      `merge_request.title=${change.draft ? 'Draft: ' : ''}${change.title}`,
      `merge_request.description=${oneLine(change.body)}`,
      ...change.labels.map(l => `merge_request.label=${l}`),
    ];
    return options.flatMap(o => ['-o', o]);
  }

  private agitOptions(change: ChangeSet): string[] {
    return ['topic=' + this.target.branch, `title=${change.title}`, `description=${oneLine(change.body)}`, 'force-push=true'].flatMap(o => ['-o', o]);
  }

  async close(): Promise<void> {
    await rm(this.workDir, { recursive: true, force: true });
  }
}

/**
 * A session's repository in a new temporary directory: a clone of the base branch that holds its
 * commit and nothing else yet.
 */
async function cloneBase(remote: string, baseBranch: string, runner: GitRunnerFactory): Promise<{ workDir: string; trees: GitTrees; base: CommitRef }> {
  const workDir = await mkdtemp(join(tmpdir(), 'postgres-gitops-'));
  try {
    const gitDir = join(workDir, 'store.git');
    const trees = new GitTrees(gitDir, runner({ cwd: workDir, env: gitEnvironment(gitDir) }));
    const base = await trees.cloneBranch(remote, baseBranch);
    if (!base) throw new Error(`the state store has no branch ${baseBranch}`);
    return { workDir, trees, base };
  } catch (error) {
    await rm(workDir, { recursive: true, force: true });
    throw error;
  }
}

/** Blob ids of the files at any depth below the directories, by path from the repository root: read from trees, no blob fetched. */
async function blobsOf(trees: GitTrees, tree: string, directories: string[]): Promise<Record<string, string>> {
  const blobs: Record<string, string> = {};
  for (const directory of directories) {
    const entry = await trees.resolve(tree, directory);
    if (entry?.type !== 'tree') continue;
    for (const leaf of await trees.leavesBelow(entry.oid)) if (leaf.type === 'blob') blobs[`${directory}/${leaf.name}`] = leaf.oid;
  }
  return blobs;
}

/**
 * The commit the pull-request branch points at on the remote, if it exists. The base branch is
 * asked for too: it exists, so the answer is never empty (simple-git waits 50 ms more for a
 * command that prints nothing).
 */
async function branchHead(trees: GitTrees, target: PublishTarget): Promise<string | undefined> {
  const heads = await trees.git(['ls-remote', '--heads', 'origin', `refs/heads/${target.branch}`, `refs/heads/${target.baseBranch}`]);
  const line = heads.split('\n').find(l => l.split('\t')[1] === `refs/heads/${target.branch}`);
  return line?.split('\t')[0];
}

async function fileText(trees: GitTrees, tree: string, path: string): Promise<string | undefined> {
  const entry = await trees.resolve(tree, path);
  return entry?.type === 'blob' ? trees.blobText(entry.oid) : undefined;
}

/**
 * Any git remote, through git's plumbing run by simple-git: a session clones the base branch's
 * commit without its trees, then fetches only the trees along the directories it changes (and
 * the trees below them, and the one blob it reads), writes the new trees over references to the
 * rest, and pushes the commit. The cost follows the depth and size of the directories, not the
 * size of the store. A server that ignores filters sends the base commit's whole tree instead,
 * which works the same, only slower.
 */
export class GitPublisher implements Publisher {
  readonly description: string;
  private readonly remote: string;
  private readonly runner: GitRunnerFactory;

  constructor(private readonly options: GitPublisherOptions) {
    this.runner = options.gitRunner ?? simpleGitRunner;
    this.remote = normalizeRemote(options.remote);
    this.description = `git ${this.remote.replace(/\/\/[^@/]+@/, '//***@')}`;
  }

  async readBaseFile(baseBranch: string, path: string): Promise<string | undefined> {
    try {
      const { workDir, trees, base } = await cloneBase(this.remote, baseBranch, this.runner);
      try {
        return await fileText(trees, base.tree, path);
      } finally {
        await rm(workDir, { recursive: true, force: true });
      }
    } catch (error) {
      throw redactError(error, this.options.secrets);
    }
  }

  /** One clone for every path: the trees along them are fetched once each, in turn (one repository, one fetch at a time). */
  async readBaseFiles(baseBranch: string, paths: string[]): Promise<(string | undefined)[]> {
    if (paths.length === 0) return [];
    try {
      const { workDir, trees, base } = await cloneBase(this.remote, baseBranch, this.runner);
      try {
        const texts: (string | undefined)[] = [];
        for (const path of paths) texts.push(await fileText(trees, base.tree, path));
        return texts;
      } finally {
        await rm(workDir, { recursive: true, force: true });
      }
    } catch (error) {
      throw redactError(error, this.options.secrets);
    }
  }

  async open(target: PublishTarget): Promise<PublishSession> {
    let workDir: string | undefined;
    try {
      const clone = await cloneBase(this.remote, target.baseBranch, this.runner);
      workDir = clone.workDir;
      const { trees, base } = clone;
      // The directories first: each comes whole in one fetch, and the request file's path is then read without another.
      const existingBlobs = await blobsOf(trees, base.tree, directoriesOf(target));
      const existingRequest = await fileText(trees, base.tree, `${target.directory}/${target.requestFile}`);
      const remoteBranchSha = await branchHead(trees, target);
      return new GitSession(trees, workDir, target, this.options, base, existingRequest, existingBlobs, remoteBranchSha);
    } catch (error) {
      if (workDir) await rm(workDir, { recursive: true, force: true });
      throw redactError(error, this.options.secrets);
    }
  }
}

import { mkdtemp, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, isAbsolute } from 'node:path';
import { simpleGit, type SimpleGit } from 'simple-git';
import { ChangedMeanwhileError } from './errors';
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
}

/** git ignores --depth and --filter for plain local paths; file:// URLs make them count. */
export function normalizeRemote(remote: string): string {
  return isAbsolute(remote) ? `file://${remote}` : remote;
}

/** Push options carry no newlines: the first line of a description, trimmed. */
function oneLine(text: string, max = 200): string {
  return (text.split('\n').find(l => l.trim()) ?? '').replace(/[#`*]/g, '').trim().slice(0, max);
}

/** Blob ids of the files directly in the directories at HEAD, read from the tree: no blob is fetched. */
async function blobsOf(git: SimpleGit, directories: string[]): Promise<Record<string, string>> {
  const listing = await git.raw(['ls-tree', 'HEAD', '--', ...directories.map(d => `${d}/`)]);
  const blobs: Record<string, string> = {};
  for (const line of listing.split('\n')) {
    const match = /^\d+ blob ([0-9a-f]+)\t(.+)$/.exec(line);
    if (match) blobs[match[2]] = match[1];
  }
  return blobs;
}

class GitSession implements PublishSession {
  constructor(
    private readonly git: SimpleGit,
    private readonly workDir: string,
    private readonly target: PublishTarget,
    private readonly options: GitPublisherOptions,
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
    const { git, target } = this;
    await git.checkout(['-B', target.branch]);
    for (const directory of directoriesOf(target)) await rm(join(this.workDir, directory), { recursive: true, force: true });
    for (const [path, content] of Object.entries(change.files)) {
      await mkdir(dirname(join(this.workDir, path)), { recursive: true });
      await writeFile(join(this.workDir, path), content);
    }
    await git.raw(['add', '--sparse', '-A', '--', ...directoriesOf(target)]);
    const staged = await git.raw(['diff', '--cached', '--name-only']);
    if (!staged.trim()) return { branch: target.branch, changed: false };

    await git
      .addConfig('user.name', change.author.name)
      .addConfig('user.email', change.author.email)
      .commit(change.commitMessage);
    const commitSha = (await git.revparse(['HEAD'])).trim();

    if (this.remoteBranchSha && (await this.sameAsRemoteBranch())) {
      return { branch: target.branch, changed: false, commitSha: this.remoteBranchSha };
    }
    // A re-run replaces the branch it pushed before, and nothing a reviewer pushed since.
    const lease = `--force-with-lease=refs/heads/${target.branch}:${this.remoteBranchSha ?? ''}`;
    try {
      await git.push(['origin', `HEAD:refs/heads/${target.branch}`, lease, ...this.pushOptions(change)]);
    } catch (error) {
      // The lease failed: the branch moved since this run read it (another run, or a reviewer's push).
      if (/stale info|\[rejected\]|failed to push/i.test(String((error as Error).message))) {
        throw new ChangedMeanwhileError(`branch ${target.branch} changed meanwhile on the remote (another run or a reviewer pushed to it); nothing was overwritten. Run again to build on what is there now`);
      }
      throw error;
    }
    if (this.options.mergeRequest === 'agit') {
      await git.push(['origin', `HEAD:refs/for/${target.baseBranch}/${target.branch}`, ...this.agitOptions(change)]);
    }
    return { branch: target.branch, changed: true, commitSha, branchExisted: this.remoteBranchSha !== undefined };
  }

  /** Whether the branch already holds exactly these directories (a re-run of the same change). */
  private async sameAsRemoteBranch(): Promise<boolean> {
    const { git, target } = this;
    await git.fetch(['origin', `refs/heads/${target.branch}`, '--depth', '1', '--filter=blob:none']);
    for (const directory of directoriesOf(target)) {
      // A removed directory has no tree on either side: the same when both lack it.
      const ours = (await git.raw(['rev-parse', `HEAD:${directory}`]).catch(() => '')).trim();
      const theirs = (await git.raw(['rev-parse', `FETCH_HEAD:${directory}`]).catch(() => '')).trim();
      if (ours !== theirs) return false;
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
 * Any git remote through simple-git: a shallow, sparse, blob-less clone of the base branch, so
 * the cost does not grow with the size of the state store.
 */
export class GitPublisher implements Publisher {
  readonly description: string;
  private readonly remote: string;

  constructor(private readonly options: GitPublisherOptions) {
    this.remote = normalizeRemote(options.remote);
    this.description = `git ${this.remote.replace(/\/\/[^@/]+@/, '//***@')}`;
  }

  async readBaseFile(baseBranch: string, path: string): Promise<string | undefined> {
    const workDir = await mkdtemp(join(tmpdir(), 'postgres-gitops-'));
    try {
      const git = simpleGit(workDir);
      await git.clone(this.remote, workDir, ['--depth', '1', '--filter=blob:none', '--no-checkout', '--no-tags', '--single-branch', '--branch', baseBranch]);
      const exists = await git.raw(['cat-file', '-e', `HEAD:${path}`]).then(() => true, () => false);
      return exists ? await git.show([`HEAD:${path}`]) : undefined;
    } catch (error) {
      throw redactError(error, this.options.secrets);
    } finally {
      await rm(workDir, { recursive: true, force: true });
    }
  }

  async open(target: PublishTarget): Promise<PublishSession> {
    const workDir = await mkdtemp(join(tmpdir(), 'postgres-gitops-'));
    try {
      const git = simpleGit(workDir);
      await git.clone(this.remote, workDir, [
        '--depth', '1', '--filter=blob:none', '--sparse', '--no-tags', '--single-branch', '--branch', target.baseBranch,
      ]);
      await git.raw(['sparse-checkout', 'set', ...directoriesOf(target)]);
      const existingRequest = await readFile(join(workDir, target.directory, target.requestFile), 'utf8').catch(() => undefined);
      const existingBlobs = await blobsOf(git, directoriesOf(target));
      const heads = await git.listRemote(['--heads', 'origin', `refs/heads/${target.branch}`]);
      const remoteBranchSha = heads.trim() ? heads.trim().split(/\s+/)[0] : undefined;
      return new GitSession(git, workDir, target, this.options, existingRequest, existingBlobs, remoteBranchSha);
    } catch (error) {
      await rm(workDir, { recursive: true, force: true });
      throw redactError(error, this.options.secrets);
    }
  }
}

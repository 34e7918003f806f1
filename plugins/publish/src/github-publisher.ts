import { Octokit } from '@octokit/rest';
import { ChangedMeanwhileError } from './errors';
import { gitBlobSha } from './git-blob';
import { budgetFor, type PacingClock } from './github-pacing';
import { withRetries } from './github-retry';
import { redactError } from './redact';
import { ancestorsOf, assertChangeWithin, filesBelow } from './changes';
import { readDirectory, stateQuery, type DirectoryState, type Leaf, type LeafMode, type StateResult } from './github-state';
import { treeOid } from './git-tree-oid';
import { directoriesOf, type ChangeSet, type FileSet, type PublishResult, type PublishSession, type Publisher, type PublishTarget, type PullRequestRef } from './types';

export interface GitHubPublisherOptions {
  owner: string;
  repo: string;
  token: string;
  /** https://api.github.com, or a GitHub Enterprise apiBaseUrl like https://ghe.example.com/api/v3 */
  baseUrl?: string;
  /** Retries for rate limits, 5xx, dropped connections and timeouts; tests lower them. */
  maxRetries?: number;
  /** First backoff between retries (doubling each time) where GitHub names no retry-after; default 1000 ms. */
  retryBaseMs?: number;
  /** Deadline of one attempt at one request; default 30 s. */
  timeoutMs?: number;
  userAgent?: string;
  /**
   * Keep within GitHub's secondary rate limits (80 writes, 900 points a minute), in a budget
   * shared by every publisher of the account in this process; nothing waits while within it.
   * On by default.
   */
  throttle?: boolean;
  /** The budget's clock; benchmarks run a simulated one. */
  pacingClock?: PacingClock;
}

const FILE_QUERY = `query PostgresGitopsFile($owner: String!, $repo: String!, $expression: String!) {
  repository(owner: $owner, name: $repo) { object(expression: $expression) { ... on Blob { text } } }
}`;

/** Several files in one query: `f<i>: object(expression: $e<i>)` for each. */
function filesQuery(count: number): string {
  const indexes = [...Array(count).keys()];
  return `query PostgresGitopsFiles($owner: String!, $repo: String!${indexes.map(i => `, $e${i}: String!`).join('')}) {
  repository(owner: $owner, name: $repo) {
${indexes.map(i => `    f${i}: object(expression: $e${i}) { ... on Blob { text } }`).join('\n')}
  }
}`;
}

/** One entry of a tree to create: a file with its content inline, a path removed, or a whole directory by its tree id. */
type NewEntry =
  | { path: string; mode: '100644'; type: 'blob'; content: string }
  | { path: string; mode: LeafMode; type: 'blob' | 'commit'; sha: null }
  | { path: string; mode: '040000'; type: 'tree'; sha: string };

/**
 * Whether a path changes between file and directory below this directory ("a" a file on the
 * base, "a/b" wanted, or the other way round). GitHub documents what a tree's entries do to the
 * paths they name, not what removing "a" and writing "a/b" in one tree does; such a directory is
 * written whole instead.
 */
function changesKind(leaves: Map<string, unknown>, wanted: FileSet): boolean {
  return Object.keys(wanted).some(p => ancestorsOf(p).some(a => leaves.has(a))) || [...leaves.keys()].some(p => ancestorsOf(p).some(a => Object.hasOwn(wanted, a)));
}

class GitHubSession implements PublishSession {
  readonly existingRequest?: string;
  readonly existingBlobs: Record<string, string>;

  constructor(
    private readonly client: Octokit,
    private readonly options: GitHubPublisherOptions,
    private readonly target: PublishTarget,
    private readonly state: NonNullable<StateResult['repository']>,
    private readonly directories: DirectoryState[],
  ) {
    this.existingRequest = state.request?.text;
    this.existingBlobs = Object.fromEntries(
      directories.flatMap(d => [...d.leaves].filter(([, leaf]) => leaf.type === 'blob').map(([path, leaf]) => [`${d.directory}/${path}`, leaf.oid])),
    );
  }

  async publish(change: ChangeSet): Promise<PublishResult> {
    try {
      return await this.write(change);
    } catch (error) {
      throw redactError(error, [this.options.token]);
    }
  }

  /**
   * Four writes whatever the number of files: one tree with inline contents, one commit, one
   * ref, one pull request; plus one each for reviewers and labels on a new pull request.
   */
  private async write(change: ChangeSet): Promise<PublishResult> {
    const { client, target } = this;
    const { owner, repo } = this.options;
    const { base, head } = this.state;
    const openPr = head?.associatedPullRequests.nodes[0];
    if (!base) throw new Error(`base branch "${target.baseBranch}" not found in ${owner}/${repo}`);
    assertChangeWithin(change.files, this.directories.map(d => d.directory));

    // Each directory compares by one tree id, computed here as git would write it: no file is fetched.
    const wanted = this.directories.map(d => ({ ...d, files: filesBelow(change.files, d.directory) }));
    const wantedTrees = wanted.map(d => treeOid(d.files));
    if (wanted.every((d, i) => wantedTrees[i] === d.baseTree)) return { branch: target.branch, changed: false, already: 'merged' };
    if (head && openPr && wanted.every((d, i) => wantedTrees[i] === d.headTree)) {
      return { branch: target.branch, changed: false, already: 'proposed', pullRequest: openPr };
    }

    const entries: NewEntry[] = [];
    for (const d of wanted) entries.push(...(await this.entriesFor(d.directory, d.leaves, d.files)));
    const tree = await client.rest.git.createTree({ owner, repo, base_tree: base.target.tree.oid, tree: entries });
    const commit = await client.rest.git.createCommit({
      owner,
      repo,
      message: change.commitMessage,
      tree: tree.data.sha,
      parents: [base.target.oid],
      author: change.author,
    });
    if (head) {
      // The branch is rewritten from the base on every change: only when its head is our own commit.
      const by = head.target.author?.email;
      if (by !== change.author.email) {
        throw new ChangedMeanwhileError(`branch ${target.branch} has a commit by ${by ?? 'someone else'} on top; it is not rewritten. Merge or close its pull request (or delete the branch), then run again`);
      }
      await client.rest.git.updateRef({ owner, repo, ref: `heads/${target.branch}`, sha: commit.data.sha, force: true });
    } else {
      await this.createBranch(commit.data.sha);
    }

    if (openPr) {
      await client.rest.pulls.update({ owner, repo, pull_number: openPr.number, title: change.title, body: change.body });
      return { branch: target.branch, changed: true, commitSha: commit.data.sha, pullRequest: openPr, branchExisted: true };
    }
    let pullRequest: PullRequestRef;
    try {
      pullRequest = await this.openPullRequest(change);
    } catch (error) {
      // A branch this run created must not stay behind without its pull request.
      if (!head) await client.rest.git.deleteRef({ owner, repo, ref: `heads/${target.branch}` }).catch(() => undefined);
      throw error;
    }
    const users = change.reviewers.filter(r => !r.includes('/'));
    const teams = change.reviewers.filter(r => r.includes('/')).map(r => r.split('/')[1]);
    if (users.length + teams.length > 0) {
      await client.rest.pulls.requestReviewers({ owner, repo, pull_number: pullRequest.number, reviewers: users, team_reviewers: teams });
    }
    if (change.labels.length > 0) {
      await client.rest.issues.addLabels({ owner, repo, issue_number: pullRequest.number, labels: change.labels });
    }
    return { branch: target.branch, changed: true, commitSha: commit.data.sha, pullRequest, branchExisted: head !== null };
  }

  /**
   * The tree entries that turn the base's directory into exactly `files`: files whose content or
   * mode differ, inline; every other path below it on the base, removed (GitHub refuses to remove
   * a path that is not there, so only listed ones are named). A directory where a path changes
   * between file and directory is written as its own tree first (one more call) and replaces the
   * base's directory by id.
   */
  private async entriesFor(directory: string, leaves: Map<string, Leaf>, files: FileSet): Promise<NewEntry[]> {
    const { owner, repo } = this.options;
    if (Object.keys(files).length > 0 && changesKind(leaves, files)) {
      const inline = Object.entries(files).map(([path, content]) => ({ path, mode: '100644' as const, type: 'blob' as const, content }));
      const whole = await this.client.rest.git.createTree({ owner, repo, tree: inline });
      return [{ path: directory, mode: '040000', type: 'tree', sha: whole.data.sha }];
    }
    const entries: NewEntry[] = [];
    for (const [path, content] of Object.entries(files)) {
      const leaf = leaves.get(path);
      if (leaf?.oid !== gitBlobSha(content) || leaf.mode !== '100644') entries.push({ path: `${directory}/${path}`, mode: '100644', type: 'blob', content });
    }
    for (const [path, leaf] of leaves) {
      if (!Object.hasOwn(files, path)) entries.push({ path: `${directory}/${path}`, mode: leaf.mode, type: leaf.type, sha: null });
    }
    return entries;
  }

  /**
   * Creates the branch. A retry after a lost response finds the ref already there: fine when it
   * is ours (the same commit), "changed meanwhile" when someone else created it first.
   */
  private async createBranch(sha: string): Promise<void> {
    const { client, target } = this;
    const { owner, repo } = this.options;
    try {
      await client.rest.git.createRef({ owner, repo, ref: `refs/heads/${target.branch}`, sha });
    } catch (error) {
      if ((error as { status?: number }).status !== 422) throw error;
      const existing = await client.rest.git.getRef({ owner, repo, ref: `heads/${target.branch}` });
      if (existing.data.object.sha !== sha) throw new ChangedMeanwhileError(`branch ${target.branch} was created meanwhile by another run; run again to update it`);
    }
  }

  /** Opens the pull request, or finds the one a lost response already opened: never two for one branch. */
  private async openPullRequest(change: ChangeSet): Promise<PullRequestRef> {
    const { client, target } = this;
    const { owner, repo } = this.options;
    try {
      const pr = await client.rest.pulls.create({ owner, repo, title: change.title, body: change.body, head: target.branch, base: target.baseBranch, draft: change.draft, maintainer_can_modify: false });
      return { number: pr.data.number, url: pr.data.html_url };
    } catch (error) {
      if ((error as { status?: number }).status !== 422) throw error;
      const open = await client.rest.pulls.list({ owner, repo, head: `${owner}:${target.branch}`, state: 'open' });
      if (open.data.length === 0) throw error;
      return { number: open.data[0].number, url: open.data[0].html_url };
    }
  }

  async close(): Promise<void> {}
}

/**
 * GitHub and GitHub Enterprise through the Git Data API: the number of calls does not grow with
 * files. A session reads in one GraphQL query (plus one recursive tree read for a directory that
 * has subdirectories); a publish writes one tree with inline contents, one commit, one ref and
 * one pull request.
 */
export class GitHubPublisher implements Publisher {
  readonly description: string;
  private readonly client: Octokit;

  constructor(private readonly options: GitHubPublisherOptions) {
    this.description = `GitHub ${options.owner}/${options.repo}`;
    const retries = options.maxRetries ?? 3;
    const baseUrl = options.baseUrl ?? 'https://api.github.com';
    this.client = new Octokit({
      auth: options.token,
      baseUrl,
      userAgent: options.userAgent ?? 'postgres-gitops',
      log: { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} },
    });
    const budget = options.throttle === false ? undefined : budgetFor(baseUrl, options.token, options.pacingClock);
    this.client.hook.wrap('request', withRetries({ retries, baseMs: options.retryBaseMs ?? 1000, timeoutMs: options.timeoutMs ?? 30_000, budget }) as never);
  }

  async readBaseFile(baseBranch: string, path: string): Promise<string | undefined> {
    try {
      const { repository } = await this.client.graphql<{ repository: { object: { text?: string } | null } | null }>(FILE_QUERY, {
        owner: this.options.owner,
        repo: this.options.repo,
        expression: `${baseBranch}:${path}`,
      });
      if (!repository) throw new Error(`repository ${this.options.owner}/${this.options.repo} not found or not accessible`);
      return repository.object?.text ?? undefined;
    } catch (error) {
      throw redactError(error, [this.options.token]);
    }
  }

  async readBaseFiles(baseBranch: string, paths: string[]): Promise<(string | undefined)[]> {
    if (paths.length === 0) return [];
    try {
      const { repository } = await this.client.graphql<{ repository: Record<string, { text?: string } | null> | null }>(filesQuery(paths.length), {
        owner: this.options.owner,
        repo: this.options.repo,
        ...Object.fromEntries(paths.map((path, i) => [`e${i}`, `${baseBranch}:${path}`])),
      });
      if (!repository) throw new Error(`repository ${this.options.owner}/${this.options.repo} not found or not accessible`);
      return paths.map((_, i) => repository[`f${i}`]?.text ?? undefined);
    } catch (error) {
      throw redactError(error, [this.options.token]);
    }
  }

  async open(target: PublishTarget): Promise<PublishSession> {
    try {
      const directories = directoriesOf(target);
      const state = await this.client.graphql<StateResult>(stateQuery(directories.length), {
        owner: this.options.owner,
        repo: this.options.repo,
        baseRef: `refs/heads/${target.baseBranch}`,
        headRef: `refs/heads/${target.branch}`,
        requestPath: `${target.baseBranch}:${target.directory}/${target.requestFile}`,
        ...Object.fromEntries(directories.flatMap((d, i) => [[`baseDir${i}`, `${target.baseBranch}:${d}`], [`headDir${i}`, `${target.branch}:${d}`]])),
      });
      const repository = state.repository;
      if (!repository) throw new Error(`repository ${this.options.owner}/${this.options.repo} not found or not accessible`);
      const read = directories.map((d, i) => readDirectory(this.client, this.options.owner, this.options.repo, d, repository, i));
      return new GitHubSession(this.client, this.options, target, repository, await Promise.all(read));
    } catch (error) {
      throw redactError(error, [this.options.token]);
    }
  }
}

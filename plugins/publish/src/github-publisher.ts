import { Octokit } from '@octokit/rest';
import { ChangedMeanwhileError } from './errors';
import { gitBlobSha } from './git-blob';
import { budgetFor, type PacingClock } from './github-pacing';
import { withRetries } from './github-retry';
import { redactError } from './redact';
import { directoriesOf, type ChangeSet, type PublishResult, type PublishSession, type Publisher, type PublishTarget, type PullRequestRef } from './types';

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

/** Everything a publish needs to know, read in one GraphQL round trip: a pair of listings per directory. */
export function stateQuery(directories: number): string {
  const indexes = [...Array(directories).keys()];
  const variables = indexes.map(i => `, $baseDir${i}: String!, $headDir${i}: String!`).join('');
  const listings = indexes
    .map(i => `    baseDir${i}: object(expression: $baseDir${i}) { ... on Tree { entries { name oid type } } }
    headDir${i}: object(expression: $headDir${i}) { ... on Tree { entries { name oid type } } }`)
    .join('\n');
  return `query PostgresGitopsState($owner: String!, $repo: String!, $baseRef: String!, $headRef: String!, $requestPath: String!${variables}) {
  repository(owner: $owner, name: $repo) {
    base: ref(qualifiedName: $baseRef) { target { oid ... on Commit { tree { oid } } } }
    head: ref(qualifiedName: $headRef) {
      target { oid ... on Commit { author { email } } }
      associatedPullRequests(states: OPEN, first: 1) { nodes { number url } }
    }
    request: object(expression: $requestPath) { ... on Blob { text } }
${listings}
  }
}`;
}

const FILE_QUERY = `query PostgresGitopsFile($owner: String!, $repo: String!, $expression: String!) {
  repository(owner: $owner, name: $repo) { object(expression: $expression) { ... on Blob { text } } }
}`;

interface TreeEntry {
  name: string;
  oid: string;
  type: string;
}

type Listing = { entries: TreeEntry[] } | null;

interface StateResult {
  repository: ({
    base: { target: { oid: string; tree: { oid: string } } } | null;
    head: { target: { oid: string; author?: { email: string | null } | null }; associatedPullRequests: { nodes: PullRequestRef[] } } | null;
    request: { text: string } | null;
  } & Record<`baseDir${number}` | `headDir${number}`, Listing>) | null;
}

/** The base and head listings of one directory of the change. */
interface DirectoryState {
  directory: string;
  base?: TreeEntry[];
  head?: TreeEntry[];
}

/** The files as `name=blob id` of a directory listing, sorted, to compare without fetching blobs. */
function blobListing(files: Record<string, string>, directory: string): string[] {
  return Object.entries(files).map(([path, content]) => `${path.slice(directory.length + 1)}=${gitBlobSha(content)}`).sort();
}

function filesUnder(files: Record<string, string>, directory: string): Record<string, string> {
  return Object.fromEntries(Object.entries(files).filter(([path]) => path.startsWith(`${directory}/`) && !path.slice(directory.length + 1).includes('/')));
}

/** Whether a directory listing holds exactly the wanted files. */
function sameFiles(entries: TreeEntry[] | undefined, wanted: string[]): boolean {
  const present = (entries ?? []).map(e => `${e.name}=${e.oid}`).sort();
  return wanted.length === present.length && wanted.every((w, i) => w === present[i]);
}

class GitHubSession implements PublishSession {
  readonly existingRequest?: string;
  readonly existingBlobs: Record<string, string>;
  private readonly directories: DirectoryState[];

  constructor(
    private readonly client: Octokit,
    private readonly options: GitHubPublisherOptions,
    private readonly target: PublishTarget,
    private readonly state: NonNullable<StateResult['repository']>,
  ) {
    this.existingRequest = state.request?.text;
    this.directories = directoriesOf(target).map((directory, i) => ({
      directory,
      base: state[`baseDir${i}`]?.entries,
      head: state[`headDir${i}`]?.entries,
    }));
    this.existingBlobs = Object.fromEntries(
      this.directories.flatMap(d => (d.base ?? []).filter(e => e.type === 'blob').map(e => [`${d.directory}/${e.name}`, e.oid])),
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

    const wanted = this.directories.map(d => blobListing(filesUnder(change.files, d.directory), d.directory));
    if (this.directories.every((d, i) => sameFiles(d.base, wanted[i]))) {
      return { branch: target.branch, changed: false, commitSha: base.target.oid };
    }
    if (head && openPr && this.directories.every((d, i) => sameFiles(d.head, wanted[i]))) {
      return { branch: target.branch, changed: false, commitSha: head.target.oid, pullRequest: openPr };
    }

    const removed = this.directories
      .flatMap(d => (d.base ?? []).map(e => `${d.directory}/${e.name}`))
      .filter(path => !(path in change.files))
      .map(path => ({ path, mode: '100644' as const, type: 'blob' as const, sha: null }));
    const tree = await client.rest.git.createTree({
      owner,
      repo,
      base_tree: base.target.tree.oid,
      tree: [
        ...Object.entries(change.files).map(([path, content]) => ({ path, mode: '100644' as const, type: 'blob' as const, content })),
        ...removed,
      ],
    });
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

/** GitHub and GitHub Enterprise through the Git Data API: the number of calls does not grow with files. */
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
      if (!state.repository) throw new Error(`repository ${this.options.owner}/${this.options.repo} not found or not accessible`);
      return new GitHubSession(this.client, this.options, target, state.repository);
    } catch (error) {
      throw redactError(error, [this.options.token]);
    }
  }
}

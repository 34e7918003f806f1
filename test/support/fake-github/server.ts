import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GitObjects, GitRefs, initRepository, type Entry } from './git-objects';
import { bodyProblems, findOperation, prepareOperations } from './openapi';
import { executeGitHubGraphql, githubSchema } from './graphql-api';
import { SecondaryRateLimits, type Clock } from './rate-limits';
import { storeChangeRefusals } from '../api-server';

export interface FakeGitHubOptions {
  owner: string;
  repo: string;
  token: string;
  /** GitHub's login of the token (the integration's, a bot by default). */
  login?: string;
  /** More accounts, by token: a user's own OAuth token and their login, for pull requests opened as them. */
  users?: Record<string, string>;
  /** Initial files on the default branch (of a new repository). */
  files?: Record<string, string>;
  /**
   * Serve this bare repository: its objects and refs, and every object and ref the fake stores
   * lands in it. Default: a new repository in a temporary directory holding `files` on the
   * default branch, removed by stop().
   */
  repository?: string;
  defaultBranch?: string;
  /** Injected latency per request, for wall-time measurements. */
  latencyMs?: number;
  /**
   * Enforce GitHub's secondary rate limits on this clock. With a simulated clock that runs
   * `timeScale` times faster than real time, retry-after is given in real seconds.
   */
  rateLimits?: { clock: Clock; timeScale?: number };
}

/** What the fake does to a request instead of answering it (or after carrying it out, for "drop-after"). */
/** The operations rest() carries out that take a JSON body, checked against GitHub's description. */
const BODY_OPERATIONS = ['git/create-blob', 'git/create-tree', 'git/create-commit', 'git/create-ref', 'git/update-ref', 'pulls/create', 'pulls/update', 'pulls/request-reviewers', 'issues/add-labels'] as const;

export type FaultKind = '500' | '502' | '503' | 'secondary-limit' | '429' | 'drop' | 'drop-after' | 'slow';

export interface Fault {
  /** The operation to disturb: a REST operationId (git/create-tree, pulls/create, ...) or "graphql". */
  operation: string;
  kind: FaultKind;
  /** How many matching requests are disturbed; default 1. */
  times?: number;
  /** For "slow": how long the answer takes; default 3 s. */
  delayMs?: number;
}

export interface RecordedRequest {
  method: string;
  path: string;
  operation: string;
  status: number;
  contentGenerating: boolean;
  /** The login of the token the request came with ("" when refused). */
  as: string;
  startedAt: number;
  endedAt: number;
}

interface PullRequest {
  number: number;
  title: string;
  body: string;
  head: string;
  base: string;
  draft: boolean;
  state: 'open' | 'closed';
  reviewers: string[];
  teamReviewers: string[];
  labels: string[];
  /** Who opened it: the login of the token that created it. */
  user: string;
}

class HttpError extends Error {
  constructor(readonly status: number, message: string) {
    super(message);
  }
}

/** An error the test asked for; not a violation of the API. */
class InjectedError extends HttpError {}

/** A well-formed request that meets the repository's state (the ref or pull request is already there): GitHub's 422, not a violation. */
class StateConflict extends HttpError {
  constructor(message: string) {
    super(422, message);
  }
}

/**
 * A local stand-in for GitHub's REST and GraphQL APIs, for tests and benchmarks. Every REST
 * request is checked against GitHub's OpenAPI description and every GraphQL query against
 * GitHub's schema; anything that does not conform is answered 400/404, as a mismatch with the
 * real API would fail.
 */
export class FakeGitHub {
  readonly requests: RecordedRequest[] = [];
  readonly objects: GitObjects;
  readonly refs = new GitRefs();
  /** The bare repository the fake serves. */
  readonly repository: string;
  private readonly ownRepository?: string;
  readonly pulls: PullRequest[] = [];
  /** Problems with requests (schema violations, unknown endpoints), for assertions. */
  readonly violations: string[] = [];
  /** What merged pull requests landed that the API server would refuse (pullRequestRefusals, at merge). */
  private readonly mergedRefusals: string[] = [];
  private server?: Server;
  private readonly limits?: SecondaryRateLimits;
  private readonly started = Date.now();
  private readonly faults: Required<Fault>[] = [];
  /** Faults that have been applied, as "operation kind". */
  readonly injected: string[] = [];
  url = '';

  constructor(private readonly options: FakeGitHubOptions) {
    if (options.repository) {
      this.repository = options.repository;
      this.objects = new GitObjects(this.repository);
      this.objects.load();
      this.refs.attach(this.repository);
    } else {
      this.ownRepository = mkdtempSync(join(tmpdir(), 'fake-github-'));
      this.repository = join(this.ownRepository, `${options.repo}.git`);
      initRepository(this.repository, this.defaultBranch);
      this.objects = new GitObjects(this.repository);
      this.refs.attach(this.repository);
      const files = new Map(Object.entries(options.files ?? { 'README.md': '# state store\n' }).map(([p, c]) => [p, this.objects.putBlob(c)]));
      const commit = this.objects.putCommit(this.objects.buildTree(files), [], 'initial');
      this.refs.set(`refs/heads/${this.defaultBranch}`, commit);
    }
    if (options.rateLimits) this.limits = new SecondaryRateLimits(options.rateLimits.clock);
  }

  get defaultBranch(): string {
    return this.options.defaultBranch ?? 'main';
  }

  async start(): Promise<string> {
    // GitHub's description and schema load, and the body validators compile, on first use. On a
    // simulated clock that one-time work would read as minutes of GitHub's time (requests a
    // client let through minutes ago arriving now), so with limits it is done before serving.
    if (this.limits) {
      githubSchema();
      prepareOperations(BODY_OPERATIONS);
    }
    this.server = createServer((req, res) => void this.handle(req, res));
    await new Promise<void>(resolve => this.server!.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this.url;
  }

  /**
   * Stops the server and removes the repository it made (not one it was given); fails when the
   * token reached anything the fake stored (a PR title or body, a commit, a label, a ref).
   */
  async stop(): Promise<void> {
    await new Promise<void>(resolve => (this.server ? this.server.close(() => resolve()) : resolve()));
    if (this.ownRepository) rmSync(this.ownRepository, { recursive: true, force: true });
    const stored = [
      ...this.pulls.flatMap(p => [p.title, p.body, p.head, ...p.labels, ...p.reviewers]),
      ...[...this.objects.commits.values()].map(c => c.message),
      ...[...this.refs.keys()],
      ...this.objects.blobs.values(),
    ];
    const tokens = [this.options.token, ...Object.keys(this.options.users ?? {})];
    if (stored.some(text => tokens.some(token => text.includes(token)))) throw new Error('a token reached the repository (a pull request, commit, ref or file)');
    const refused = [...this.mergedRefusals, ...this.pullRequestRefusals()];
    if (refused.length > 0) throw new Error(`pull requests hold changes the API server would refuse, or whose prune deletes data:\n${refused.join('\n')}`);
  }

  /** What each open pull request (or the one numbered) would land, its head against the merge base with its base, through the API server model. */
  pullRequestRefusals(only?: number): string[] {
    const ancestors = (sha: string) => {
      const seen: string[] = [];
      const queue = [sha];
      while (queue.length > 0) {
        const next = queue.shift()!;
        if (seen.includes(next)) continue;
        seen.push(next);
        queue.push(...(this.objects.commits.get(next)?.parents ?? []));
      }
      return seen;
    };
    const filesOf = (commit: string, dirs: Set<string>) => Object.fromEntries([...this.objects.flatten(this.objects.commits.get(commit)!.tree)]
      .filter(([p]) => dirs.has(p.split('/').slice(0, 5).join('/')))
      .map(([p, sha]) => [p, this.objects.blobs.get(sha) ?? '']));
    return this.pulls.filter(pr => (only === undefined ? pr.state === 'open' : pr.number === only)).flatMap(pr => {
      const head = this.refs.get(`refs/heads/${pr.head}`);
      const baseTip = this.refs.get(`refs/heads/${pr.base}`);
      if (!head || !baseTip) return [];
      const baseAncestors = new Set(ancestors(baseTip));
      const base = ancestors(head).find(c => baseAncestors.has(c));
      if (!base) return [];
      const [a, b] = [this.objects.flatten(this.objects.commits.get(base)!.tree), this.objects.flatten(this.objects.commits.get(head)!.tree)];
      const changed = [...new Set([...a.keys(), ...b.keys()])].filter(p => a.get(p) !== b.get(p));
      const dirs = new Set(changed.map(p => p.split('/').slice(0, 5).join('/')).filter(d => d.split('/').length === 5));
      return storeChangeRefusals(filesOf(base, dirs), filesOf(head, dirs)).map(r => `pull request #${pr.number} (${pr.head}): ${r}`);
    });
  }

  /** Disturbs the next matching request(s): an error, a dropped connection, or a slow answer. */
  inject(fault: Fault): void {
    this.faults.push({ times: 1, delayMs: 3000, ...fault });
  }

  private takeFault(operation: string): Required<Fault> | undefined {
    const fault = this.faults.find(f => f.operation === operation && f.times > 0);
    if (!fault) return undefined;
    fault.times--;
    this.injected.push(`${operation} ${fault.kind}`);
    return fault;
  }

  /** Files of a branch, path -> content. */
  filesAt(branch: string): Record<string, string> {
    const commit = this.objects.commits.get(this.refs.get(`refs/heads/${branch}`) ?? '');
    if (!commit) return {};
    return Object.fromEntries([...this.objects.flatten(commit.tree)].map(([p, sha]) => [p, this.objects.blobs.get(sha) ?? '']));
  }

  /** Merges a pull request's branch into its base (fast-forward to the branch head). */
  merge(number: number): void {
    const pr = this.pulls.find(p => p.number === number);
    if (!pr) throw new Error(`no pull request ${number}`);
    this.mergedRefusals.push(...this.pullRequestRefusals(number));
    this.refs.set(`refs/heads/${pr.base}`, this.refs.get(`refs/heads/${pr.head}`)!);
    pr.state = 'closed';
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const startedAt = Date.now() - this.started;
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const raw = Buffer.concat(chunks).toString('utf8');
    const url = new URL(req.url ?? '/', 'http://localhost');
    const method = req.method ?? 'GET';
    let operation = 'unknown';
    let contentGenerating = false;
    let status = 500;
    let body: unknown;
    // A classic personal access token: GitHub names its scopes on every response.
    const headers: Record<string, string> = { 'content-type': 'application/json; charset=utf-8', 'x-oauth-scopes': 'repo' };
    let admitted = false;
    let dropAfter = false;
    let as = '';
    try {
      if (this.options.latencyMs) await new Promise(r => setTimeout(r, this.options.latencyMs));
      const auth = /^(?:token|bearer) (.+)$/i.exec(req.headers.authorization ?? '')?.[1];
      const login = auth === this.options.token ? (this.options.login ?? 'postgres-gitops[bot]') : auth !== undefined ? this.options.users?.[auth] : undefined;
      if (login === undefined) throw new HttpError(401, 'Bad credentials');
      as = login;
      const json = raw ? JSON.parse(raw) : undefined;
      let isWrite = method !== 'GET' && method !== 'HEAD';
      if (url.pathname === '/graphql' && method === 'POST') {
        operation = 'graphql';
        isWrite = /^\s*mutation\b/.test(json?.query ?? '');
      } else {
        const op = findOperation(method, url.pathname);
        if (!op) throw new HttpError(404, `no such endpoint in GitHub's OpenAPI description: ${method} ${url.pathname}`);
        operation = op.operationId;
        const problems = bodyProblems(op, json ?? {});
        if (problems.length > 0) throw new HttpError(422, `request body does not match ${op.operationId}: ${problems.join('; ')}`);
      }
      contentGenerating = isWrite;
      const fault = this.takeFault(operation);
      if (fault) {
        switch (fault.kind) {
          case 'drop':
            req.socket.destroy();
            return;
          case 'slow':
            await new Promise(r => setTimeout(r, fault.delayMs));
            break;
          case 'secondary-limit':
            headers['retry-after'] = '1';
            throw new InjectedError(403, 'You have exceeded a secondary rate limit. Please wait a few minutes before you try again.');
          case '429':
            headers['retry-after'] = '1';
            throw new InjectedError(429, 'Too Many Requests');
          case 'drop-after':
            dropAfter = true;
            break;
          default:
            throw new InjectedError(Number(fault.kind), 'Server Error');
        }
      }
      if (this.limits) {
        const decision = this.limits.begin(isWrite, contentGenerating);
        if (!decision.allowed) {
          const scale = this.options.rateLimits?.timeScale ?? 1;
          headers['retry-after'] = String(Math.max(1, Math.ceil((decision.retryAfterSeconds ?? 1) / scale)));
          throw new HttpError(403, `You have exceeded a secondary rate limit (${decision.reason}).`);
        }
        admitted = true;
      }
      [status, body] = operation === 'graphql' ? await this.graphql(json) : this.rest(operation, findOperation(method, url.pathname)!.params, json, url, as);
    } catch (error) {
      status = error instanceof HttpError ? error.status : 500;
      body = { message: (error as Error).message, documentation_url: 'https://docs.github.com/rest' };
      if (!(error instanceof InjectedError) && !(error instanceof StateConflict) && (status === 404 || status === 422 || status === 400 || status === 500)) this.violations.push(`${method} ${url.pathname}: ${(error as Error).message}`);
    } finally {
      if (admitted) this.limits!.end();
    }
    this.requests.push({ method, path: url.pathname, operation, status, contentGenerating, as, startedAt, endedAt: Date.now() - this.started });
    // The write happened; the answer is lost on the way back, as with a reset connection.
    if (dropAfter) {
      req.socket.destroy();
      return;
    }
    res.writeHead(status, headers);
    res.end(body === undefined ? '' : JSON.stringify(body));
  }

  private repoUrl(): string {
    return `${this.url}/repos/${this.options.owner}/${this.options.repo}`;
  }

  private checkRepo(params: Record<string, string>): void {
    if (params.owner !== this.options.owner || params.repo !== this.options.repo) throw new HttpError(404, 'Not Found');
  }

  private commitJson(sha: string) {
    const c = this.objects.commits.get(sha)!;
    return { sha, url: `${this.repoUrl()}/git/commits/${sha}`, html_url: `https://github.example.test/${this.options.owner}/${this.options.repo}/commit/${sha}`, tree: { sha: c.tree, url: '' }, parents: c.parents.map(p => ({ sha: p, url: '' })), message: c.message };
  }

  private prJson(pr: PullRequest) {
    return {
      number: pr.number, state: pr.state, title: pr.title, body: pr.body, draft: pr.draft,
      html_url: `https://github.example.test/${this.options.owner}/${this.options.repo}/pull/${pr.number}`,
      url: `${this.repoUrl()}/pulls/${pr.number}`,
      head: { ref: pr.head, sha: this.refs.get(`refs/heads/${pr.head}`) }, base: { ref: pr.base },
      requested_reviewers: pr.reviewers.map(login => ({ login })), labels: pr.labels.map(name => ({ name })),
      user: { login: pr.user },
    };
  }

  private rest(operation: string, params: Record<string, string>, body: any, url: URL, as: string): [number, unknown] {
    if (operation === 'users/get-authenticated') return [200, { login: as, id: 1, type: as.endsWith('[bot]') ? 'Bot' : 'User' }];
    this.checkRepo(params);
    switch (operation) {
      case 'repos/get':
        return [200, { name: this.options.repo, full_name: `${this.options.owner}/${this.options.repo}`, default_branch: this.defaultBranch, owner: { login: this.options.owner }, permissions: { admin: false, maintain: false, push: true, triage: true, pull: true } }];
      case 'git/get-ref':
      case 'git/get-ref-deprecated': {
        const sha = this.refs.get(`refs/${params.ref}`);
        if (!sha) throw new HttpError(404, 'Not Found');
        return [200, { ref: `refs/${params.ref}`, object: { sha, type: 'commit', url: '' } }];
      }
      case 'git/get-commit': {
        if (!this.objects.commits.has(params.commit_sha)) throw new HttpError(404, 'Not Found');
        return [200, this.commitJson(params.commit_sha)];
      }
      case 'repos/list-commits': {
        const ref = url.searchParams.get('sha') ?? this.defaultBranch;
        const sha = this.refs.get(`refs/heads/${ref}`) ?? ref;
        if (!this.objects.commits.has(sha)) throw new HttpError(404, 'Not Found');
        const c = this.commitJson(sha);
        return [200, [{ sha, url: c.url, html_url: c.html_url, commit: { message: c.message, tree: c.tree }, parents: c.parents }]];
      }
      case 'repos/get-commit': {
        const sha = this.refs.get(`refs/heads/${params.ref}`) ?? params.ref;
        if (!this.objects.commits.has(sha)) throw new HttpError(404, 'Not Found');
        return [200, { sha, commit: this.commitJson(sha) }];
      }
      case 'git/create-blob': {
        const content = body.encoding === 'base64' ? Buffer.from(body.content, 'base64').toString('utf8') : body.content;
        return [201, { sha: this.objects.putBlob(content), url: '' }];
      }
      case 'git/create-tree':
        return [201, { sha: this.createTree(body), url: '', truncated: false, tree: [] }];
      case 'git/get-tree': {
        const sha = this.treeOf(params.tree_sha, 404);
        const recursive = url.searchParams.has('recursive');
        const listing = recursive ? this.listRecursive(sha) : [...this.objects.trees.get(sha)!].map(([path, e]) => ({ path, ...e }));
        return [200, { sha, url: '', truncated: false, tree: listing.map(e => ({ path: e.path, mode: e.mode, type: e.type, sha: e.sha, url: '' })) }];
      }
      case 'git/create-commit': {
        if (!this.objects.trees.has(body.tree)) throw new HttpError(422, 'Tree SHA does not exist');
        for (const p of body.parents ?? []) if (!this.objects.commits.has(p)) throw new HttpError(422, 'Parent SHA does not exist');
        return [201, this.commitJson(this.objects.putCommit(body.tree, body.parents ?? [], body.message, body.author?.email))];
      }
      case 'git/create-ref': {
        if (this.refs.has(body.ref)) throw new StateConflict('Reference already exists');
        if (!this.objects.commits.has(body.sha)) throw new HttpError(422, 'Object does not exist');
        this.refs.set(body.ref, body.sha);
        return [201, { ref: body.ref, object: { sha: body.sha, type: 'commit', url: '' } }];
      }
      case 'git/update-ref': {
        const ref = `refs/${params.ref}`;
        const current = this.refs.get(ref);
        if (!current) throw new HttpError(422, 'Reference does not exist');
        if (!body.force && !this.isAncestor(current, body.sha)) throw new HttpError(422, 'Update is not a fast forward');
        this.refs.set(ref, body.sha);
        return [200, { ref, object: { sha: body.sha, type: 'commit', url: '' } }];
      }
      case 'git/delete-ref': {
        const ref = `refs/${params.ref}`;
        if (!this.refs.delete(ref)) throw new HttpError(422, 'Reference does not exist');
        return [204, undefined];
      }
      case 'pulls/list': {
        const head = url.searchParams.get('head');
        const state = url.searchParams.get('state') ?? 'open';
        const list = this.pulls.filter(p => (state === 'all' || p.state === state) && (!head || `${this.options.owner}:${p.head}` === head));
        return [200, list.map(p => this.prJson(p))];
      }
      case 'pulls/create': {
        // head may name the owner: "owner:branch"
        body.head = String(body.head).replace(new RegExp(`^${this.options.owner}:`), '');
        if (!this.refs.has(`refs/heads/${body.head}`)) throw new HttpError(422, 'Validation Failed: head does not exist');
        if (this.pulls.some(p => p.state === 'open' && p.head === body.head)) throw new StateConflict(`A pull request already exists for ${this.options.owner}:${body.head}.`);
        const pr: PullRequest = { number: this.pulls.length + 1, title: body.title, body: body.body ?? '', head: body.head, base: body.base, draft: !!body.draft, state: 'open', reviewers: [], teamReviewers: [], labels: [], user: as };
        this.pulls.push(pr);
        return [201, this.prJson(pr)];
      }
      case 'pulls/update': {
        const pr = this.pullRequest(params.pull_number);
        if (body.title !== undefined) pr.title = body.title;
        if (body.body !== undefined) pr.body = body.body;
        return [200, this.prJson(pr)];
      }
      case 'pulls/request-reviewers': {
        const pr = this.pullRequest(params.pull_number);
        // Reviewers and labels are sets on GitHub: asking twice changes nothing.
        pr.reviewers = [...new Set([...pr.reviewers, ...(body.reviewers ?? [])])];
        pr.teamReviewers = [...new Set([...pr.teamReviewers, ...(body.team_reviewers ?? [])])];
        return [201, this.prJson(pr)];
      }
      case 'issues/add-labels': {
        const pr = this.pullRequest(params.issue_number);
        pr.labels = [...new Set([...pr.labels, ...(body.labels ?? [])])];
        return [200, pr.labels.map(name => ({ name }))];
      }
      default:
        throw new HttpError(501, `${operation} is valid GitHub API but not implemented by the fake`);
    }
  }

  private pullRequest(number: string): PullRequest {
    const pr = this.pulls.find(p => p.number === Number(number));
    if (!pr) throw new HttpError(404, 'Not Found');
    return pr;
  }

  private treeOf(sha: string, status = 422): string {
    if (this.objects.trees.has(sha)) return sha;
    const commit = this.objects.commits.get(sha);
    if (!commit) throw new HttpError(status, status === 404 ? 'Not Found' : 'base_tree is not a valid tree');
    return commit.tree;
  }

  /** Every entry below a tree, directories included, as GitHub lists a tree with `recursive`. */
  private listRecursive(sha: string, prefix = ''): (Entry & { path: string })[] {
    return [...this.objects.trees.get(sha)!].flatMap(([name, e]) => {
      const path = prefix ? `${prefix}/${name}` : name;
      return [{ path, ...e }, ...(e.type === 'tree' ? this.listRecursive(e.sha, path) : [])];
    });
  }

  /**
   * POST /git/trees as GitHub documents it (docs.github.com/en/rest/git/trees#create-a-tree):
   * entries overwrite the paths of base_tree they name, nested paths create their directories, a
   * tree entry replaces the directory at its path, and `sha: null` removes a file (an error if the
   * file does not exist). What GitHub does not document is refused as a violation: content or a
   * blob written below an existing file, or over an existing directory, and `sha: null` on a
   * directory.
   */
  private createTree(body: { base_tree?: string; tree: { path: string; mode: string; type?: string; sha?: string | null; content?: string }[] }): string {
    const files = body.base_tree ? this.objects.entriesBelow(this.treeOf(body.base_tree)) : new Map<string, Entry>();
    // Judged against base_tree, whatever order the entries come in.
    const before = [...files.keys()];
    const isDirectory = (path: string) => before.some(p => p.startsWith(`${path}/`));
    const underFile = (path: string) => {
      const names = path.split('/');
      return names.slice(1).some((_, i) => files.has(names.slice(0, i + 1).join('/')) || before.includes(names.slice(0, i + 1).join('/')));
    };
    for (const entry of body.tree) {
      const type = entry.type ?? 'blob';
      if (type === 'tree') {
        if (!entry.sha || !this.objects.trees.has(entry.sha)) throw new HttpError(422, `tree.sha ${entry.sha} is not a valid tree (removing a directory with sha null is not documented)`);
        for (const p of [...files.keys()]) if (p === entry.path || p.startsWith(`${entry.path}/`)) files.delete(p);
        for (const [p, e] of this.objects.entriesBelow(entry.sha)) files.set(`${entry.path}/${p}`, e);
        continue;
      }
      if (entry.sha === null && entry.content === undefined) {
        if (!files.has(entry.path)) throw new HttpError(422, `GitHub refuses to delete a file that does not exist: ${entry.path}`);
        files.delete(entry.path);
        continue;
      }
      if (underFile(entry.path) || isDirectory(entry.path)) throw new HttpError(422, `${entry.path} would turn a file into a directory or back; GitHub does not document what a tree does then`);
      if (entry.content !== undefined) files.set(entry.path, { mode: entry.mode, type: 'blob', sha: this.objects.putBlob(entry.content) });
      else if (entry.sha && (this.objects.blobs.has(entry.sha) || type === 'commit')) files.set(entry.path, { mode: entry.mode, type: type as Entry['type'], sha: entry.sha });
      else throw new HttpError(422, `tree.sha ${entry.sha} is not a valid blob`);
    }
    return this.objects.buildTree(files);
  }

  private isAncestor(ancestor: string, sha: string): boolean {
    const queue = [sha];
    while (queue.length) {
      const current = queue.shift()!;
      if (current === ancestor) return true;
      queue.push(...(this.objects.commits.get(current)?.parents ?? []));
    }
    return false;
  }

  private async graphql(body: { query: string; variables?: Record<string, unknown> }): Promise<[number, unknown]> {
    const objects = this.objects;
    const gitObject = (sha: string) => {
      const commit = objects.commits.get(sha);
      return commit ? { __typename: 'Commit', oid: sha, tree: { __typename: 'Tree', oid: commit.tree }, author: { email: commit.authorEmail ?? null } } : null;
    };
    const repository = {
      ref: ({ qualifiedName }: { qualifiedName: string }) => {
        const sha = this.refs.get(qualifiedName);
        if (!sha) return null;
        const branch = qualifiedName.replace(/^refs\/heads\//, '');
        return {
          name: branch,
          target: gitObject(sha),
          associatedPullRequests: ({ states, first }: { states?: string[]; first?: number }) => ({
            nodes: this.pulls
              .filter(p => p.head === branch && (!states || states.includes(p.state.toUpperCase())))
              .slice(0, first ?? 100)
              .map(p => ({ number: p.number, url: this.prJson(p).html_url })),
          }),
        };
      },
      object: ({ expression }: { expression: string }) => {
        const colon = expression.indexOf(':');
        const rev = colon < 0 ? expression : expression.slice(0, colon);
        const path = colon < 0 ? '' : expression.slice(colon + 1);
        const sha = this.refs.get(`refs/heads/${rev}`) ?? rev;
        const commit = objects.commits.get(sha);
        if (!commit) return null;
        if (colon < 0) return gitObject(sha);
        const entry = objects.lookup(commit.tree, path);
        if (!entry) return null;
        if (entry.type === 'blob') return { __typename: 'Blob', oid: entry.sha, text: objects.blobs.get(entry.sha) };
        return {
          __typename: 'Tree',
          oid: entry.sha,
          entries: [...(objects.trees.get(entry.sha) ?? [])].map(([name, e]) => ({ name, oid: e.sha, type: e.type, mode: parseInt(e.mode, 8) })),
        };
      },
    };
    const rootValue = {
      repository: ({ owner, name }: { owner: string; name: string }) => (owner === this.options.owner && name === this.options.repo ? repository : null),
    };
    const result = await executeGitHubGraphql(body.query, body.variables ?? {}, rootValue);
    if (result.status !== 200) this.violations.push(`graphql: ${JSON.stringify(result.body)}`);
    return [result.status, result.body];
  }
}

"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.GitHubPublisher = exports.STATE_QUERY = void 0;
const rest_1 = require("@octokit/rest");
const plugin_retry_1 = require("@octokit/plugin-retry");
const plugin_throttling_1 = require("@octokit/plugin-throttling");
const git_blob_1 = require("./git-blob");
const redact_1 = require("./redact");
const GitHub = rest_1.Octokit.plugin(plugin_retry_1.retry, plugin_throttling_1.throttling);
/** Everything a publish needs to know, read in one GraphQL round trip. */
exports.STATE_QUERY = `query PostgresGitopsState($owner: String!, $repo: String!, $baseRef: String!, $headRef: String!, $requestPath: String!, $baseDir: String!, $headDir: String!) {
  repository(owner: $owner, name: $repo) {
    base: ref(qualifiedName: $baseRef) { target { oid ... on Commit { tree { oid } } } }
    head: ref(qualifiedName: $headRef) {
      target { oid }
      associatedPullRequests(states: OPEN, first: 1) { nodes { number url } }
    }
    request: object(expression: $requestPath) { ... on Blob { text } }
    baseDir: object(expression: $baseDir) { ... on Tree { entries { name oid type } } }
    headDir: object(expression: $headDir) { ... on Tree { entries { name oid type } } }
  }
}`;
/** The files as `name=blob id` of a directory listing, sorted, to compare without fetching blobs. */
function blobListing(files, directory) {
    return Object.entries(files).map(([path, content]) => `${path.slice(directory.length + 1)}=${(0, git_blob_1.gitBlobSha)(content)}`).sort();
}
/** Whether a directory listing holds exactly the wanted files. */
function sameFiles(entries, wanted) {
    const present = (entries ?? []).map(e => `${e.name}=${e.oid}`).sort();
    return wanted.length === present.length && wanted.every((w, i) => w === present[i]);
}
class GitHubSession {
    client;
    options;
    target;
    state;
    existingRequest;
    constructor(client, options, target, state) {
        this.client = client;
        this.options = options;
        this.target = target;
        this.state = state;
        this.existingRequest = state.request?.text;
    }
    async publish(change) {
        try {
            return await this.write(change);
        }
        catch (error) {
            throw (0, redact_1.redactError)(error, [this.options.token]);
        }
    }
    /**
     * Four writes whatever the number of files: one tree with inline contents, one commit, one
     * ref, one pull request; plus one each for reviewers and labels on a new pull request.
     */
    async write(change) {
        const { client, target } = this;
        const { owner, repo } = this.options;
        const { base, head, baseDir, headDir } = this.state;
        const openPr = head?.associatedPullRequests.nodes[0];
        if (!base)
            throw new Error(`base branch "${target.baseBranch}" not found in ${owner}/${repo}`);
        const wanted = blobListing(change.files, target.directory);
        if (sameFiles(baseDir?.entries, wanted)) {
            return { branch: target.branch, changed: false, commitSha: base.target.oid };
        }
        if (head && openPr && sameFiles(headDir?.entries, wanted)) {
            return { branch: target.branch, changed: false, commitSha: head.target.oid, pullRequest: openPr };
        }
        const removed = (baseDir?.entries ?? [])
            .map(e => `${target.directory}/${e.name}`)
            .filter(path => !(path in change.files))
            .map(path => ({ path, mode: '100644', type: 'blob', sha: null }));
        const tree = await client.rest.git.createTree({
            owner,
            repo,
            base_tree: base.target.tree.oid,
            tree: [
                ...Object.entries(change.files).map(([path, content]) => ({ path, mode: '100644', type: 'blob', content })),
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
            await client.rest.git.updateRef({ owner, repo, ref: `heads/${target.branch}`, sha: commit.data.sha, force: true });
        }
        else {
            await client.rest.git.createRef({ owner, repo, ref: `refs/heads/${target.branch}`, sha: commit.data.sha });
        }
        if (openPr) {
            await client.rest.pulls.update({ owner, repo, pull_number: openPr.number, title: change.title, body: change.body });
            return { branch: target.branch, changed: true, commitSha: commit.data.sha, pullRequest: openPr };
        }
        const pr = await client.rest.pulls.create({
            owner,
            repo,
            title: change.title,
            body: change.body,
            head: target.branch,
            base: target.baseBranch,
            draft: change.draft,
            maintainer_can_modify: false,
        });
        const pullRequest = { number: pr.data.number, url: pr.data.html_url };
        const users = change.reviewers.filter(r => !r.includes('/'));
        const teams = change.reviewers.filter(r => r.includes('/')).map(r => r.split('/')[1]);
        if (users.length + teams.length > 0) {
            await client.rest.pulls.requestReviewers({ owner, repo, pull_number: pr.data.number, reviewers: users, team_reviewers: teams });
        }
        if (change.labels.length > 0) {
            await client.rest.issues.addLabels({ owner, repo, issue_number: pr.data.number, labels: change.labels });
        }
        return { branch: target.branch, changed: true, commitSha: commit.data.sha, pullRequest };
    }
    async close() { }
}
/** GitHub and GitHub Enterprise through the Git Data API: the number of calls does not grow with files. */
class GitHubPublisher {
    options;
    description;
    client;
    constructor(options) {
        this.options = options;
        this.description = `GitHub ${options.owner}/${options.repo}`;
        const retries = options.maxRetries ?? 3;
        this.client = new GitHub({
            auth: options.token,
            baseUrl: options.baseUrl ?? 'https://api.github.com',
            userAgent: options.userAgent ?? 'postgres-gitops',
            log: { debug: () => { }, info: () => { }, warn: () => { }, error: () => { } },
            retry: { retries },
            throttle: {
                enabled: options.throttle ?? true,
                onRateLimit: (_after, _options, _octokit, retryCount) => retryCount < retries,
                onSecondaryRateLimit: (_after, _options, _octokit, retryCount) => retryCount < retries,
            },
        });
    }
    async open(target) {
        try {
            const state = await this.client.graphql(exports.STATE_QUERY, {
                owner: this.options.owner,
                repo: this.options.repo,
                baseRef: `refs/heads/${target.baseBranch}`,
                headRef: `refs/heads/${target.branch}`,
                requestPath: `${target.baseBranch}:${target.directory}/request.yaml`,
                baseDir: `${target.baseBranch}:${target.directory}`,
                headDir: `${target.branch}:${target.directory}`,
            });
            if (!state.repository)
                throw new Error(`repository ${this.options.owner}/${this.options.repo} not found or not accessible`);
            return new GitHubSession(this.client, this.options, target, state.repository);
        }
        catch (error) {
            throw (0, redact_1.redactError)(error, [this.options.token]);
        }
    }
}
exports.GitHubPublisher = GitHubPublisher;

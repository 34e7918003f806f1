"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.pullRequestBenchmarks = pullRequestBenchmarks;
const node_fs_1 = require("node:fs");
const node_os_1 = require("node:os");
const node_path_1 = require("node:path");
const config_1 = require("@backstage/config");
const integration_1 = require("@backstage/integration");
const plugin_scaffolder_backend_module_github_1 = require("@backstage/plugin-scaffolder-backend-module-github");
const renderer_1 = require("@postgres-gitops/renderer");
const github_publisher_1 = require("../../plugins/scaffolder-postgres/src/publish/github-publisher");
const server_1 = require("../../plugins/scaffolder-postgres/src/__testUtils__/fake-github/server");
const fleet_1 = require("./fleet");
const action_context_1 = require("./action-context");
const measure_1 = require("./measure");
const render_1 = require("./render");
const TOKEN = 'ghp_benchmarkToken0123456789abcdef';
const OWNER = 'acme';
const REPO = 'state';
/** About ten files: one database. 200 files: a fleet re-render touching eight databases. */
function cases() {
    const one = (0, renderer_1.renderDatabase)(fleet_1.BASIC_REQUEST);
    const fleet = {};
    for (const request of [fleet_1.PROD_REQUEST, ...(0, fleet_1.fleetRequests)(12)]) {
        for (const [path, content] of Object.entries((0, renderer_1.renderDatabase)({ ...request, metadata: { ...request.metadata, namespace: 'bulk' }, spec: { ...request.spec, cluster: 'worker-1' } }).files)) {
            if (Object.keys(fleet).length < 200)
                fleet[path] = content;
        }
    }
    return [
        { label: `one database (${Object.keys(one.files).length} files)`, directory: one.directory, files: one.files },
        { label: '200 files (fleet re-render)', directory: 'clusters/worker-1/postgres/bulk', files: fleet },
    ];
}
/** Rounds of requests that had to wait for the previous ones: requests overlapping in time share a round. */
function sequentialRounds(requests) {
    const sorted = [...requests].sort((a, b) => a.startedAt - b.startedAt);
    let rounds = 0;
    let roundEnd = -Infinity;
    for (const r of sorted) {
        if (r.startedAt >= roundEnd) {
            rounds++;
            roundEnd = r.endedAt;
        }
        else {
            roundEnd = Math.max(roundEnd, r.endedAt);
        }
    }
    return rounds;
}
const ours = (pace) => async (github, c) => {
    const publisher = new github_publisher_1.GitHubPublisher({ owner: OWNER, repo: REPO, token: TOKEN, baseUrl: github.url, throttle: pace, maxRetries: 3 });
    const session = await publisher.open({ baseBranch: 'main', branch: 'bench/ours', directory: c.directory });
    await session.publish({ files: c.files, title: 'bench', body: 'bench', commitMessage: 'bench', author: { name: 'b', email: 'b@example.test' }, draft: false, reviewers: [], labels: [] });
};
/** Backstage's own publish:github:pull-request, given the same files in its workspace. */
const backstage = async (github, c) => {
    const workspace = (0, node_fs_1.mkdtempSync)((0, node_path_1.join)((0, node_os_1.tmpdir)(), 'bench-bs-'));
    try {
        for (const [path, content] of Object.entries(c.files)) {
            const target = (0, node_path_1.join)(workspace, path.slice(c.directory.length + 1));
            (0, node_fs_1.mkdirSync)((0, node_path_1.dirname)(target), { recursive: true });
            (0, node_fs_1.writeFileSync)(target, content);
        }
        const integrations = integration_1.ScmIntegrations.fromConfig(new config_1.ConfigReader({ integrations: { github: [{ host: 'github.com', apiBaseUrl: github.url, token: TOKEN }] } }));
        const action = (0, plugin_scaffolder_backend_module_github_1.createPublishGithubPullRequestAction)({ integrations, githubCredentialsProvider: integration_1.DefaultGithubCredentialsProvider.fromIntegrations(integrations) });
        await action.handler((0, action_context_1.benchActionContext)({ repoUrl: `github.com?owner=${OWNER}&repo=${REPO}`, branchName: 'bench/backstage', title: 'bench', description: 'bench', targetPath: c.directory }, workspace));
    }
    finally {
        (0, node_fs_1.rmSync)(workspace, { recursive: true, force: true });
    }
};
async function measure(subject, runner, c, mode) {
    const timeScale = 60;
    const t0 = Date.now();
    const github = new server_1.FakeGitHub({
        owner: OWNER,
        repo: REPO,
        token: TOKEN,
        latencyMs: mode === 'latency' ? 50 : 0,
        // One simulated minute passes in one real second, so per-minute limits bite without waiting minutes.
        rateLimits: mode === 'limits' ? { clock: { now: () => t0 + (Date.now() - t0) * timeScale }, timeScale } : undefined,
    });
    await github.start();
    const start = (0, measure_1.now)();
    let outcome = 'success';
    try {
        await runner(github, c);
    }
    catch (error) {
        outcome = `failed: ${String(error.message).split('\n')[0].slice(0, 120)}`;
    }
    finally {
        await github.stop();
    }
    const wall = (0, measure_1.now)() - start;
    const requests = github.requests;
    const base = { benchmark: mode === 'latency' ? 'pull request, 50 ms latency' : 'pull request, secondary rate limits', case: c.label, subject };
    const rows = [
        { ...base, metric: 'calls', value: requests.length, unit: 'requests' },
        { ...base, metric: 'content-generating calls', value: requests.filter(r => r.contentGenerating).length, unit: 'requests' },
        { ...base, metric: 'sequential round trips', value: sequentialRounds(requests), unit: 'rounds' },
        { ...base, metric: 'outcome', value: outcome, unit: '' },
    ];
    if (mode === 'latency')
        rows.push({ ...base, metric: 'wall time', value: (0, render_1.round)(wall / 1000, 2), unit: 's' });
    else
        rows.push({ ...base, metric: '403 answers', value: requests.filter(r => r.status === 403).length, unit: 'requests' });
    if (github.violations.length > 0)
        rows.push({ ...base, metric: 'API violations', value: github.violations.slice(0, 3).join(' | '), unit: '' });
    return rows;
}
async function pullRequestBenchmarks() {
    const rows = [];
    for (const c of cases()) {
        for (const mode of ['latency', 'limits']) {
            rows.push(...(await measure('postgres-gitops (writes paced, default)', ours(true), c, mode)));
            rows.push(...(await measure('postgres-gitops (unpaced)', ours(false), c, mode)));
            rows.push(...(await measure("Backstage publish:github:pull-request", backstage, c, mode)));
        }
    }
    return rows;
}

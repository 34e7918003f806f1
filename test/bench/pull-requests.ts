import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { ConfigReader } from '@backstage/config';
import { DefaultGithubCredentialsProvider, ScmIntegrations } from '@backstage/integration';
import { createPublishGithubPullRequestAction } from '@backstage/plugin-scaffolder-backend-module-github';
import { REQUEST_FILE, renderDatabase } from '@postgres-gitops/renderer';
import { GitHubPublisher } from '@postgres-gitops/publish';
import { FakeGitHub, type RecordedRequest } from '../support/fake-github/server';
import { fleetRequests, PROD_REQUEST, BASIC_REQUEST } from './fleet';
import { benchActionContext } from './action-context';
import { now, type Measurement } from './measure';
import { failedMeasurement, missingOnGitHub } from './publish-outcome';
import { round } from './render';

const TOKEN = 'ghp_benchmarkToken0123456789abcdef';
const OWNER = 'acme';
const REPO = 'state';

interface Case {
  label: string;
  directory: string;
  files: Record<string, string>;
}

/** About ten files: one database. 200 files: a fleet re-render touching eight databases. */
function cases(): Case[] {
  const one = renderDatabase(BASIC_REQUEST);
  const fleet: Record<string, string> = {};
  for (const request of [PROD_REQUEST, ...fleetRequests(12)]) {
    for (const [path, content] of Object.entries(renderDatabase({ ...request, metadata: { ...request.metadata, namespace: 'bulk' }, spec: { ...request.spec, cluster: 'worker-1' } }).files)) {
      if (Object.keys(fleet).length < 200) fleet[path] = content;
    }
  }
  return [
    { label: `one database (${Object.keys(one.files).length} files)`, directory: one.directory, files: one.files },
    { label: '200 files (fleet re-render)', directory: 'clusters/worker-1/postgres/bulk', files: fleet },
  ];
}

/** Rounds of requests that had to wait for the previous ones: requests overlapping in time share a round. */
function sequentialRounds(requests: RecordedRequest[]): number {
  const sorted = [...requests].sort((a, b) => a.startedAt - b.startedAt);
  let rounds = 0;
  let roundEnd = -Infinity;
  for (const r of sorted) {
    if (r.startedAt >= roundEnd) {
      rounds++;
      roundEnd = r.endedAt;
    } else {
      roundEnd = Math.max(roundEnd, r.endedAt);
    }
  }
  return rounds;
}

type Clock = { now(): number; sleep(ms: number): Promise<void> };
type Runner = (github: FakeGitHub, c: Case, branch: string, clock?: Clock) => Promise<void>;

const ours = (pace: boolean): Runner => async (github, c, branch, clock) => {
  const publisher = new GitHubPublisher({ owner: OWNER, repo: REPO, token: TOKEN, baseUrl: github.url, throttle: pace, pacingClock: clock, maxRetries: 3 });
  const session = await publisher.open({ baseBranch: 'main', branch, directory: c.directory, requestFile: REQUEST_FILE });
  await session.publish({ files: c.files, title: 'bench', body: 'bench', commitMessage: 'bench', author: { name: 'b', email: 'b@example.test' }, draft: false, reviewers: [], labels: [] });
};

/** Planted: returns at once, as a publisher that silently publishes nothing would. The outcome check must catch it. */
const noop: Runner = async () => undefined;

/** Backstage's own publish:github:pull-request, given the same files in its workspace. */
const backstage: Runner = async (github, c, branch) => {
  const workspace = mkdtempSync(join(tmpdir(), 'bench-bs-'));
  try {
    for (const [path, content] of Object.entries(c.files)) {
      const target = join(workspace, path.slice(c.directory.length + 1));
      mkdirSync(dirname(target), { recursive: true });
      writeFileSync(target, content);
    }
    const integrations = ScmIntegrations.fromConfig(new ConfigReader({ integrations: { github: [{ host: 'github.com', apiBaseUrl: github.url, token: TOKEN }] } }));
    const action = createPublishGithubPullRequestAction({ integrations, githubCredentialsProvider: DefaultGithubCredentialsProvider.fromIntegrations(integrations) });
    await action.handler(
      benchActionContext({ repoUrl: `github.com?owner=${OWNER}&repo=${REPO}`, branchName: branch, title: 'bench', description: 'bench', targetPath: c.directory }, workspace),
    );
  } finally {
    rmSync(workspace, { recursive: true, force: true });
  }
};

/**
 * One subject on one case against a fresh fake GitHub. After it returns, its outcome is checked
 * (the branch holds exactly the case's files, a pull request is open): a subject that did less
 * is a failed measurement and gets no figure; one that failed with an error gets its error and
 * how far it got (calls, 403s), but no time.
 */
async function measure(subject: string, runner: Runner, c: Case, mode: 'latency' | 'limits'): Promise<Measurement[]> {
  const timeScale = 60;
  const t0 = Date.now();
  const clock = { now: () => t0 + (Date.now() - t0) * timeScale, sleep: (ms: number) => new Promise<void>(r => setTimeout(r, ms / timeScale)) };
  const github = new FakeGitHub({
    owner: OWNER,
    repo: REPO,
    token: TOKEN,
    latencyMs: mode === 'latency' ? 50 : 0,
    // One simulated minute passes in one real second, so per-minute limits bite without waiting minutes.
    rateLimits: mode === 'limits' ? { clock, timeScale } : undefined,
  });
  await github.start();
  const branch = `bench/${subject.replace(/[^a-z0-9]+/gi, '-').replace(/^-|-$/g, '').toLowerCase()}`;
  const start = now();
  let outcome = 'success';
  let failed = false;
  try {
    await runner(github, c, branch, mode === 'limits' ? clock : undefined);
    const missing = missingOnGitHub(github, { base: 'main', branch, directory: c.directory, files: c.files });
    if (missing) outcome = failedMeasurement(missing);
  } catch (error) {
    failed = true;
    outcome = `failed: ${String((error as Error).message).split('\n')[0].slice(0, 120)}`;
  } finally {
    await github.stop();
  }
  const wall = now() - start;
  const requests = github.requests;
  const base = { benchmark: mode === 'latency' ? 'pull request, 50 ms latency' : 'pull request, secondary rate limits', case: c.label, subject };
  const rows: Measurement[] = [{ ...base, metric: 'outcome', value: outcome, unit: '' }];
  if (outcome !== 'success' && !failed) return rows;
  rows.push(
    { ...base, metric: 'calls', value: requests.length, unit: 'requests' },
    { ...base, metric: 'content-generating calls', value: requests.filter(r => r.contentGenerating).length, unit: 'requests' },
  );
  if (mode === 'limits') rows.push({ ...base, metric: '403 answers', value: requests.filter(r => r.status === 403).length, unit: 'requests' });
  if (!failed) {
    rows.push({ ...base, metric: 'sequential round trips', value: sequentialRounds(requests), unit: 'rounds' });
    if (mode === 'latency') rows.push({ ...base, metric: 'wall time', value: round(wall / 1000, 2), unit: 's' });
  }
  if (github.violations.length > 0) rows.push({ ...base, metric: 'API violations', value: github.violations.slice(0, 3).join(' | '), unit: '' });
  return rows;
}

/** The planted no-op subject must come out as a failed measurement, or the check is broken and no figure can be trusted. */
async function checkTheCheck(c: Case): Promise<Measurement[]> {
  const rows = await measure('planted no-op (must be caught)', noop, c, 'latency');
  const outcome = String(rows.find(r => r.metric === 'outcome')?.value);
  if (!outcome.startsWith('failed measurement')) throw new Error(`the outcome check let a subject that published nothing through (${outcome})`);
  return rows;
}

export async function pullRequestBenchmarks(): Promise<Measurement[]> {
  const rows: Measurement[] = [];
  // The fake compiles its OpenAPI validators on first use: warm it up so no subject pays for that.
  await measure('warm-up', ours(false), cases()[0], 'latency');
  rows.push(...(await checkTheCheck(cases()[0])));
  for (const c of cases()) {
    for (const mode of ['latency', 'limits'] as const) {
      rows.push(...(await measure('postgres-gitops (paced by the limits, default)', ours(true), c, mode)));
      rows.push(...(await measure('postgres-gitops (unpaced)', ours(false), c, mode)));
      rows.push(...(await measure("Backstage publish:github:pull-request", backstage, c, mode)));
    }
  }
  return rows;
}

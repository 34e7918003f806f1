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
type Runner = (github: FakeGitHub, c: Case, clock?: Clock) => Promise<void>;

const ours = (pace: boolean): Runner => async (github, c, clock) => {
  const publisher = new GitHubPublisher({ owner: OWNER, repo: REPO, token: TOKEN, baseUrl: github.url, throttle: pace, pacingClock: clock, maxRetries: 3 });
  const session = await publisher.open({ baseBranch: 'main', branch: 'bench/ours', directory: c.directory, requestFile: REQUEST_FILE });
  await session.publish({ files: c.files, title: 'bench', body: 'bench', commitMessage: 'bench', author: { name: 'b', email: 'b@example.test' }, draft: false, reviewers: [], labels: [] });
};

/** Backstage's own publish:github:pull-request, given the same files in its workspace. */
const backstage: Runner = async (github, c) => {
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
      benchActionContext({ repoUrl: `github.com?owner=${OWNER}&repo=${REPO}`, branchName: 'bench/backstage', title: 'bench', description: 'bench', targetPath: c.directory }, workspace),
    );
  } finally {
    rmSync(workspace, { recursive: true, force: true });
  }
};

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
  const start = now();
  let outcome = 'success';
  try {
    await runner(github, c, mode === 'limits' ? clock : undefined);
  } catch (error) {
    outcome = `failed: ${String((error as Error).message).split('\n')[0].slice(0, 120)}`;
  } finally {
    await github.stop();
  }
  const wall = now() - start;
  const requests = github.requests;
  const base = { benchmark: mode === 'latency' ? 'pull request, 50 ms latency' : 'pull request, secondary rate limits', case: c.label, subject };
  const rows: Measurement[] = [
    { ...base, metric: 'calls', value: requests.length, unit: 'requests' },
    { ...base, metric: 'content-generating calls', value: requests.filter(r => r.contentGenerating).length, unit: 'requests' },
    { ...base, metric: 'sequential round trips', value: sequentialRounds(requests), unit: 'rounds' },
    { ...base, metric: 'outcome', value: outcome, unit: '' },
  ];
  if (mode === 'latency') rows.push({ ...base, metric: 'wall time', value: round(wall / 1000, 2), unit: 's' });
  else rows.push({ ...base, metric: '403 answers', value: requests.filter(r => r.status === 403).length, unit: 'requests' });
  if (github.violations.length > 0) rows.push({ ...base, metric: 'API violations', value: github.violations.slice(0, 3).join(' | '), unit: '' });
  return rows;
}

export async function pullRequestBenchmarks(): Promise<Measurement[]> {
  const rows: Measurement[] = [];
  // The fake compiles its OpenAPI validators on first use: warm it up so no subject pays for that.
  await measure('warm-up', ours(false), cases()[0], 'latency');
  for (const c of cases()) {
    for (const mode of ['latency', 'limits'] as const) {
      rows.push(...(await measure('postgres-gitops (paced by the limits, default)', ours(true), c, mode)));
      rows.push(...(await measure('postgres-gitops (unpaced)', ours(false), c, mode)));
      rows.push(...(await measure("Backstage publish:github:pull-request", backstage, c, mode)));
    }
  }
  return rows;
}

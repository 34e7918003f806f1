import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { clusterPostgresDirectory, DEFAULT_PLATFORM, fleetBranch, renderDatabase, type ClusterPlan } from '@postgres-gitops/renderer';
import { planFleet } from '@postgres-gitops/cli/dist/fleet/plan';
import { publishFleet, PUBLISHES_AT_ONCE, type FleetPublishOptions } from '@postgres-gitops/cli/dist/fleet/publish';
import { GitHubPublisher } from '@postgres-gitops/publish';
import { FakeGitHub } from '../support/fake-github/server';
import type { Measurement } from './measure';
import { failedMeasurement, missingOnGitHub, type ExpectedPublish } from './publish-outcome';
import { round } from './render';

const TOKEN = 'ghp_benchmarkFleetToken0123456789abcd';
const CLUSTERS = 100;
const TIME_SCALE = 60;

async function* inOrder<T>(items: T[]): AsyncGenerator<T> {
  yield* items;
}

/**
 * The first pull request of a process is slow (code compiled on first use, the clients' set-up),
 * and on the 60x clock a second of that reads as a minute of waiting: one pull request on a
 * throwaway fake pays it before the clock starts, so the figure is the publishing's own pace.
 */
async function warmUp(root: string, files: Record<string, string>, plan: ClusterPlan, options: FleetPublishOptions): Promise<void> {
  const github = new FakeGitHub({ owner: 'acme', repo: 'state', token: TOKEN, files });
  await github.start();
  try {
    await publishFleet(root, inOrder([plan]), new GitHubPublisher({ owner: 'acme', repo: 'state', token: TOKEN, baseUrl: github.url, throttle: false }), options, () => undefined);
  } finally {
    await github.stop();
  }
}

/**
 * `fleet publish` of 100 pull requests (one database on each of 100 clusters, each moving to its
 * newest minor) against the fake GitHub enforcing the secondary limits on a clock 60x faster
 * than real time; the publisher's budget runs on the same clock.
 */
async function publish100(paced: boolean): Promise<Measurement[]> {
  const root = mkdtempSync(join(tmpdir(), 'bench-fleet-publish-'));
  const files: Record<string, string> = {};
  for (let i = 0; i < CLUSTERS; i++) {
    const rendered = renderDatabase({ apiVersion: 'postgres-gitops.dev/v1alpha1', kind: 'PostgreSQL', metadata: { name: 'orders', namespace: 'team-a' }, spec: { version: '16', minorVersion: '16.1', cluster: `cluster-${String(i).padStart(3, '0')}`, username: 'app' } });
    Object.assign(files, rendered.files);
  }
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), content);
  }
  // Planned first, on the real clock: the fleet plan benchmark measures planning; this one the publishing.
  const plans = await planFleet(root, { platform: DEFAULT_PLATFORM, sets: { minorVersion: 'latest' }, filter: {}, keepFiles: true });
  const options = { base: 'main', allowDestructive: false, skipInvalid: false, reason: 'minorVersion=latest', author: { name: 'b', email: 'b@example.test' }, draft: false, reviewers: [], labels: [] };
  await warmUp(root, files, plans[0], options);
  // The fake writes its seed into its repository before the clock starts.
  let t0 = Date.now();
  const clock = { now: () => t0 + (Date.now() - t0) * TIME_SCALE, sleep: (ms: number) => new Promise<void>(r => setTimeout(r, ms / TIME_SCALE)) };
  const github = new FakeGitHub({ owner: 'acme', repo: 'state', token: TOKEN, files, rateLimits: { clock, timeScale: TIME_SCALE } });
  await github.start();
  t0 = Date.now();
  let pullRequests = 0;
  let outcome = 'success';
  let end: number | undefined;
  try {
    const publisher = new GitHubPublisher({ owner: 'acme', repo: 'state', token: TOKEN, baseUrl: github.url, throttle: paced, pacingClock: clock, maxRetries: 10 });
    await publishFleet(root, inOrder(plans), publisher, options, (_, published) => {
      if (published.outcome === 'published' && published.result.pullRequest) pullRequests++;
    });
    end = Date.now();
    const undone = plans.map(plan => missingOnGitHub(github, expectedOf(plan, files))).filter(Boolean);
    if (undone.length > 0) outcome = failedMeasurement(`${undone.length} of ${plans.length} clusters, first ${undone[0]}`);
  } catch (error) {
    outcome = `failed: ${String((error as Error).message).slice(0, 100)}`;
  } finally {
    await github.stop();
    rmSync(root, { recursive: true, force: true });
  }
  const simulatedMinutes = (((end ?? Date.now()) - t0) * TIME_SCALE) / 60_000;
  const admitted = github.requests.filter(r => r.status !== 403);
  const writes = admitted.filter(r => r.contentGenerating).length;
  const points = admitted.reduce((sum, r) => sum + (r.contentGenerating ? 5 : 1), 0);
  // The fastest any client could go: the first minute's budget is free, the rest at the limit's rate.
  const floor = Math.max((writes - 80) / 80, (points - 900) / 900, 0);
  const base = { benchmark: 'fleet publish, 100 pull requests, secondary limits enforced', case: `${CLUSTERS} clusters`, subject: paced ? 'postgres-gitops (paced, default)' : 'postgres-gitops (unpaced, retries only)' };
  if (outcome.startsWith('failed measurement')) return [{ ...base, metric: 'outcome', value: outcome, unit: '' }];
  return [
    { ...base, metric: 'pull requests', value: pullRequests, unit: '' },
    { ...base, metric: 'pull requests in flight at once', value: PUBLISHES_AT_ONCE, unit: '' },
    { ...base, metric: '403 answers', value: github.requests.filter(r => r.status === 403).length, unit: 'requests' },
    { ...base, metric: 'simulated time', value: round(simulatedMinutes, 2), unit: 'min' },
    { ...base, metric: 'time / fastest the limits allow', value: round(simulatedMinutes / floor, 2), unit: 'x' },
    { ...base, metric: 'outcome', value: outcome, unit: '' },
  ];
}

/** What a cluster's pull request must hold: its postgres directory as on main, with each changed database's directory replaced by its new files. */
function expectedOf(plan: ClusterPlan, base: Record<string, string>): ExpectedPublish {
  const directory = clusterPostgresDirectory(plan.cluster);
  const replaced = plan.changed.map(o => `${o.directory}/`);
  const kept = Object.entries(base).filter(([path]) => path.startsWith(`${directory}/`) && !replaced.some(d => path.startsWith(d)));
  return { base: 'main', branch: fleetBranch(plan.cluster), directory, files: Object.assign(Object.fromEntries(kept), ...plan.changed.map(o => o.rendered)) };
}

export async function fleetPublishBenchmarks(): Promise<Measurement[]> {
  return [...(await publish100(true)), ...(await publish100(false))];
}

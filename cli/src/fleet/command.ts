import type { Publisher } from '@postgres-gitops/publish';
import { formatClusterPlan, formatFleetTotals, RENDERER_VERSION } from '@postgres-gitops/renderer';
import { EXIT, UsageError } from '../exit-codes';
import { localStorePlatform } from '../platform';
import { parseSets } from '../update';
import { countDatabases, planFleet } from './plan';
import { publishFleet, type ClusterPublish, type FleetPublishOptions } from './publish';
import { storeClusters, type FleetFilter } from './scan';

export interface FleetIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  /** A terminal: show progress on stderr. */
  isTTY?: boolean;
}

export interface FleetCommandOptions {
  root: string;
  platformFlag?: string;
  sets: string[];
  filter: FleetFilter;
  threads?: number;
  /** fleet publish only. */
  publish?: { publisher: Publisher } & Omit<FleetPublishOptions, 'reason'>;
}

/** A progress line on a terminal, rewritten in place at most every 200 ms. */
function progressLine(io: FleetIo, total: number, what: string) {
  if (!io.isTTY) return undefined;
  let shown = 0;
  return (done: number) => {
    const now = Date.now();
    if (now - shown < 200 && done < total) return;
    shown = now;
    const width = 30;
    const filled = Math.round((done / Math.max(total, 1)) * width);
    io.stderr(`\r${what} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${done}/${total} databases`);
    if (done >= total) io.stderr('\n');
  };
}

function publishLine(p: ClusterPublish): string {
  switch (p.outcome) {
    case 'published':
      return `${p.cluster}: ${p.result.changed ? (p.result.branchExisted ? 'updated' : 'proposed') : 'unchanged'} ${p.databases} database(s) on branch ${p.result.branch}${p.result.pullRequest ? `: ${p.result.pullRequest.url}` : ''}\n`;
    case 'nothing to change':
      return `${p.cluster}: nothing to change\n`;
    case 'blocked':
      return `${p.cluster}: not published: ${p.reason}\n`;
  }
}

/**
 * `fleet plan`: every stored request re-rendered with today's renderer and the store's settings,
 * per cluster. `fleet publish`: the same, one pull request per cluster. Invalid requests are
 * reported by path and field and the rest carries on; the exit code says so.
 */
export async function fleetCommand(subcommand: string, options: FleetCommandOptions, io: FleetIo): Promise<number> {
  if (subcommand !== 'plan' && subcommand !== 'publish') throw new UsageError(`fleet takes plan or publish (got "${subcommand}")`);
  const platform = await localStorePlatform(options.root, options.platformFlag);
  const sets = parseSets(options.sets);
  const reason = options.sets.length ? options.sets.join(', ') : `re-render with postgres-gitops ${RENDERER_VERSION}`;
  if (subcommand === 'plan') {
    const total = io.isTTY ? await countDatabases(options.root, options.filter) : 0;
    const plans = await planFleet(options.root, { platform, sets, filter: options.filter, threads: options.threads, progress: progressLine(io, total, 'fleet plan') });
    for (const plan of plans) io.stdout(formatClusterPlan(plan));
    io.stdout(formatFleetTotals(plans));
    return plans.some(p => p.invalid.length > 0) ? EXIT.invalidInput : EXIT.ok;
  }

  if (!options.publish) throw new UsageError('fleet publish needs --repo <state-store URL or path>');
  // Planned a cluster at a time: only the changed files of the clusters being published are held.
  const { root, filter, threads } = options;
  async function* clusterPlans() {
    for (const cluster of await storeClusters(root, filter)) {
      const [plan] = await planFleet(root, { platform, sets, filter: { ...filter, cluster }, threads, keepFiles: true });
      if (plan) yield plan;
    }
  }
  let blocked = false;
  await publishFleet(root, clusterPlans(), options.publish.publisher, { ...options.publish, reason }, (plan, published) => {
    blocked ||= published.outcome === 'blocked';
    io.stderr(formatClusterPlan(plan));
    io.stdout(publishLine(published));
  });
  return blocked ? EXIT.invalidInput : EXIT.ok;
}

import { availableParallelism } from 'node:os';
import { type ClusterPlan, FleetTally, type PlatformSettings } from '@postgres-gitops/renderer';
import { reviewFleet } from './pool';
import { databaseDirectories, type FleetFilter } from './scan';

export interface FleetPlanOptions {
  platform: PlatformSettings;
  /** Fields every database changes to (`minorVersion: latest`); empty re-renders with today's renderer only. */
  sets: Record<string, unknown>;
  filter: FleetFilter;
  /** Worker threads; default one per core. One runs on this thread. */
  threads?: number;
  keepFiles?: boolean;
  /** Called as databases are planned, with the count so far. */
  progress?: (planned: number) => void;
}

/** Below this many databases a worker thread's start costs more than it saves. */
const THREADS_FROM = 64;

/** Plans the fleet: every stored request re-rendered and compared with what is committed, per cluster. */
export async function planFleet(root: string, options: FleetPlanOptions): Promise<ClusterPlan[]> {
  const tally = new FleetTally();
  let planned = 0;
  const threads = options.threads ?? ((await countDatabases(root, options.filter, THREADS_FROM)) < THREADS_FROM ? 1 : availableParallelism());
  await reviewFleet(databaseDirectories(root, options.filter), { root, platform: options.platform, sets: options.sets, keepFiles: options.keepFiles ?? false }, threads, outcomes => {
    for (const outcome of outcomes) tally.add(outcome);
    planned += outcomes.length;
    options.progress?.(planned);
  });
  return tally.plans();
}

/** How many databases the store holds (stopping at `upTo` when given). */
export async function countDatabases(root: string, filter: FleetFilter, upTo = Infinity): Promise<number> {
  let count = 0;
  for await (const _ of databaseDirectories(root, filter)) if (++count >= upTo) break;
  return count;
}

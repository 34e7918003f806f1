import { type FleetOutcome, type PlatformSettings, reviewStoredDatabase } from '@postgres-gitops/renderer';
import { readDatabase } from './scan';

export interface BatchJob {
  root: string;
  platform: PlatformSettings;
  sets: Record<string, unknown>;
  /** Keep the rendered files of changed databases (publish); a plan drops them to stay small. */
  keepFiles: boolean;
}

/** Reads and reviews a batch of database directories: what a worker thread (or the main thread) runs. */
export function reviewBatch(job: BatchJob, directories: string[]): FleetOutcome[] {
  const outcomes: FleetOutcome[] = [];
  for (const directory of directories) {
    const outcome = reviewStoredDatabase(directory, readDatabase(job.root, directory), job.platform, job.sets);
    outcomes.push(outcome.status === 'changed' && !job.keepFiles ? { ...outcome, rendered: {} } : outcome);
  }
  return outcomes;
}

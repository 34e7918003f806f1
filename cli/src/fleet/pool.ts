import { existsSync } from 'node:fs';
import { join, sep } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { FleetOutcome } from '@postgres-gitops/renderer';
import { reviewBatch, type BatchJob } from './review-batch';

const BATCH = 16;

/** The compiled worker; from the TypeScript sources (tests), the build's copy of it. */
function workerFile(): string {
  const here = join(__dirname, 'worker.js');
  return existsSync(here) ? here : join(__dirname.replace(`${sep}src${sep}`, `${sep}dist${sep}`), 'worker.js');
}

async function nextBatch(directories: AsyncIterator<string>): Promise<string[]> {
  const batch: string[] = [];
  while (batch.length < BATCH) {
    const next = await directories.next();
    if (next.done) break;
    batch.push(next.value);
  }
  return batch;
}

function runInWorker(worker: Worker, batch: string[]): Promise<FleetOutcome[]> {
  return new Promise((resolve, reject) => {
    const onMessage = (reply: { outcomes?: FleetOutcome[]; error?: string }) => {
      worker.off('error', reject);
      if (reply.error !== undefined) reject(new Error(reply.error));
      else resolve(reply.outcomes!);
    };
    worker.once('message', onMessage);
    worker.once('error', reject);
    worker.postMessage(batch);
  });
}

/**
 * Reviews every directory the iterator yields, in batches over `threads` worker threads (or on
 * this thread for one), handing each batch's outcomes on as it finishes. Directories are pulled
 * as threads free up, so memory holds a few batches, never the store.
 */
export async function reviewFleet(directories: AsyncIterable<string>, job: BatchJob, threads: number, onOutcomes: (outcomes: FleetOutcome[]) => void): Promise<void> {
  const iterator = directories[Symbol.asyncIterator]();
  if (threads <= 1) {
    for (let batch = await nextBatch(iterator); batch.length > 0; batch = await nextBatch(iterator)) onOutcomes(reviewBatch(job, batch));
    return;
  }
  const workers = Array.from({ length: threads }, () => new Worker(workerFile(), { workerData: job }));
  try {
    await Promise.all(workers.map(async worker => {
      for (let batch = await nextBatch(iterator); batch.length > 0; batch = await nextBatch(iterator)) onOutcomes(await runInWorker(worker, batch));
    }));
  } finally {
    await Promise.all(workers.map(w => w.terminate()));
  }
}

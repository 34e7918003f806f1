import { parentPort, workerData } from 'node:worker_threads';
import { reviewBatch, type BatchJob } from './review-batch';

/** A fleet worker thread: reviews the batches of directories it is sent, one at a time. */
const job = workerData as BatchJob;
parentPort!.on('message', (directories: string[]) => {
  try {
    parentPort!.postMessage({ outcomes: reviewBatch(job, directories) });
  } catch (error) {
    parentPort!.postMessage({ error: (error as Error).message });
  }
});

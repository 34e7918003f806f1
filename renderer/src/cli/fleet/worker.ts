import { parentPort, workerData } from 'node:worker_threads';
import { reviewBatch, type BatchJob } from './review-batch';

/** A fleet worker thread: reviews the batches of directories it is sent, one at a time. */
const job = workerData as BatchJob;
parentPort!.on('message', (directories: string[]) => {
  reviewBatch(job, directories).then(
    outcomes => parentPort!.postMessage({ outcomes }),
    (error: Error) => parentPort!.postMessage({ error: error.message }),
  );
});

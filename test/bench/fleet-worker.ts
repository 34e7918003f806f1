import { parentPort, workerData } from 'node:worker_threads';
import { renderDatabase } from '@postgres-gitops/renderer';
import { fleetRequests } from './fleet';

/** Renders a slice of the fleet and reports how many bytes it produced. */
const { count, offset } = workerData as { count: number; offset: number };
let bytes = 0;
for (const request of fleetRequests(count, offset)) {
  for (const content of Object.values(renderDatabase(request).files)) bytes += content.length;
}
parentPort!.postMessage({ bytes });

import { peakRssKb } from './peak-rss';
import { renderDatabase } from '@postgres-gitops/renderer';
import { fleetRequests } from './fleet';

/** Renders a fleet, keeping only the byte count, and reports the process's peak RSS. */
const count = Number(process.argv[2] ?? 10_000);
let bytes = 0;
for (const request of fleetRequests(count)) for (const content of Object.values(renderDatabase(request).files)) bytes += content.length;
process.stdout.write(`${JSON.stringify({ bytes, maxRssKb: peakRssKb() })}\n`);

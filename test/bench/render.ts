import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { parse } from 'yaml';
import { renderDatabase, toYaml, type PlatformSettings } from '@postgres-gitops/renderer';
import { CNPG_PLATFORM, cnpgRequest } from '../support/cnpg-requests';
import { BASIC_REQUEST, PROD_REQUEST } from './fleet';
import { median, now, timeEach, type Measurement } from './measure';

const ITERATIONS = 1500;

/** Parse + plan + render + serialize one database, against `yaml` serialization alone of the same objects. */
function singleDatabase(label: string, request: unknown, platform?: PlatformSettings): Measurement[] {
  const objects = Object.values(renderDatabase(request, platform).files).map(content => parse(content));
  const pipeline = () => renderDatabase(request, platform);
  const floor = () => objects.map(toYaml);
  timeEach(300, pipeline);
  timeEach(300, floor);
  // Interleave to share whatever the machine is doing between both sides.
  const p: number[] = [];
  const f: number[] = [];
  for (let i = 0; i < ITERATIONS; i++) {
    p.push(...timeEach(1, pipeline));
    f.push(...timeEach(1, floor));
  }
  const pm = median(p);
  const fm = median(f);
  return [
    { benchmark: 'render', case: label, subject: 'postgres-gitops pipeline', metric: 'median', value: round(pm, 3), unit: 'ms' },
    { benchmark: 'render', case: label, subject: 'yaml serialization alone (floor)', metric: 'median', value: round(fm, 3), unit: 'ms' },
    { benchmark: 'render', case: label, subject: 'postgres-gitops pipeline', metric: 'ratio to floor', value: round(pm / fm, 2), unit: 'x' },
    { benchmark: 'render', case: label, subject: 'postgres-gitops pipeline', metric: 'files', value: objects.length, unit: 'files' },
  ];
}

function runWorker(count: number, offset: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(join(__dirname, 'fleet-worker.js'), { workerData: { count, offset } });
    worker.once('message', m => resolve(m.bytes));
    worker.once('error', reject);
  });
}

/** A fleet re-render of N databases: one thread, then split over the machine's two cores. */
async function fleet(count: number): Promise<Measurement[]> {
  let start = now();
  await runWorker(count, 0);
  const one = now() - start;
  start = now();
  await Promise.all([runWorker(count / 2, 0), runWorker(count / 2, count / 2)]);
  const two = now() - start;
  return [
    { benchmark: 'fleet', case: `${count} databases`, subject: 'postgres-gitops, 1 thread', metric: 'wall time', value: round(one / 1000, 2), unit: 's' },
    { benchmark: 'fleet', case: `${count} databases`, subject: 'postgres-gitops, 2 threads', metric: 'wall time', value: round(two / 1000, 2), unit: 's' },
    { benchmark: 'fleet', case: `${count} databases`, subject: 'postgres-gitops, 2 threads', metric: 'throughput', value: Math.round(count / (two / 1000)), unit: 'databases/s' },
    { benchmark: 'fleet', case: `${count} databases`, subject: 'postgres-gitops, 2 threads', metric: 'speedup over 1 thread', value: round(one / two, 2), unit: 'x' },
  ];
}

export async function renderBenchmarks(): Promise<Measurement[]> {
  const cnpgProd = cnpgRequest('orders', { profile: 'prod', size: 'large', replicas: 3, pooling: true, walStorageSize: '5Gi' });
  return [
    ...singleDatabase('small, basic (seed example)', BASIC_REQUEST),
    ...singleDatabase('large, prod, all features', PROD_REQUEST),
    ...singleDatabase('cloudnative-pg, large, prod, 3 instances, backups, pooler', cnpgProd, CNPG_PLATFORM),
    ...(await fleet(10_000)),
  ];
}

export function round(value: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}

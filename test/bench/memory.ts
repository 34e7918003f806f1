import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import type { Measurement } from './measure';
import { round } from './render';

/** Peak resident memory, each measured in a fresh process so nothing else counts. */
function peakRssMb(script: string, args: string[] = []): number {
  const out = execFileSync(process.execPath, [join(__dirname, script), ...args], { encoding: 'utf8', maxBuffer: 1 << 26 });
  const line = out.trim().split('\n').pop() ?? '';
  return round(JSON.parse(line).maxRssKb / 1024, 1);
}

export function memoryBenchmarks(): Measurement[] {
  return [
    { benchmark: 'memory', case: 'fleet render, 10000 databases, 1 thread', subject: 'postgres-gitops', metric: 'peak RSS', value: peakRssMb('memory-fleet.js', ['10000']), unit: 'MiB' },
    { benchmark: 'memory', case: 'postgres:create action, one database to a git state store', subject: 'postgres-gitops', metric: 'peak RSS', value: peakRssMb('memory-action.js'), unit: 'MiB' },
  ];
}

import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { renderDatabase, REQUEST_FILE } from '@postgres-gitops/renderer';
import type { Measurement } from './measure';
import { round } from './render';

const SIZES = [100, 1_000, 10_000];
const CLUSTERS = 10;

/** A store of N databases on ten clusters, rendered with older minors pinned (as a store from some releases ago). */
function buildStore(root: string, count: number): void {
  const requests: string[] = [];
  for (let i = 0; i < count; i++) {
    const version = String(14 + (i % 4));
    const request = {
      apiVersion: 'postgres-gitops.dev/v1alpha1',
      kind: 'PostgreSQL',
      metadata: { name: `db-${i}`, namespace: `team-${i % 50}` },
      spec: { size: ['small', 'medium', 'large'][i % 3], profile: ['dev', 'prod'][i % 2], version, minorVersion: `${version}.1`, cluster: `cluster-${i % CLUSTERS}`, username: 'app', monitoring: i % 2 === 0 },
    };
    const rendered = renderDatabase(request);
    for (const [path, content] of Object.entries(rendered.files)) {
      mkdirSync(dirname(join(root, path)), { recursive: true });
      writeFileSync(join(root, path), content);
    }
    requests.push(`${rendered.directory}/${REQUEST_FILE}`);
  }
  writeFileSync(join(root, 'requests.txt'), `${requests.join('\n')}\n`);
}

function child(args: string[]): { ms: number; maxRssKb: number; code?: number } {
  const out = execFileSync(process.execPath, ['--single-threaded-gc', join(__dirname, 'fleet-plan-process.js'), ...args], { encoding: 'utf8', maxBuffer: 1 << 26 });
  return JSON.parse(out.trim().split('\n').pop()!);
}

/** `fleet plan` at 100, 1,000 and 10,000 databases against a single-threaded render of the same requests. */
export function fleetPlanBenchmarks(): Measurement[] {
  const rows: Measurement[] = [];
  for (const count of SIZES) {
    const root = mkdtempSync(join(tmpdir(), `bench-fleet-${count}-`));
    try {
      buildStore(root, count);
      const render = child(['render', root]);
      const noop = child(['plan', root]);
      const bump = child(['plan', root, '--set', 'minorVersion=latest']);
      const base = { benchmark: 'fleet plan', case: `${count} databases` };
      rows.push(
        { ...base, subject: 'single-threaded render of the requests (yardstick)', metric: 'wall time', value: round(render.ms / 1000, 2), unit: 's' },
        { ...base, subject: 'fleet plan, nothing to change', metric: 'wall time', value: round(noop.ms / 1000, 2), unit: 's' },
        { ...base, subject: 'fleet plan, nothing to change', metric: 'time / yardstick', value: round(noop.ms / render.ms, 2), unit: 'x' },
        { ...base, subject: 'fleet plan, nothing to change', metric: 'peak RSS', value: round(noop.maxRssKb / 1024, 1), unit: 'MiB' },
        { ...base, subject: 'fleet plan --set minorVersion=latest (every database changes)', metric: 'wall time', value: round(bump.ms / 1000, 2), unit: 's' },
        { ...base, subject: 'fleet plan --set minorVersion=latest (every database changes)', metric: 'time / yardstick', value: round(bump.ms / render.ms, 2), unit: 'x' },
        { ...base, subject: 'fleet plan --set minorVersion=latest (every database changes)', metric: 'peak RSS', value: round(bump.maxRssKb / 1024, 1), unit: 'MiB' },
      );
      if (noop.code !== 0 || bump.code !== 0) rows.push({ ...base, subject: 'fleet plan', metric: 'outcome', value: `exit ${noop.code}/${bump.code}`, unit: '' });
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  }
  return rows;
}

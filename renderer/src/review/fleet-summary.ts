import { parseDatabaseDirectory } from '../layout/paths';
import type { FleetOutcome } from './fleet-database';

export type ChangedOutcome = Extract<FleetOutcome, { status: 'changed' }>;
export type InvalidOutcome = Extract<FleetOutcome, { status: 'invalid' }>;

/** One cluster's share of a fleet run: what a per-cluster pull request holds and skips. */
export interface ClusterPlan {
  cluster: string;
  databases: number;
  unchanged: number;
  /** Safe to publish. */
  changed: ChangedOutcome[];
  /** Refused by the change rules or destructive: skipped unless allowed. */
  destructive: ChangedOutcome[];
  invalid: InvalidOutcome[];
}

/** Collects outcomes per cluster as they arrive; `plans()` sorts them, so the order of threads never shows. */
export class FleetTally {
  private readonly byCluster = new Map<string, ClusterPlan>();

  add(outcome: FleetOutcome): void {
    const cluster = parseDatabaseDirectory(outcome.directory)?.cluster ?? '(unknown)';
    let plan = this.byCluster.get(cluster);
    if (!plan) this.byCluster.set(cluster, (plan = { cluster, databases: 0, unchanged: 0, changed: [], destructive: [], invalid: [] }));
    plan.databases++;
    if (outcome.status === 'unchanged') plan.unchanged++;
    else if (outcome.status === 'invalid') plan.invalid.push(outcome);
    else (outcome.destructive ? plan.destructive : plan.changed).push(outcome);
  }

  plans(): ClusterPlan[] {
    const byDirectory = (a: FleetOutcome, b: FleetOutcome) => (a.directory < b.directory ? -1 : 1);
    return [...this.byCluster.values()]
      .map(p => ({ ...p, changed: p.changed.sort(byDirectory), destructive: p.destructive.sort(byDirectory), invalid: p.invalid.sort(byDirectory) }))
      .sort((a, b) => (a.cluster < b.cluster ? -1 : 1));
  }
}

/** `namespace/name` of a database directory. */
export function shortName(directory: string): string {
  const id = parseDatabaseDirectory(directory);
  return id ? `${id.namespace}/${id.name}` : directory;
}

/** The kinds of change and how many databases each touches, most common first. */
export function kindsOfChange(outcomes: ChangedOutcome[]): [string, number][] {
  const counts = new Map<string, number>();
  const count = (kind: string) => counts.set(kind, (counts.get(kind) ?? 0) + 1);
  for (const o of outcomes) {
    const kinds = new Set([...o.changes.map(c => c.split(':')[0]), ...o.images.map(i => `image ${i}`)]);
    if (o.restarts.length > 0) kinds.add('pods restart');
    if (kinds.size === 0) kinds.add('manifests only (renderer or platform settings)');
    kinds.forEach(count);
  }
  return [...counts].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
}

export function clusterCounts(plan: ClusterPlan): string {
  const parts = [
    `${plan.changed.length} to change`,
    ...(plan.destructive.length ? [`${plan.destructive.length} destructive (skipped unless allowed)`] : []),
    ...(plan.invalid.length ? [`${plan.invalid.length} invalid`] : []),
    `${plan.unchanged} unchanged`,
  ];
  return `${plan.databases} database(s): ${parts.join(', ')}`;
}

function changeLine(o: ChangedOutcome): string {
  const what = [...o.changes, ...o.images.map(i => `image ${i}`)];
  const files = o.files.added.length + o.files.removed.length + o.files.changed.length;
  return `${shortName(o.directory)}: ${what.length ? what.join('; ') : `${files} file(s) re-rendered`}${o.restarts.length ? ` | restarts: ${o.restarts.join('; ')}` : ''}`;
}

function invalidLines(o: InvalidOutcome): string[] {
  return o.issues.map(i => `${o.file}: ${i.path ? `${i.path}: ` : ''}${i.message}`);
}

/** What `fleet plan` prints for one cluster. */
export function formatClusterPlan(plan: ClusterPlan): string {
  const lines = [`${plan.cluster}: ${clusterCounts(plan)}`];
  const kinds = kindsOfChange([...plan.changed, ...plan.destructive]);
  if (kinds.length) lines.push(`  kinds of change: ${kinds.map(([k, n]) => `${k} (${n})`).join(', ')}`);
  for (const o of plan.changed) lines.push(`  change ${changeLine(o)}`);
  for (const o of plan.destructive) lines.push(`  skip (destructive) ${changeLine(o)}`);
  for (const o of plan.invalid) lines.push(...invalidLines(o).map(l => `  invalid ${l}`));
  return `${lines.join('\n')}\n`;
}

export function formatFleetTotals(plans: ClusterPlan[]): string {
  const sum = (f: (p: ClusterPlan) => number) => plans.reduce((s, p) => s + f(p), 0);
  return `fleet: ${plans.length} cluster(s), ${sum(p => p.databases)} database(s): ${sum(p => p.changed.length)} to change (${sum(p => p.changed.filter(o => o.restarts.length).length)} restart), ${sum(p => p.destructive.length)} destructive, ${sum(p => p.invalid.length)} invalid, ${sum(p => p.unchanged)} unchanged\n`;
}

/** GitHub refuses pull-request bodies over 65,536 characters; long lists end with a count. */
const BODY_LIMIT = 60_000;

function listWithin(lines: string[], budget: number): string[] {
  const kept: string[] = [];
  let used = 0;
  for (const [i, line] of lines.entries()) {
    if (used + line.length + 1 > budget) return [...kept, `- ... and ${lines.length - i} more (see the files of this pull request)`];
    kept.push(line);
    used += line.length + 1;
  }
  return kept;
}

/** The pull request of one cluster: a reviewer decides from counts, kinds, restarts and skips; the diff is in the files. */
export function fleetReviewText(plan: ClusterPlan, published: ChangedOutcome[], reason: string) {
  const restarting = published.filter(o => o.restarts.length > 0);
  const title = `Fleet: ${reason} on ${plan.cluster} (${published.length} database${published.length === 1 ? '' : 's'})`;
  const budget = BODY_LIMIT / 3;
  const body = [
    `## ${title}`,
    '',
    `Re-rendered every database of cluster \`${plan.cluster}\` with postgres-gitops fleet: ${clusterCounts(plan)}. This pull request changes ${published.length}.`,
    '',
    '### Kinds of change',
    ...kindsOfChange(published).map(([kind, n]) => `- ${kind}: ${n}`),
    '',
    `### Databases that restart (${restarting.length})`,
    ...(restarting.length ? listWithin(restarting.map(o => `- ${shortName(o.directory)}: ${o.restarts.join('; ')}`), budget) : ['None.']),
    '',
    `### Changed databases (${published.length})`,
    ...listWithin(published.map(o => `- ${changeLine(o)}`), budget),
    ...(published.length < plan.changed.length + plan.destructive.length
      ? ['', `### Skipped as destructive (${plan.destructive.length}): not in this pull request`, ...listWithin(plan.destructive.map(o => `- ${changeLine(o)}`), budget / 2), '', 'Change these one at a time (postgres-gitops update, or "Change PostgreSQL"), or re-run with --allow-destructive.']
      : []),
    ...(plan.invalid.length ? ['', `### Invalid requests (${plan.invalid.length}): skipped`, ...listWithin(plan.invalid.flatMap(invalidLines).map(l => `- ${l}`), budget / 2)] : []),
  ].join('\n');
  return { title, body: `${body}\n`, commitMessage: title };
}

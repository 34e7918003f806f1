import { renderDatabase } from '@postgres-gitops/renderer';
import { RESTART_SETTINGS } from '../renderer/src/plan/postgres-settings';
import { engineRestarts } from '../renderer/src/review/engines';
import { primaryUpdate } from './support/cnpg-reconcilers';
import { CNPG_PLATFORM, cnpgRequest } from './support/cnpg-requests';

/**
 * M4 of the SRE review: what the PR says about the primary agrees with what CloudNativePG does
 * (the model in support/cnpg-reconcilers.ts primaryUpdate, citing the instance manager), for the
 * day-two changes people make.
 */
const base = { profile: 'prod', size: 'large', replicas: 3, pooling: true };
const render = (spec: Record<string, unknown>) => renderDatabase(cnpgRequest('orders', { ...base, ...spec }), CNPG_PLATFORM);
const clusterOf = (manifests: any[]) => manifests.find(m => m.kind === 'Cluster');

/** What the PR's "What restarts" says of the primary. */
function prSays(lines: string[]): 'none' | 'in-place restart' | 'switchover' {
  const line = lines.find(l => l.startsWith('orders-postgresql:'));
  if (!line) return 'none';
  if (/primary restarts in place/.test(line) && !/switchover to an updated standby/.test(line)) return 'in-place restart';
  if (/switchover to an updated standby/.test(line)) return 'switchover';
  return 'none';
}

const changes: [string, Record<string, unknown>][] = [
  ['scale down 3 -> 2', { replicas: 2 }],
  ['scale up 3 -> 5', { replicas: 5 }],
  ['size down large -> medium', { size: 'medium' }],
  ['size up medium -> large', { size: 'large' }],
  ['a newer minor', { minorVersion: 'latest' }],
];

describe('cloudnative-pg: what the PR says the primary does, against the instance manager', () => {
  it.each(changes)('%s', (_label, change) => {
    const before = change.size === 'large' ? render({ size: 'medium' }) : change.minorVersion ? render({ minorVersion: '17.6', version: '17' }) : render({});
    const after = change.minorVersion ? render({ version: '17', ...change }) : render(change);
    const expected = primaryUpdate(clusterOf(before.manifests), clusterOf(after.manifests), RESTART_SETTINGS);
    expect(prSays(engineRestarts(after.plan, before.manifests, after.manifests))).toBe(expected);
  });

  it('a scale changes nothing PostgreSQL restarts for: max_wal_senders stays', () => {
    const [three, two] = [render({}), render({ replicas: 2 })];
    expect(primaryUpdate(clusterOf(three.manifests), clusterOf(two.manifests), RESTART_SETTINGS)).toBe('none');
    expect(clusterOf(two.manifests).spec.postgresql.parameters.max_wal_senders).toBe('10');
  });

  it('a size-down restarts the primary in place, and the PR says so with the smart shutdown timeout', () => {
    const [large, medium] = [render({}), render({ size: 'medium' })];
    expect(primaryUpdate(clusterOf(large.manifests), clusterOf(medium.manifests), RESTART_SETTINGS)).toBe('in-place restart');
    const [line] = engineRestarts(medium.plan, large.manifests, medium.manifests);
    expect(line).toMatch(/max_connections \d+ -> \d+ goes down/);
    expect(line).toMatch(/the primary restarts in place, no switchover.*up to 180 s/);
  });
});

import { renderPlan, type Manifest } from '@postgres-gitops/renderer';
import { statefulSetPlanFor } from '../renderer/src/__testUtils__/plans';
import { renderedPods, schedule, selectorMatches } from './support/pod-affinity';

/**
 * M1 of the SRE review: the database pods' required anti-affinity must repel only database
 * pods. Every rendered pod of a prod statefulset database (primary, standbys, exporter, a backup
 * job) goes through the scheduler's InterPodAffinity filter (support/pod-affinity.ts) on as many
 * nodes as there are database pods.
 */
describe('required pod anti-affinity of the statefulset engine (kube-scheduler InterPodAffinity model)', () => {
  const plan = statefulSetPlanFor({ size: 'large', replicas: 3, profile: 'prod', backup: true, monitoring: true });
  const manifests = renderPlan(plan);
  const databasePods = 3;

  it('the model follows the scheduler: an existing pod\'s term repels a matching newcomer, and a newcomer\'s term a matching pod', () => {
    const term = { labelSelector: { matchLabels: { app: 'db' } }, topologyKey: 'kubernetes.io/hostname' };
    const db = (name: string) => ({ name, namespace: 'a', labels: { app: 'db' }, antiAffinity: [term] });
    const plain = { name: 'web', namespace: 'a', labels: { app: 'db' }, antiAffinity: [] };
    expect(schedule([db('db-0'), plain], 1).pending).toEqual({ web: "0/1 nodes are available: 1 node(s) didn't satisfy existing pods anti-affinity rules" });
    expect(schedule([plain, db('db-0')], 1).pending).toEqual({ 'db-0': "0/1 nodes are available: 1 node(s) didn't match pod anti-affinity rules" });
    expect(schedule([db('db-0'), { ...plain, namespace: 'b' }], 1).pending).toEqual({});
    expect(selectorMatches({ matchExpressions: [{ key: 'c', operator: 'In', values: ['x'] }] }, { c: 'y' })).toBe(false);
    expect(selectorMatches({ matchExpressions: [{ key: 'c', operator: 'NotIn', values: ['x'] }] }, {})).toBe(true);
  });

  it('renders an exporter and a backup job beside the database pods, with the same name and instance labels', () => {
    const pods = renderedPods(manifests);
    expect(pods.map(p => p.labels['app.kubernetes.io/component']).sort()).toEqual(['backup', 'metrics', 'primary', 'read', 'read']);
    expect(new Set(pods.map(p => `${p.labels['app.kubernetes.io/name']}/${p.labels['app.kubernetes.io/instance']}`)).size).toBe(1);
  });

  it('every pod schedules on as many nodes as there are database pods, and no two database pods share a node', () => {
    const { placed, pending } = schedule(renderedPods(manifests), databasePods);
    expect(pending).toEqual({});
    const database = Object.entries(placed).filter(([name]) => !/exporter|backup/.test(name)).map(([, node]) => node);
    expect(new Set(database).size).toBe(databasePods);
  });

  it('with the selector on name and instance only (the planted violation), the exporter and the backup job stay Pending', () => {
    const widened = manifests.map(m => JSON.parse(JSON.stringify(m), (key, value) => (key === 'labelSelector' ? { matchLabels: value.matchLabels } : value)) as Manifest);
    expect(JSON.stringify(widened.filter(m => m.kind === 'StatefulSet'))).not.toContain('matchExpressions');
    const { pending } = schedule(renderedPods(widened), databasePods);
    expect(Object.keys(pending).sort()).toEqual([`${plan.names.backup}-0`, `${plan.names.exporter}-0`].sort());
    expect(Object.values(pending)[0]).toBe("0/3 nodes are available: 3 node(s) didn't satisfy existing pods anti-affinity rules");
  });
});

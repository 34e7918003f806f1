import { renderDatabase, type Manifest } from '@postgres-gitops/renderer';
import { operatorPods, qosClass } from './support/cnpg-operator';
import { CNPG_PLATFORM, cnpgRequest } from './support/cnpg-requests';

/**
 * What the kubelet and the scheduler make of the pods CloudNativePG and the Barman Cloud plugin run
 * for a prod database with backups and pooling (the model in support/cnpg-operator.ts, citing
 * their sources): every container Guaranteed (M3, M6 of the SRE review), the pooler spread over
 * nodes and covered by a budget (M6).
 */
const prod = () => renderDatabase(cnpgRequest('orders', { profile: 'prod', size: 'medium', replicas: 3, pooling: true }), CNPG_PLATFORM).manifests as any[];
const restore = () =>
  renderDatabase(cnpgRequest('orders-copy', { profile: 'prod', restore: { from: 'orders' } }), CNPG_PLATFORM).manifests as any[];

function qosOf(manifests: Manifest[]): Record<string, string> {
  return Object.fromEntries(operatorPods(manifests).map(p => [p.what, qosClass(p.spec)]));
}

describe('cloudnative-pg prod pods: QoS', () => {
  it('instance pods, the Barman Cloud sidecar included, and pooler pods are Guaranteed', () => {
    const manifests = prod();
    const pods = operatorPods(manifests);
    expect(pods.filter(p => p.what.includes('instance'))).toHaveLength(3);
    expect(pods.find(p => p.what.includes('instance'))!.spec.initContainers.map((c: any) => c.name)).toContain('plugin-barman-cloud');
    expect(Object.values(qosOf(manifests))).toEqual(Array(5).fill('Guaranteed'));
    expect(Object.values(qosOf(restore()))).toEqual(expect.arrayContaining(['Guaranteed']));
    expect(Object.values(qosOf(restore())).every(q => q === 'Guaranteed')).toBe(true);
  });

  it('catches an ObjectStore without sidecar resources, or a Pooler that leaves its init container to the operator', () => {
    const noSidecar = prod().map(m => (m.kind === 'ObjectStore' ? { ...m, spec: { ...m.spec, instanceSidecarConfiguration: undefined } } : m));
    expect(Object.entries(qosOf(noSidecar)).filter(([, q]) => q !== 'Guaranteed').map(([w]) => w)).toEqual([
      'Cluster orders-postgresql instance 1',
      'Cluster orders-postgresql instance 2',
      'Cluster orders-postgresql instance 3',
    ]);
    const bareInit = prod().map(m => (m.kind === 'Pooler' ? { ...m, spec: { ...m.spec, template: { ...m.spec.template, spec: { ...m.spec.template.spec, initContainers: undefined } } } } : m));
    expect(Object.entries(qosOf(bareInit)).filter(([, q]) => q !== 'Guaranteed')).toHaveLength(2);
  });

  it('dev pods request less than their limits (Burstable), sidecar included', () => {
    const dev = renderDatabase(cnpgRequest('orders', { profile: 'dev', backup: true, pooling: true }), CNPG_PLATFORM).manifests as any[];
    expect(new Set(Object.values(qosOf(dev)))).toEqual(new Set(['Burstable']));
  });
});

describe('cloudnative-pg prod pooler: spread and disruption budget', () => {
  it('requires pooler pods on different nodes and keeps one up through a drain', () => {
    const manifests = prod();
    const pooler = manifests.find(m => m.kind === 'Pooler');
    const terms = pooler.spec.template.spec.affinity.podAntiAffinity.requiredDuringSchedulingIgnoredDuringExecution;
    const pods = operatorPods(manifests).filter(p => p.what.startsWith('Pooler'));
    expect(pods).toHaveLength(2);
    // Required anti-affinity holds only when its selector matches the pooler's own pods (as the scheduler matches labels).
    const matches = (selector: Record<string, string>, labels: Record<string, string>) => Object.entries(selector).every(([k, v]) => labels[k] === v);
    expect(terms).toEqual([expect.objectContaining({ topologyKey: 'kubernetes.io/hostname' })]);
    expect(pods.every(p => matches(terms[0].labelSelector.matchLabels, p.labels))).toBe(true);
    const instances = operatorPods(manifests).filter(p => p.what.includes('instance'));
    expect(instances.some(p => matches(terms[0].labelSelector.matchLabels, p.labels))).toBe(false);

    const pdb = manifests.find(m => m.kind === 'PodDisruptionBudget' && m.metadata.name === pooler.metadata.name);
    expect(pdb?.spec.maxUnavailable).toBe(1);
    expect(pods.every(p => matches(pdb.spec.selector.matchLabels, p.labels))).toBe(true);
  });

  it('prefers spreading and makes no budget for a single dev pooler pod', () => {
    const dev = renderDatabase(cnpgRequest('orders', { profile: 'dev', pooling: true, replicas: 1 }), CNPG_PLATFORM).manifests as any[];
    const pooler = dev.find(m => m.kind === 'Pooler');
    expect(pooler.spec.template.spec.affinity.podAntiAffinity.preferredDuringSchedulingIgnoredDuringExecution).toHaveLength(1);
    expect(dev.filter(m => m.kind === 'PodDisruptionBudget')).toEqual([]);
  });
});

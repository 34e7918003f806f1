import { renderPlan, type Manifest } from '@postgres-gitops/renderer';
import { statefulSetPlanFor } from '../renderer/src/__testUtils__/plans';
import { containerOf, envOf } from './support/rendered-pods';
import { ServiceRouting, statefulSetPods } from './support/service-routing';

/**
 * Review 3 B1, for every standby ordinal: while the primary is gone every standby is NotReady
 * (its readiness is "my walreceiver streams"), and the hosts the rendered empty-primary guard asks
 * must still reach each standby's pod; the -replicas Service (the guard before the fix) reaches
 * none. The real script on real PostgreSQL: test/postgres/scripts.test.ts.
 */
describe('the empty-primary guard reaches every standby, ready or not (model: support/service-routing.ts)', () => {
  const plan = statefulSetPlanFor({ size: 'large', profile: 'prod', replicas: 3 });
  const manifests = renderPlan(plan);
  const readPods = (ready: boolean) => statefulSetPods(manifests, pod => ({ ready: ready && pod !== plan.names.statefulSet + '-0', address: `ip-of-${pod}` }));
  const hosts = envOf(containerOf(manifests, 'StatefulSet', plan.names.statefulSet), {}).STANDBY_HOSTS.split(' ');
  const standbys = Array.from({ length: plan.standbys }, (_, i) => `${plan.names.readStatefulSet}-${i}`);

  it('the rendered host (one name for any number of standbys) reaches every standby\'s pod, whether it streams or not', () => {
    expect(plan.standbys).toBe(2);
    expect(hosts).toEqual([`${plan.names.readHeadless}.${plan.namespace}.svc`]);
    for (const ready of [true, false]) {
      const routing = new ServiceRouting(manifests, readPods(ready));
      expect(routing.reachable(hosts[0]).map(pod => pod.name)).toEqual(standbys);
    }
  });

  it('the -replicas Service reaches a standby only while it streams: kube-proxy refuses once none is ready', () => {
    const replicas = `${plan.names.replicasService}.${plan.namespace}.svc`;
    expect(new ServiceRouting(manifests, readPods(true)).route(replicas)).toMatchObject({ to: 'pod' });
    expect(new ServiceRouting(manifests, readPods(false)).route(replicas)).toEqual({ to: 'refused' });
  });

  it('fails without publishNotReadyAddresses on the headless read Service (planted)', () => {
    const planted = manifests.map(m => (m.kind === 'Service' && m.metadata.name === plan.names.readHeadless
      ? ({ ...m, spec: { ...(m as any).spec, publishNotReadyAddresses: false } } as Manifest)
      : m));
    const routing = new ServiceRouting(planted, readPods(false));
    expect(routing.reachable(hosts[0])).toEqual([]);
  });
});

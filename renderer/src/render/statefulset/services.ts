import { meta, selectorLabels } from '../../plan/metadata';
import type { StatefulSetPlan as Plan } from '../../plan/statefulset/plan';
import type { Manifest } from '../manifest';

function service(plan: Plan, name: string, component: 'primary' | 'read', headless: boolean): Manifest {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: meta(plan, name, component),
    spec: {
      type: 'ClusterIP',
      ...(headless ? { clusterIP: 'None', publishNotReadyAddresses: true } : {}),
      selector: selectorLabels(plan, component),
      ports: [{ name: 'postgresql', port: plan.port, targetPort: 'postgresql', protocol: 'TCP' }],
    },
  };
}

/** `{name}-postgresql` reaches the primary only; headless Services give pods stable DNS names. */
export function buildServices(plan: Plan): Manifest[] {
  const { names } = plan;
  const services = [service(plan, names.service, 'primary', false), service(plan, names.headless, 'primary', true)];
  if (plan.standbys > 0) {
    services.push(service(plan, names.replicasService, 'read', false), service(plan, names.readHeadless, 'read', true));
  }
  return services;
}

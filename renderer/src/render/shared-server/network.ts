import type { SharedServerPlan as Plan } from '../../plan/shared-server/plan';
import type { Manifest } from '../manifest';
import { namespacePeer } from '../common/network';
import { inServerNamespace } from './helpers';

/**
 * The server's NetworkPolicy admits its own namespace; this one, in the server's namespace and in
 * the tenant's directory, adds the tenant's namespace (policies add up), so the server's
 * directory is never edited for a tenant.
 */
export function buildServerIngress(plan: Plan): Manifest[] {
  return [
    {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata: inServerNamespace(plan, plan.names.serverIngress, 'network'),
      spec: {
        podSelector: plan.databasePods,
        policyTypes: ['Ingress'],
        ingress: [{ from: [namespacePeer(plan.namespace)], ports: [{ protocol: 'TCP', port: plan.port }] }],
      },
    },
  ];
}

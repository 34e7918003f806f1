import type { PlanBase } from '../../plan/base';
import { NAMESPACE_NAME_LABEL } from '../../plan/labels';
import { meta } from '../../plan/metadata';
import type { Manifest } from '../manifest';

/** One namespace, by its immutable name label, as a NetworkPolicy peer. */
export function namespacePeer(namespace: string) {
  return { namespaceSelector: { matchLabels: { [NAMESPACE_NAME_LABEL]: namespace } } };
}

/**
 * The database admits pods of its own namespace (applications and the engine's own pods) and of
 * the allowed namespaces, on the PostgreSQL port only.
 */
export function buildDatabaseNetworkPolicy(plan: PlanBase): Manifest[] {
  const peers: unknown[] = [{ podSelector: {} }];
  if (plan.spec.allowedNamespaces.length > 0) {
    peers.push({ namespaceSelector: { matchExpressions: [{ key: NAMESPACE_NAME_LABEL, operator: 'In', values: plan.spec.allowedNamespaces }] } });
  }
  return [
    {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata: meta(plan, plan.names.networkPolicy, 'network'),
      spec: {
        podSelector: plan.databasePods,
        policyTypes: ['Ingress'],
        ingress: [{ from: peers, ports: [{ protocol: 'TCP', port: plan.port }] }],
      },
    },
  ];
}

import { meta, type Plan } from '../plan/plan';
import { APP_NAME, LABEL_COMPONENT, LABEL_INSTANCE, LABEL_NAME } from '../plan/labels';
import type { Manifest } from './manifest';
import { METRICS_PORT } from './monitoring';

const NAMESPACE_NAME_LABEL = 'kubernetes.io/metadata.name';

/**
 * The database admits pods of its own namespace (applications, its standbys, the backup job
 * and the exporter) and of the allowed namespaces; the exporter admits only Prometheus.
 */
export function buildNetworkPolicies(plan: Plan): Manifest[] {
  const { names, spec, platform } = plan;
  const peers: unknown[] = [{ podSelector: {} }];
  if (spec.allowedNamespaces.length > 0) {
    peers.push({
      namespaceSelector: {
        matchExpressions: [{ key: NAMESPACE_NAME_LABEL, operator: 'In', values: spec.allowedNamespaces }],
      },
    });
  }
  const policies: Manifest[] = [
    {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata: meta(plan, names.networkPolicy, 'network'),
      spec: {
        podSelector: {
          matchLabels: { [LABEL_NAME]: APP_NAME, [LABEL_INSTANCE]: plan.name },
          matchExpressions: [{ key: LABEL_COMPONENT, operator: 'In', values: ['primary', 'read'] }],
        },
        policyTypes: ['Ingress'],
        ingress: [{ from: peers, ports: [{ protocol: 'TCP', port: plan.port }] }],
      },
    },
  ];
  if (spec.monitoring) {
    policies.push({
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata: meta(plan, names.exporterNetworkPolicy, 'network'),
      spec: {
        podSelector: { matchLabels: { [LABEL_NAME]: APP_NAME, [LABEL_INSTANCE]: plan.name, [LABEL_COMPONENT]: 'metrics' } },
        policyTypes: ['Ingress'],
        ingress: [
          {
            from: [{ namespaceSelector: { matchLabels: { [NAMESPACE_NAME_LABEL]: platform.prometheus.namespace } } }],
            ports: [{ protocol: 'TCP', port: METRICS_PORT }],
          },
        ],
      },
    });
  }
  return policies;
}

import { meta } from '../../plan/metadata';
import { METRICS_PORT } from '../../plan/ports';
import { CNPG_POOLER_LABEL, CNPG_STATUS_PORT, PGBOUNCER_METRICS_PORT, type CloudNativePgPlan as Plan } from '../../plan/cloudnative-pg/plan';
import type { Manifest } from '../manifest';
import { namespacePeer } from '../common/network';
import { NAMESPACE_NAME_LABEL } from '../../plan/labels';

const tcp = (...ports: number[]) => ports.map(port => ({ protocol: 'TCP', port }));

/**
 * Beyond the common policy (apps, the instances among themselves and the pooler, on 5432): the
 * operator reaches the instances' status port and PostgreSQL, Prometheus their metrics; apps
 * reach the pooler, Prometheus its metrics.
 */
export function buildNetworkPolicies(plan: Plan): Manifest[] {
  const { names, platform, spec } = plan;
  const prometheus = namespacePeer(platform.prometheus.namespace);
  const policies: Manifest[] = [
    {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata: meta(plan, names.operatorNetworkPolicy, 'network'),
      spec: {
        podSelector: plan.databasePods,
        policyTypes: ['Ingress'],
        ingress: [
          { from: [namespacePeer(plan.operatorNamespace)], ports: tcp(CNPG_STATUS_PORT, plan.port) },
          ...(spec.monitoring ? [{ from: [prometheus], ports: tcp(METRICS_PORT) }] : []),
        ],
      },
    },
  ];
  if (plan.pooler) {
    const apps: unknown[] = [{ podSelector: {} }];
    if (spec.allowedNamespaces.length > 0) {
      apps.push({ namespaceSelector: { matchExpressions: [{ key: NAMESPACE_NAME_LABEL, operator: 'In', values: spec.allowedNamespaces }] } });
    }
    policies.push({
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata: meta(plan, names.poolerNetworkPolicy, 'network'),
      spec: {
        podSelector: { matchLabels: { [CNPG_POOLER_LABEL]: names.pooler } },
        policyTypes: ['Ingress'],
        ingress: [
          { from: apps, ports: tcp(plan.port) },
          ...(spec.monitoring ? [{ from: [prometheus], ports: tcp(PGBOUNCER_METRICS_PORT) }] : []),
        ],
      },
    });
  }
  return policies;
}

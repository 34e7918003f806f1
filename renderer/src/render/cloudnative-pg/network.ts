import { meta } from '../../plan/metadata';
import { METRICS_PORT } from '../../plan/ports';
import { CNPG_POOLER_LABEL, CNPG_STATUS_PORT, PGBOUNCER_METRICS_PORT, type CloudNativePgPlan as Plan } from '../../plan/cloudnative-pg/plan';
import type { Manifest } from '../manifest';
import { namespacePeer } from '../common/network';
import { NAMESPACE_NAME_LABEL } from '../../plan/labels';

const tcp = (...ports: number[]) => ports.map(port => ({ protocol: 'TCP', port }));

/**
 * Beyond the common policy (apps, the instances among themselves and the pooler, on 5432): the
 * operator reaches the instances' status port and PostgreSQL (docs/src/security.md and
 * docs/src/samples/networkpolicy-example.yaml of CloudNativePG v1.30.0); the instances reach each
 * other's status port, where a primary's liveness probe checks its peers when the API server is
 * out of reach and shuts the primary down when it reaches none (docs/src/instance_manager.md
 * "Primary Isolation", pkg/management/postgres/webserver/probes/pinger.go); Prometheus reaches
 * their metrics. Apps reach the pooler, Prometheus its metrics. test/traffic.test.ts checks every
 * flow the components need, and that nothing else gets in from other namespaces.
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
          { from: [{ podSelector: plan.databasePods }], ports: tcp(CNPG_STATUS_PORT) },
          ...(spec.monitoring ? [{ from: [prometheus], ports: tcp(METRICS_PORT) }] : []),
        ],
      },
    },
  ];
  if (plan.pooler && !plan.retired) {
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

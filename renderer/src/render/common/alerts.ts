import type { PlanBase } from '../../plan/base';
import { labels, meta } from '../../plan/metadata';
import type { Manifest } from '../manifest';

export interface AlertRule {
  alert: string;
  expr: string;
  for: string;
  severity: 'critical' | 'warning';
  summary: string;
}

/** Labels Prometheus selects ServiceMonitors, PodMonitors and rules by. */
export function prometheusLabels(plan: PlanBase) {
  return { ...labels(plan, 'metrics'), ...plan.platform.prometheus.serviceMonitorLabels };
}

/** PrometheusRule `{name}-postgresql`: the engine's alert rules, each summary naming the database. */
export function prometheusRule(plan: PlanBase, rules: AlertRule[]): Manifest {
  return {
    apiVersion: 'monitoring.coreos.com/v1',
    kind: 'PrometheusRule',
    metadata: { ...meta(plan, plan.names.monitor, 'metrics'), labels: prometheusLabels(plan) },
    spec: {
      groups: [
        {
          name: `${plan.namespace}-${plan.names.base}`,
          rules: rules.map(r => ({
            alert: r.alert,
            expr: r.expr,
            for: r.for,
            labels: { severity: r.severity },
            annotations: { summary: `${plan.namespace}/${plan.name}: ${r.summary}` },
          })),
        },
      ],
    },
  };
}

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

/**
 * Alerts of a restore drill run by CronJob `cronJob`, on kube-state-metrics' CronJob metrics
 * (docs/metrics/workload/cronjob-metrics.md, v2.20.0): no success for longer than `staleSeconds`
 * (before the first success, counted from the CronJob's creation), and a failed latest run, at once.
 * kube_job_status_failed is not used: a Job failed by its pod failure policy reports reason=""
 * there (internal/store/job.go knows three reasons only).
 */
export function restoreDrillRules(namespace: string, cronJob: string, staleSeconds: number, where: string): AlertRule[] {
  const selector = `namespace="${namespace}",cronjob="${cronJob}"`;
  const byCronJob = (metric: string) => `max by (namespace, cronjob) (${metric}{${selector}})`;
  const hours = Math.round(staleSeconds / 3600);
  return [
    {
      alert: 'PostgreSQLRestoreDrillStale',
      expr:
        `(time() - ${byCronJob('kube_cronjob_status_last_successful_time')} > ${staleSeconds})` +
        ` or (time() - ${byCronJob('kube_cronjob_created')} > ${staleSeconds} unless on (namespace, cronjob) kube_cronjob_status_last_successful_time{${selector}})`,
      for: '30m',
      severity: 'warning',
      summary: `no backup proven restorable for more than ${hours}h: the restore drill of CronJob ${cronJob} has not succeeded (${where})`,
    },
    {
      alert: 'PostgreSQLRestoreDrillFailed',
      expr:
        `${byCronJob('kube_cronjob_status_last_schedule_time')} > max by (namespace, cronjob) (kube_cronjob_status_last_successful_time{${selector}} or kube_cronjob_created{${selector}})` +
        ` and on (namespace, cronjob) ${byCronJob('kube_cronjob_status_active')} == 0`,
      for: '0m',
      severity: 'critical',
      summary: `the latest restore drill failed: a backup may not restore (CronJob ${cronJob}: ${where})`,
    },
  ];
}

/**
 * A grants Job (render/common/access-job.ts) that failed for good: kube-state-metrics v2
 * `kube_job_failed{condition="true"}` is 1 once the Job controller marks the Job Failed (its
 * deadline or backoffLimit spent, or a tenant's exit 3). The Job's name carries the digest of its
 * inputs; a new run is any change of them, or deleting the failed Job: Flux applies it again at
 * its Kustomization's next retry (retryInterval, a minute), Argo CD at the Application's next
 * sync, which a person starts when the failed one was automated (argo-cd v3.5.1
 * controller/appcontroller.go autoSync: "failed previous sync attempt ... will not retry"). A
 * tenant's access roles are created only after it succeeds (layout/access-gate.ts). On a server
 * for tenants the rule covers every tenant's grants Job too: those run in the server's namespace
 * (render/shared-server/access.ts), so the namespace the summary names is where they are.
 */
export function accessGrantsRules(namespace: string, jobPattern: string): AlertRule[] {
  return [
    {
      alert: 'PostgreSQLAccessGrantsFailed',
      expr: `max by (namespace, job_name) (kube_job_failed{namespace="${namespace}",job_name=~"${jobPattern}",condition="true"}) == 1`,
      for: '0m',
      severity: 'warning',
      summary:
        `a grants Job failed for good: its access roles lack their privileges, or (a tenant's, exit 3) other databases of the server still let every role connect and the tenant's access roles were not created. ` +
        `kubectl -n ${namespace} logs job/<job>; fix what it names (re-render the tenants it lists), then kubectl -n ${namespace} delete job <job>: ` +
        `Flux creates it again within a minute, Argo CD at the next sync (argocd app sync <application>: automated sync does not retry a revision whose sync failed)`,
    },
  ];
}

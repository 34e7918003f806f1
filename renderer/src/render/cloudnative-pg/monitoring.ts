import { meta } from '../../plan/metadata';
import { CNPG_CLUSTER_LABEL, CNPG_POD_ROLE_LABEL, CNPG_POOLER_LABEL, type CloudNativePgPlan as Plan } from '../../plan/cloudnative-pg/plan';
import type { Manifest } from '../manifest';
import { accessGrantsRules, prometheusLabels, prometheusRule, restoreDrillRules, type AlertRule } from '../common/alerts';

/** The same alerts as the statefulset engine, on CloudNativePG's and the Barman Cloud plugin's metrics. */
function alertRules(plan: Plan): AlertRule[] {
  const { namespace, names } = plan;
  const pods = `namespace="${namespace}",pod=~"${names.cluster}-[0-9]+"`;
  const claims = `namespace="${namespace}",persistentvolumeclaim=~"${names.cluster}-[0-9]+(-wal)?"`;
  const rules: AlertRule[] = [
    {
      alert: 'PostgreSQLDown',
      expr: `max(cnpg_collector_up{${pods}}) < 1 or absent(cnpg_collector_up{${pods}} == 1)`,
      for: '5m',
      severity: 'critical',
      summary: 'no instance of the Cluster is up, or none can be scraped',
    },
    // cnpg_collector_up is 1 on standbys too (pkg/management/postgres/webserver/metricserver/pg_collector.go),
    // so PostgreSQLDown says nothing of the primary. pg_replication.in_recovery, one of CloudNativePG's
    // default monitoring queries (config/manager/default-monitoring.yaml, v1.30.0), is 0 on the primary
    // only: none for two minutes is a failover that has not happened (operator down, a stuck switchover);
    // two is a split brain. A switchover demotes before it promotes, in seconds.
    {
      alert: 'PostgreSQLNoPrimary',
      expr: `absent(cnpg_pg_replication_in_recovery{${pods}} == 0)`,
      for: '2m',
      severity: 'critical',
      summary: 'no instance of the Cluster accepts writes (none is out of recovery): check the operator and kubectl cnpg status',
    },
    {
      alert: 'PostgreSQLMoreThanOnePrimary',
      expr: `count(cnpg_pg_replication_in_recovery{${pods}} == 0) > 1`,
      for: '1m',
      severity: 'critical',
      summary: 'more than one instance of the Cluster accepts writes (split brain): check kubectl cnpg status before anything writes more',
    },
    {
      alert: 'PostgreSQLDiskNearlyFull',
      expr: `kubelet_volume_stats_available_bytes{${claims}} / kubelet_volume_stats_capacity_bytes{${claims}} < 0.1`,
      for: '10m',
      severity: 'warning',
      summary: 'a data or WAL volume has less than 10% free; raise spec.storageSize or spec.walStorageSize',
    },
  ];
  if (plan.standbys > 0) {
    rules.push(
      {
        alert: 'PostgreSQLReplicationLag',
        // The primary's view (pg_stat_replication.replay_lag, config/manager/default-monitoring.yaml of
        // CloudNativePG v1.30.0): how long the standby takes to replay what the primary wrote. The
        // standby's own cnpg_pg_replication_lag is now() - pg_last_xact_replay_timestamp(), which grows
        // during any long transaction or quiet spell while the standby is in fact current.
        expr: `max(cnpg_pg_stat_replication_replay_lag_seconds{${pods}}) > 60`,
        for: '5m',
        severity: 'warning',
        summary: 'a standby is more than 60s behind the primary',
      },
      {
        alert: 'PostgreSQLStandbyNotStreaming',
        expr: `max(cnpg_pg_replication_streaming_replicas{${pods}}) < ${plan.standbys}`,
        for: '10m',
        severity: 'warning',
        summary: `fewer than ${plan.standbys} standby(s) streaming from the primary: failover has fewer candidates`,
      },
    );
  }
  if (plan.backup) {
    // The plugin reports 0 until the first backup is listed (plugin-barman-cloud v0.14.0,
    // internal/cnpgi/instance/metrics.go): a Cluster is stale only once it has existed for as long
    // without one. Its age is that of its oldest instance volume (kube-state-metrics v2.20.0
    // internal/store/persistentvolumeclaim.go kube_persistentvolumeclaim_created), which, unlike the
    // instances' start time, does not reset when they restart.
    const lastBackup = `max(barman_cloud_cloudnative_pg_io_last_available_backup_timestamp{${pods}})`;
    const dataClaims = `namespace="${namespace}",persistentvolumeclaim=~"${names.cluster}-[0-9]+"`;
    rules.push(
      {
        alert: 'PostgreSQLBackupStale',
        expr: `(time() - ${lastBackup} > 26 * 3600 and ${lastBackup} > 0) or (${lastBackup} == 0 and on() time() - min(kube_persistentvolumeclaim_created{${dataClaims}}) > 26 * 3600)`,
        for: '30m',
        severity: 'warning',
        summary: 'no base backup for more than 26 hours',
      },
      {
        alert: 'PostgreSQLWalArchivingFailing',
        expr: `max(cnpg_pg_stat_archiver_last_failed_time{${pods}}) > max(cnpg_pg_stat_archiver_last_archived_time{${pods}})`,
        for: '10m',
        severity: 'critical',
        summary: 'WAL archiving fails: point-in-time recovery falls behind and WAL piles up on the volume',
      },
    );
  }
  if (plan.access.roles.length > 0 || plan.spec.tenants) {
    // A server's rule also covers its tenants' grants Jobs, which run in its namespace.
    rules.push(...accessGrantsRules(namespace, plan.spec.tenants ? '.+-access-[0-9a-f]{8}' : `${plan.name}-access-[0-9a-f]{8}`));
  }
  if (plan.drill) {
    const { drill } = plan;
    rules.push(
      ...restoreDrillRules(namespace, names.drillCronJob, drill.periodSeconds + drill.timeoutSeconds + 3600, `kubectl -n ${namespace} logs job/<latest ${names.drillCronJob} job>; the verdict is the pod's termination message`),
      {
        alert: 'PostgreSQLRestoreDrillLeftover',
        expr: `time() - max by (namespace, pod) (kube_pod_created{namespace="${namespace}",pod="${names.drillPod}"}) > ${drill.timeoutSeconds + 3600}`,
        for: '10m',
        severity: 'warning',
        summary: `the restore drill's Cluster ${names.drillCluster} (a full copy of the data) outlived its timeout: kubectl -n ${namespace} delete cluster ${names.drillCluster}`,
      },
    );
  }
  return rules;
}

function podMonitor(plan: Plan, name: string, selector: Record<string, string>): Manifest {
  return {
    apiVersion: 'monitoring.coreos.com/v1',
    kind: 'PodMonitor',
    metadata: { ...meta(plan, name, 'metrics'), labels: prometheusLabels(plan) },
    spec: {
      selector: { matchLabels: selector },
      // Both the instances and PgBouncer name their metrics port "metrics" (pkg/specs/pods.go, pkg/specs/pgbouncer/deployments.go).
      podMetricsEndpoints: [{ port: 'metrics', interval: '30s', scrapeTimeout: '10s' }],
    },
  };
}

/**
 * PodMonitors on the Cluster's instances and on the pooler's pods (the labels the operator's own
 * would select, pkg/specs/podmonitor.go and pkg/specs/pgbouncer/podmonitor.go, not the deprecated
 * enablePodMonitor), and the alert rules.
 */
export function buildMonitoring(plan: Plan): Manifest[] {
  if (!plan.spec.monitoring) return [];
  const { names } = plan;
  return [
    podMonitor(plan, names.podMonitor, { [CNPG_CLUSTER_LABEL]: names.cluster, [CNPG_POD_ROLE_LABEL]: 'instance' }),
    ...(plan.pooler ? [podMonitor(plan, names.pooler, { [CNPG_POOLER_LABEL]: names.pooler, [CNPG_POD_ROLE_LABEL]: 'pooler' })] : []),
    prometheusRule(plan, alertRules(plan)),
  ];
}

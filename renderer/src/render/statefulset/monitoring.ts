import { meta, selectorLabels, unversionedLabels } from '../../plan/metadata';
import { METRICS_PORT } from '../../plan/ports';
import { INTERNAL_KEYS } from '../../plan/secret-keys';
import type { StatefulSetPlan as Plan } from '../../plan/statefulset/plan';
import type { Manifest } from '../manifest';
import { prometheusLabels, prometheusRule, restoreDrillRules, type AlertRule } from '../common/alerts';
import { cronMaxGapSeconds } from '../../request/cron';
import { namespacePeer } from '../common/network';
import { NOBODY_UID, podBase, restrictedContainerSecurity } from '../common/pod-security';
import { rootCertMount } from '../common/root-cert';

/**
 * Extra exporter query: per-standby replay lag as the primary sees it, so one exporter on the
 * primary can alert on lag and on a standby that stopped streaming.
 */
export const EXPORTER_QUERIES = `pg_standby:
  query: "SELECT application_name, COALESCE(EXTRACT(EPOCH FROM replay_lag), 0) AS replay_lag_seconds FROM pg_stat_replication WHERE state = 'streaming'"
  metrics:
    - application_name:
        usage: "LABEL"
        description: "Standby application name"
    - replay_lag_seconds:
        usage: "GAUGE"
        description: "Seconds the standby's replay is behind the primary"
`;

/**
 * The exporter connects through lib/pq (postgres_exporter v0.17.1 go.mod: github.com/lib/pq
 * v1.10.9), which knows no "prefer": it refuses the connection ("unsupported sslmode", ssl.go), so
 * pg_up stays 0. Without TLS on the server, prefer means plaintext anyway.
 */
export function exporterSslMode(sslmode: string): string {
  return sslmode === 'prefer' ? 'disable' : sslmode;
}

function exporterDeployment(plan: Plan): Manifest {
  const { names } = plan;
  const ca = rootCertMount(plan);
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: meta(plan, names.exporter, 'metrics'),
    spec: {
      replicas: 1,
      selector: { matchLabels: selectorLabels(plan, 'metrics') },
      template: {
        // No version label: the exporter's image is not PostgreSQL's, so a minor upgrade must not restart it.
        metadata: { labels: unversionedLabels(plan, 'metrics') },
        spec: {
          ...podBase(plan.platform.imagePullSecrets, NOBODY_UID),
          containers: [
            {
              name: 'exporter',
              image: plan.images.exporter,
              imagePullPolicy: 'IfNotPresent',
              args: [`--extend.query-path=/etc/postgres-exporter/queries.yaml`],
              env: [
                { name: 'DATA_SOURCE_URI', value: `${plan.connection.host}:${plan.port}/postgres?sslmode=${exporterSslMode(plan.connection.sslmode)}${plan.connection.rootCert ? `&sslrootcert=${plan.connection.rootCert.path}` : ''}` },
                { name: 'DATA_SOURCE_USER', value: plan.roles.monitoring },
                { name: 'DATA_SOURCE_PASS', valueFrom: { secretKeyRef: { name: names.internalSecret, key: INTERNAL_KEYS.monitoring } } },
              ],
              ports: [{ name: 'metrics', containerPort: METRICS_PORT, protocol: 'TCP' }],
              livenessProbe: { httpGet: { path: '/', port: 'metrics' }, periodSeconds: 20 },
              readinessProbe: { httpGet: { path: '/', port: 'metrics' }, periodSeconds: 10 },
              resources: { requests: { cpu: '10m', memory: '32Mi' }, limits: { cpu: '100m', memory: '128Mi' } },
              securityContext: restrictedContainerSecurity(NOBODY_UID),
              volumeMounts: [{ name: 'queries', mountPath: '/etc/postgres-exporter', readOnly: true }, ...ca.volumeMounts],
            },
          ],
          volumes: [{ name: 'queries', configMap: { name: names.exporter } }, ...ca.volumes],
        },
      },
    },
  };
}

function alertRules(plan: Plan): AlertRule[] {
  const { namespace, names, spec } = plan;
  const sel = `namespace="${namespace}",service="${names.metricsService}"`;
  // Anchored (PromQL regexes are): data-<name>-postgresql-0 and data-<name>-postgresql-read-<n>, never another database's.
  const dataClaims = `namespace="${namespace}",persistentvolumeclaim=~"${names.dataVolumeTemplate}-(${names.statefulSet}|${names.readStatefulSet})-[0-9]+"`;
  const rules: AlertRule[] = [
    {
      alert: 'PostgreSQLDown',
      expr: `pg_up{${sel}} == 0 or absent(up{${sel}} == 1)`,
      for: '5m',
      severity: 'critical',
      summary: 'PostgreSQL is down or cannot be scraped',
    },
    {
      alert: 'PostgreSQLDiskNearlyFull',
      expr: `kubelet_volume_stats_available_bytes{${dataClaims}} / kubelet_volume_stats_capacity_bytes{${dataClaims}} < 0.1`,
      for: '10m',
      severity: 'warning',
      summary: 'data volume less than 10% free; raise spec.storageSize',
    },
  ];
  if (spec.backup) {
    const backupClaim = `namespace="${namespace}",persistentvolumeclaim="${names.backup}"`;
    rules.push({
      alert: 'PostgreSQLBackupVolumeNearlyFull',
      expr: `kubelet_volume_stats_available_bytes{${backupClaim}} / kubelet_volume_stats_capacity_bytes{${backupClaim}} < 0.15`,
      for: '30m',
      severity: 'warning',
      summary: 'backup volume less than 15% free: the next dump may not fit; raise spec.storageSize or expand the backup PVC',
    });
  }
  if (plan.standbys > 0) {
    rules.push(
      {
        alert: 'PostgreSQLReplicationLag',
        expr: `max(pg_standby_replay_lag_seconds{${sel}}) > 60`,
        for: '5m',
        severity: 'warning',
        summary: 'a standby is more than 60s behind the primary',
      },
      {
        alert: 'PostgreSQLStandbyNotStreaming',
        expr: `count(pg_standby_replay_lag_seconds{${sel}}) < ${plan.standbys} or absent(pg_standby_replay_lag_seconds{${sel}})`,
        for: '10m',
        severity: 'warning',
        summary: `fewer than ${plan.standbys} standby(s) streaming from the primary`,
      },
    );
  }
  if (spec.backup && spec.restoreDrill) {
    // The backup's Job succeeds only when its drill passed: the drill's alerts stand for both.
    rules.push(...restoreDrillRules(namespace, names.backup, cronMaxGapSeconds(spec.backupSchedule) + 2 * 3600, `the latest Job of CronJob ${names.backup}: container backup, then drill; the verdict is drill-verdicts/<backup>.json on the backup volume`));
  } else if (spec.backup) {
    // kube-state-metrics (v2.20.0 internal/store/cronjob.go) emits last_successful_time only once a
    // job has succeeded: before that, the CronJob's creation time stands in, so a database whose
    // backups never succeeded alerts 26 hours after it was created.
    const cronJob = `namespace="${namespace}",cronjob="${names.backup}"`;
    rules.push({
      alert: 'PostgreSQLBackupStale',
      expr: `time() - kube_cronjob_status_last_successful_time{${cronJob}} > 26 * 3600 or (time() - kube_cronjob_created{${cronJob}} > 26 * 3600 unless on(namespace, cronjob) kube_cronjob_status_last_successful_time{${cronJob}})`,
      for: '30m',
      severity: 'warning',
      summary: 'no successful backup for more than 26 hours',
    });
  }
  return rules;
}

/** The exporter admits only Prometheus. */
function exporterNetworkPolicy(plan: Plan): Manifest {
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: meta(plan, plan.names.exporterNetworkPolicy, 'network'),
    spec: {
      podSelector: { matchLabels: selectorLabels(plan, 'metrics') },
      policyTypes: ['Ingress'],
      ingress: [{ from: [namespacePeer(plan.platform.prometheus.namespace)], ports: [{ protocol: 'TCP', port: METRICS_PORT }] }],
    },
  };
}

/** postgres-exporter (queries, Deployment, Service, NetworkPolicy), a ServiceMonitor and a PrometheusRule. */
export function buildMonitoring(plan: Plan): Manifest[] {
  if (!plan.spec.monitoring) return [];
  const { names } = plan;
  return [
    { apiVersion: 'v1', kind: 'ConfigMap', metadata: meta(plan, names.exporter, 'metrics'), data: { 'queries.yaml': EXPORTER_QUERIES } },
    exporterDeployment(plan),
    {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: meta(plan, names.metricsService, 'metrics'),
      spec: {
        type: 'ClusterIP',
        selector: selectorLabels(plan, 'metrics'),
        ports: [{ name: 'metrics', port: METRICS_PORT, targetPort: 'metrics', protocol: 'TCP' }],
      },
    },
    {
      apiVersion: 'monitoring.coreos.com/v1',
      kind: 'ServiceMonitor',
      metadata: { ...meta(plan, names.monitor, 'metrics'), labels: prometheusLabels(plan) },
      spec: {
        selector: { matchLabels: selectorLabels(plan, 'metrics') },
        endpoints: [{ port: 'metrics', interval: '30s', scrapeTimeout: '10s' }],
      },
    },
    prometheusRule(plan, alertRules(plan)),
    exporterNetworkPolicy(plan),
  ];
}

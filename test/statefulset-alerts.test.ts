import { ensurePromtool, firingAt, type InputSeries } from './support/promtool';
import { renderPlan } from '@postgres-gitops/renderer';
import { statefulSetPlanFor } from '../renderer/src/__testUtils__/plans';

/**
 * The statefulset engine's alerts on Prometheus' own rule engine (`promtool test rules`, Debian's
 * prometheus package), fed the series kube-state-metrics and the kubelet export. kube-state-metrics
 * v2.20.0 (internal/store/cronjob.go) emits kube_cronjob_created always and
 * kube_cronjob_status_last_successful_time only once a job has succeeded.
 */
// Without a restore drill: with one, the drill's alerts stand for the backup's (test/drill-alerts.test.ts).
const plan = statefulSetPlanFor({ size: 'large', replicas: 2, profile: 'prod', backup: true, restoreDrill: false, monitoring: true });
const rules = (renderPlan(plan).find(m => m.kind === 'PrometheusRule') as any).spec.groups[0].rules;
const ruleOf = (alert: string) => rules.find((r: any) => r.alert === alert);
const CRONJOB = `namespace="team-a",cronjob="${plan.names.backup}"`;
/** The CronJob is created 30 hours after the test clock's epoch (minutes; one sample a minute). */
const CREATED = 30 * 60;
/** The expression the renderer wrote before: no series until a first success, so no alert. */
const OLD_BACKUP_EXPR = `time() - kube_cronjob_status_last_successful_time{${CRONJOB}} > 26 * 3600`;

const firing = (alert: string, expr: string, input: InputSeries[], at: string[]) => firingAt({ ...ruleOf(alert), expr }, input, at);

describe('statefulset alerts on Prometheus\' rule engine', () => {
  beforeAll(() => {
    ensurePromtool();
  });

  const created = { series: `kube_cronjob_created{${CRONJOB}}`, values: `_x${CREATED} ${CREATED * 60}+0x4000` };
  const backup = ruleOf('PostgreSQLBackupStale');

  it('PostgreSQLBackupStale fires 26 hours after the CronJob was created when no backup ever succeeded', () => {
    const failed = { series: `kube_cronjob_status_last_failed_time{${CRONJOB}}`, values: `_x${CREATED + 60} ${(CREATED + 60) * 60}+0x4000` };
    expect(firing(backup.alert, backup.expr, [created, failed], ['40h', '55h', '57h'])).toEqual({ '40h': false, '55h': false, '57h': true });
  });

  it('PostgreSQLBackupStale stays quiet while the last success is fresh, and fires once it is older than 26 hours', () => {
    // One success an hour after creation, none after.
    const success = { series: `kube_cronjob_status_last_successful_time{${CRONJOB}}`, values: `_x${CREATED + 60} ${(CREATED + 60) * 60}+0x4000` };
    expect(firing(backup.alert, backup.expr, [created, success], ['40h', '57h', '58h'])).toEqual({ '40h': false, '57h': false, '58h': true });
  });

  it('the old expression never fires for a database that never had a backup (the planted violation)', () => {
    expect(firing(backup.alert, OLD_BACKUP_EXPR, [created], ['57h', '70h'])).toEqual({ '57h': false, '70h': false });
  });

  it('PostgreSQLDiskNearlyFull watches this database\'s data claims only, not those of a database whose name starts with its own', () => {
    const disk = ruleOf('PostgreSQLDiskNearlyFull');
    const claim = (name: string, free: number) => [
      { series: `kubelet_volume_stats_available_bytes{namespace="team-a",persistentvolumeclaim="${name}"}`, values: `${free}+0x100` },
      { series: `kubelet_volume_stats_capacity_bytes{namespace="team-a",persistentvolumeclaim="${name}"}`, values: '100+0x100' },
    ];
    const other = `${plan.names.dataVolumeTemplate}-${plan.name}-postgresql-x-postgresql-0`;
    expect(other.startsWith(`${plan.names.dataVolumeTemplate}-${plan.names.statefulSet}-`)).toBe(true);
    expect(firing(disk.alert, disk.expr, claim(other, 1), ['30m'])).toEqual({ '30m': false });
    expect(firing(disk.alert, disk.expr, claim(`${plan.names.dataVolumeTemplate}-${plan.names.readStatefulSet}-0`, 1), ['30m'])).toEqual({ '30m': true });
    expect(firing(disk.alert, disk.expr, claim(`${plan.names.dataVolumeTemplate}-${plan.names.statefulSet}-0`, 1), ['30m'])).toEqual({ '30m': true });
    // The expression before (an unanchored prefix) took the other database's claim for its own.
    const oldExpr = disk.expr.replace(/persistentvolumeclaim=~"[^"]*"/g, `persistentvolumeclaim=~"${plan.names.dataVolumeTemplate}-${plan.names.statefulSet}-.*"`);
    expect(firing(disk.alert, oldExpr, claim(other, 1), ['30m'])).toEqual({ '30m': true });
  });
});

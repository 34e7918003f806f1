import { ensurePromtool, firingAt, type InputSeries } from './support/promtool';
import { renderDatabase } from '@postgres-gitops/renderer';
import { CNPG_PLATFORM, cnpgRequest } from './support/cnpg-requests';

/**
 * The restore drill's alerts on Prometheus' own rule engine (`promtool test rules`, Debian's
 * prometheus package), over kube-state-metrics' series as v2.20.0 exports them
 * (docs/metrics/workload/cronjob-metrics.md: kube_cronjob_created, _status_last_schedule_time,
 * _status_last_successful_time, _status_active, labelled namespace and cronjob; pod-metrics.md:
 * kube_pod_created, labelled namespace and pod). The last-success series is absent until a Job
 * of the CronJob succeeded (internal/store/cronjob.go adds it only when the status has it).
 */
const db = renderDatabase(cnpgRequest('orders', { profile: 'prod' }), CNPG_PLATFORM);
const rules = (db.manifests.find(m => m.kind === 'PrometheusRule') as any).spec.groups[0].rules as { alert: string; expr: string; for: string }[];
const rule = (alert: string) => rules.find(r => r.alert === alert)!;
const LABELS = 'namespace="team-a",cronjob="orders-drill"';
/** One sample a minute for three days; `_` is no sample (promtool's expanding notation). */
const series = (metric: string, values: string, labels = LABELS) => ({ series: `${metric}{${labels}}`, values });
const hours = (h: number) => h * 3600;

const firing = (alert: { alert: string; expr: string; for: string }, input: InputSeries[], at: string[]) => firingAt({ alert: alert.alert, expr: alert.expr, for: alert.for }, input, at);

describe('the restore drill\'s alerts on Prometheus\' rule engine', () => {
  beforeAll(() => {
    ensurePromtool();
  });

  // The CronJob exists from the first hour on; a drill may take up to the platform's 2 hours.
  const created = series('kube_cronjob_created', `_x60 ${hours(1)}+0x4400`);
  const stale = rule('PostgreSQLRestoreDrillStale');
  const failed = rule('PostgreSQLRestoreDrillFailed');

  it('renders the stale threshold from the schedule\'s longest gap, the drill\'s timeout and an hour of margin: 27 hours for a daily drill', () => {
    expect(stale.expr).toContain('> 97200');
    expect(failed.for).toBe('0m');
  });

  it('stale: quiet while the last success is fresh, firing once it is older than the threshold (and its 30 minutes)', () => {
    const input = [created, series('kube_cronjob_status_last_successful_time', `_x120 ${hours(2)}+0x4400`)];
    expect(firing(stale, input, ['28h', '29h30m', '30h'])).toEqual({ '28h': false, '29h30m': false, '30h': true });
  });

  it('stale: before any success, counted from the CronJob\'s creation', () => {
    expect(firing(stale, [created], ['20h', '28h', '29h'])).toEqual({ '20h': false, '28h': false, '29h': true });
  });

  it('failed: fires at once after a run that did not succeed, not while one runs, not after a later success', () => {
    // Minutes 60 to 1559: the last run started at 2h; from 26h (minute 1560) the next one, which runs an hour.
    const schedule = series('kube_cronjob_status_last_schedule_time', `_x60 ${hours(2)}+0x1499 ${hours(26)}+0x2000`);
    const success = (later: boolean) => series('kube_cronjob_status_last_successful_time', `_x120 ${hours(2) + 600}+0x1499 ${later ? hours(27) : hours(2) + 600}+0x2000`);
    const active = series('kube_cronjob_status_active', '0+0x1559 1+0x59 0+0x2000');
    expect(firing(failed, [created, schedule, success(false), active], ['25h', '26h30m', '27h30m'])).toEqual({ '25h': false, '26h30m': false, '27h30m': true });
    expect(firing(failed, [created, schedule, success(true), active], ['27h30m'])).toEqual({ '27h30m': false });
  });

  it('failed: a first run that failed, before any success', () => {
    const schedule = series('kube_cronjob_status_last_schedule_time', `_x120 ${hours(2)}+0x4400`);
    const active = series('kube_cronjob_status_active', '0+0x4400');
    expect(firing(failed, [created, schedule, active], ['1h30m', '3h'])).toEqual({ '1h30m': false, '3h': true });
  });

  it('leftover: the drill Cluster\'s pod outlives the timeout by an hour', () => {
    const leftover = rule('PostgreSQLRestoreDrillLeftover');
    const pod = series('kube_pod_created', `_x60 ${hours(1)}+0x4400`, 'namespace="team-a",pod="orders-drill-1"');
    expect(firing(leftover, [pod], ['3h', '4h30m'])).toEqual({ '3h': false, '4h30m': true });
  });

  it('planted: the same alert selecting the job_name label (a Job\'s, not the CronJob\'s) never fires', () => {
    const wrong = { ...stale, expr: stale.expr.replace(/cronjob="orders-drill"/g, 'job_name="orders-drill"') };
    const input = [created, series('kube_cronjob_status_last_successful_time', `_x120 ${hours(2)}+0x4400`)];
    expect(firing(wrong, input, ['30h'])).toEqual({ '30h': false });
  });
});

describe('the grants Job\'s alert on Prometheus\' rule engine (review 2 M3)', () => {
  beforeAll(() => {
    ensurePromtool();
  });
  const withAccess = renderDatabase(cnpgRequest('orders', { profile: 'prod', access: [{ role: 'analytics', privileges: 'read' }] }), CNPG_PLATFORM);
  const grantsRule = ((withAccess.manifests.find(m => m.kind === 'PrometheusRule') as any).spec.groups[0].rules as { alert: string; expr: string; for: string }[]).find(r => r.alert === 'PostgreSQLAccessGrantsFailed')!;
  const job = (withAccess.manifests.find(m => m.kind === 'Job') as any);
  // kube-state-metrics v2.20.0 docs/metrics/workload/job-metrics.md: kube_job_failed, labelled namespace, job_name, condition.
  const failedSeries = (name: string, value: string) => [
    { series: `kube_job_failed{namespace="team-a",job_name="${name}",condition="true"}`, values: value },
    { series: `kube_job_failed{namespace="team-a",job_name="${name}",condition="false"}`, values: value === '0x120' ? '1x120' : '0x120' },
  ];

  it('the Job waits a day of retries, not 30 minutes', () => {
    expect(job.spec.activeDeadlineSeconds).toBe(86400);
    expect(job.spec.backoffLimit).toBe(100);
  });

  it('fires when the database\'s grants Job failed, not while it runs or for another database\'s Job', () => {
    expect(firing(grantsRule, failedSeries(job.metadata.name, '1x120'), ['30m'])).toEqual({ '30m': true });
    expect(firing(grantsRule, failedSeries(job.metadata.name, '0x120'), ['30m'])).toEqual({ '30m': false });
    expect(firing(grantsRule, failedSeries('payments-access-0123abcd', '1x120'), ['30m'])).toEqual({ '30m': false });
  });
});

describe('a shared-server tenant\'s grants Job on its server\'s rule (review 2 M2)', () => {
  beforeAll(() => {
    ensurePromtool();
  });
  const server = renderDatabase({ apiVersion: 'postgres-gitops.dev/v1alpha1', kind: 'PostgreSQL', metadata: { name: 'shared', namespace: 'databases' }, spec: { engine: 'cloudnative-pg', tenants: true, monitoring: true, backup: false } }, CNPG_PLATFORM);
  const serverRule = ((server.manifests.find(m => m.kind === 'PrometheusRule') as any).spec.groups[0].rules as { alert: string; expr: string; for: string }[]).find(r => r.alert === 'PostgreSQLAccessGrantsFailed')!;
  const tenant = renderDatabase({ apiVersion: 'postgres-gitops.dev/v1alpha1', kind: 'PostgreSQL', metadata: { name: 'orders', namespace: 'team-a' }, spec: { server: { name: 'shared', namespace: 'databases' }, access: [{ role: 'analytics', privileges: 'read' }] } }, CNPG_PLATFORM);
  const job = tenant.manifests.find(m => m.kind === 'Job') as any;
  const failed = (namespace: string, name: string) => [
    { series: `kube_job_failed{namespace="${namespace}",job_name="${name}",condition="true"}`, values: '1x120' },
    { series: `kube_job_failed{namespace="${namespace}",job_name="${name}",condition="false"}`, values: '0x120' },
  ];

  it('the tenant\'s Job runs in the server\'s namespace, under the tenant\'s prefix', () => {
    expect(job.metadata).toMatchObject({ namespace: 'databases', name: expect.stringMatching(/^team-a-orders-postgresql-access-[0-9a-f]{8}$/) });
  });

  it('fires on the server\'s rule when the tenant\'s Job failed for good', () => {
    expect(firing(serverRule, failed(job.metadata.namespace, job.metadata.name), ['30m'])).toEqual({ '30m': true });
  });

  it('planted: the same failed Job where it used to run, in the tenant\'s namespace, fires nothing', () => {
    expect(firing(serverRule, failed('team-a', job.metadata.name), ['30m'])).toEqual({ '30m': false });
    expect(firing(serverRule, failed('team-a', `orders-access-${job.metadata.name.slice(-8)}`), ['30m'])).toEqual({ '30m': false });
  });
});

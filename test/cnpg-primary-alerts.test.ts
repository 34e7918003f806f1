import { renderDatabase, type RenderedDatabase } from '@postgres-gitops/renderer';
import { ensurePromtool, firingAt, type InputSeries } from './support/promtool';
import { CNPG_PLATFORM, cnpgRequest } from './support/cnpg-requests';

/**
 * SRE review 3 M4: cnpg_collector_up is 1 on every instance that answers a ping, primary or
 * standby (CloudNativePG v1.30.0 pkg/management/postgres/webserver/metricserver/pg_collector.go),
 * so a Cluster whose standbys answer while no instance accepts writes paged nothing.
 * cnpg_pg_replication_in_recovery (config/manager/default-monitoring.yaml, pg_replication) is 0
 * on the primary only. On Prometheus' own rule engine (`promtool test rules`), one sample a minute.
 */
const NS = 'team-a';
const rulesOf = (db: RenderedDatabase) => (db.manifests.find(m => m.kind === 'PrometheusRule') as any).spec.groups[0].rules as { alert: string; expr: string; for?: string; labels: { severity: string } }[];
const db = renderDatabase(cnpgRequest('orders', { profile: 'prod', replicas: 3, monitoring: true }), CNPG_PLATFORM);
const rules = rulesOf(db);
const NEW = ['PostgreSQLNoPrimary', 'PostgreSQLMoreThanOnePrimary'];
const rule = (alert: string) => rules.find(r => r.alert === alert)!;
/** The rule set before review 3. */
const oldRules = rules.filter(r => !NEW.includes(r.alert));

const series = (name: string, pod: number, values: string): InputSeries => ({ series: `${name}{namespace="${NS}",pod="orders-postgresql-${pod}"}`, values });
/** An instance scraped for `minutes` (then gone: a stale marker), in recovery or not, answering pings throughout. */
const instance = (pod: number, inRecovery: string, streaming: string, gone = false): InputSeries[] => [
  series('cnpg_pg_replication_in_recovery', pod, `${inRecovery}${gone ? ' stale' : ''}`),
  series('cnpg_collector_up', pod, `1+0x${gone ? 10 : 60}${gone ? ' stale' : ''}`),
  series('cnpg_pg_replication_streaming_replicas', pod, `${streaming}${gone ? ' stale' : ''}`),
];
const standby = (pod: number) => instance(pod, '1+0x60', '0+0x60');

const NORMAL = [...instance(1, '0+0x60', '2+0x60'), ...standby(2), ...standby(3)];
/** The primary's node dies at minute 10 and nobody promotes a standby (the operator is down). */
const NO_PRIMARY = [...instance(1, '0+0x10', '2+0x10', true), ...standby(2), ...standby(3)];
/** The same, and the operator promotes instance 2 a minute later: a failover. */
const FAILOVER = [...instance(1, '0+0x10', '2+0x10', true), ...instance(2, '1+0x10 0+0x50', '0+0x10 1+0x50'), ...standby(3)];
/** Instance 2 leaves recovery at minute 10 while instance 1 still writes. */
const SPLIT = [...instance(1, '0+0x60', '1+0x60'), ...instance(2, '1+0x10 0+0x50', '0+0x60'), ...standby(3)];

const firing = (alert: string, input: InputSeries[], at: string[]) => firingAt(rule(alert), input, at);

describe('no primary, or more than one, on Prometheus\' rule engine', () => {
  beforeAll(() => ensurePromtool());

  it('both rules are critical and watch the Cluster\'s instances only', () => {
    for (const alert of NEW) expect(rule(alert)).toMatchObject({ labels: { severity: 'critical' }, expr: expect.stringContaining(`cnpg_pg_replication_in_recovery{namespace="${NS}",pod=~"orders-postgresql-[0-9]+"}`) });
  });

  it('the normal case: quiet', () => {
    expect(firing('PostgreSQLNoPrimary', NORMAL, ['5m', '30m'])).toEqual({ '5m': false, '30m': false });
    expect(firing('PostgreSQLMoreThanOnePrimary', NORMAL, ['5m', '30m'])).toEqual({ '5m': false, '30m': false });
  });

  it('standbys up, no primary: fires within two minutes of the scrape going stale', () => {
    expect(firing('PostgreSQLNoPrimary', NO_PRIMARY, ['11m', '14m', '40m'])).toEqual({ '11m': false, '14m': true, '40m': true });
  });

  it('a failover that promotes within a minute: quiet', () => {
    expect(firing('PostgreSQLNoPrimary', FAILOVER, ['11m', '12m', '14m', '30m'])).toEqual({ '11m': false, '12m': false, '14m': false, '30m': false });
  });

  it('two instances out of recovery: the split-brain rule fires', () => {
    expect(firing('PostgreSQLMoreThanOnePrimary', SPLIT, ['10m', '13m'])).toEqual({ '10m': false, '13m': true });
    expect(firing('PostgreSQLMoreThanOnePrimary', FAILOVER, ['13m', '30m'])).toEqual({ '13m': false, '30m': false });
  });

  it('planted: the rule set before review 3 pages nothing critical while no primary exists', () => {
    const critical = oldRules.filter(r => r.labels.severity === 'critical');
    expect(critical.map(r => r.alert)).toContain('PostgreSQLDown');
    for (const r of critical) expect({ alert: r.alert, ...firingAt(r, NO_PRIMARY, ['14m', '40m']) }).toEqual({ alert: r.alert, '14m': false, '40m': false });
    // Nothing at all within the new rule's two minutes.
    for (const r of oldRules) expect({ alert: r.alert, ...firingAt(r, NO_PRIMARY, ['14m']) }).toEqual({ alert: r.alert, '14m': false });
  });

  it('a shared server has both rules', () => {
    const server = renderDatabase({ apiVersion: 'postgres-gitops.dev/v1alpha1', kind: 'PostgreSQL', metadata: { name: 'shared', namespace: 'databases' }, spec: { engine: 'cloudnative-pg', tenants: true, replicas: 2, monitoring: true, backup: false } });
    expect(rulesOf(server).filter(r => NEW.includes(r.alert)).map(r => [r.alert, r.labels.severity])).toEqual([['PostgreSQLNoPrimary', 'critical'], ['PostgreSQLMoreThanOnePrimary', 'critical']]);
  });
});

import { ensurePromtool, firingAt, type InputSeries } from './support/promtool';
import { renderDatabase } from '@postgres-gitops/renderer';
import { CNPG_PLATFORM, cnpgRequest } from './support/cnpg-requests';

/**
 * The rendered backup-stale alert on Prometheus' own rule engine (`promtool test rules`, Debian's
 * prometheus package). The plugin reports last_available_backup_timestamp 0 until a backup is
 * listed (plugin-barman-cloud v0.14.0, internal/cnpgi/instance/metrics.go); the Cluster here is
 * created 30 hours after the test clock's epoch, as real Clusters are created long after 1970.
 */
const NS = 'team-a';
const POD = 'orders-postgresql-1';
const CREATED = 30 * 60; // minutes after the epoch, one sample a minute

const db = renderDatabase(cnpgRequest('orders', { backup: true, monitoring: true, replicas: 2 }), CNPG_PLATFORM);
const rules = (db.manifests.find(m => m.kind === 'PrometheusRule') as any).spec.groups[0].rules;
const rule = rules.find((r: any) => r.alert === 'PostgreSQLBackupStale');
const lagRule = rules.find((r: any) => r.alert === 'PostgreSQLReplicationLag');
/** The backup-stale expression of the renderer before m4: the Cluster's age from its instances' start time. */
const RESTART_RESET_EXPR = `(time() - max(barman_cloud_cloudnative_pg_io_last_available_backup_timestamp{namespace="${NS}",pod=~"orders-postgresql-[0-9]+"}) > 26 * 3600 and max(barman_cloud_cloudnative_pg_io_last_available_backup_timestamp{namespace="${NS}",pod=~"orders-postgresql-[0-9]+"}) > 0) or (max(barman_cloud_cloudnative_pg_io_last_available_backup_timestamp{namespace="${NS}",pod=~"orders-postgresql-[0-9]+"}) == 0 and time() - min(cnpg_pg_postmaster_start_time{namespace="${NS}",pod=~"orders-postgresql-[0-9]+"}) > 26 * 3600)`;
/** The expression the renderer wrote before: time() minus the timestamp, which is 0 before the first backup. */
const OLD_EXPR = `time() - max(barman_cloud_cloudnative_pg_io_last_available_backup_timestamp{namespace="${NS}",pod=~"orders-postgresql-[0-9]+"}) > 26 * 3600`;

/** A series absent until the Cluster exists, then `then` (promtool's expanding notation) for `minutes`. */
const series = (name: string, then: string, pod = POD) => ({ series: `${name}{namespace="${NS}",pod="${pod}"}`, values: `_x${CREATED} ${then}` });
/** kube-state-metrics' creation time of the first instance's volume, from when the Cluster exists. */
const claimCreated = { series: `kube_persistentvolumeclaim_created{namespace="${NS}",persistentvolumeclaim="${POD}"}`, values: `_x${CREATED} ${CREATED * 60}+0x4000` };

const firing = (expr: string, input: InputSeries[], at: string[], alert = rule) => firingAt({ ...alert, expr }, input, at);

describe('the backup-stale alert on Prometheus\' rule engine', () => {
  beforeAll(() => {
    ensurePromtool();
  });

  // The instances started when the Cluster was created; samples every minute for three days.
  const started = series('cnpg_pg_postmaster_start_time', `${CREATED * 60}+0x4000`);

  it('a new Cluster whose first backup is not listed yet: quiet for 26 hours, then it fires', () => {
    const input = [started, claimCreated, series('barman_cloud_cloudnative_pg_io_last_available_backup_timestamp', '0+0x4000')];
    expect(firing(rule.expr, input, ['31h', '50h', '57h'])).toEqual({ '31h': false, '50h': false, '57h': true });
  });

  it('a Cluster backed up an hour after its creation: quiet while the backup is fresh, firing once it is older than 26 hours', () => {
    const input = [started, claimCreated, series('barman_cloud_cloudnative_pg_io_last_available_backup_timestamp', `0x60 ${(CREATED + 60) * 60}+0x4000`)];
    expect(firing(rule.expr, input, ['31h30m', '50h', '58h'])).toEqual({ '31h30m': false, '50h': false, '58h': true });
  });

  it('a Cluster never backed up whose instances restart every 20 hours still fires (its volumes keep their age)', () => {
    // Instances rolled every 20 hours (a minor upgrade, node maintenance): the start time resets.
    const restarts = series('cnpg_pg_postmaster_start_time', `${CREATED * 60}+0x1199 ${(CREATED + 1200) * 60}+0x1199 ${(CREATED + 2400) * 60}+0x1600`);
    const input = [restarts, claimCreated, series('barman_cloud_cloudnative_pg_io_last_available_backup_timestamp', '0+0x4000')];
    expect(firing(rule.expr, input, ['57h', '60h'])).toEqual({ '57h': true, '60h': true });
    // The planted violation: the age taken from the instances' start time never reaches 26 hours.
    expect(firing(RESTART_RESET_EXPR, input, ['57h', '60h'])).toEqual({ '57h': false, '60h': false });
  });

  it('the old expression fires on the new Cluster as soon as its "for" has passed (the planted violation)', () => {
    const input = [started, series('barman_cloud_cloudnative_pg_io_last_available_backup_timestamp', '0+0x4000')];
    expect(firing(OLD_EXPR, input, ['31h'])).toEqual({ '31h': true });
  });
});

/**
 * m5 of the SRE review: the replication-lag alert reads the primary's pg_stat_replication (replay
 * lag), not the standby's now() - pg_last_xact_replay_timestamp(), which grows through a long
 * transaction or a quiet spell while the standby is current.
 */
describe('the replication-lag alert on Prometheus\' rule engine', () => {
  beforeAll(() => {
    ensurePromtool();
  });
  const OLD_LAG = `max(cnpg_pg_replication_lag{namespace="${NS}",pod=~"orders-postgresql-[0-9]+"}) > 60`;
  // A 20-minute bulk load on the primary: the standby replays as it streams (replay lag under a second),
  // but its last replayed commit is 20 minutes old until the load commits.
  const longTransaction = [
    series('cnpg_pg_stat_replication_replay_lag_seconds', '0.4+0x4000'),
    series('cnpg_pg_replication_lag', '0+60x20 0+0x3980', 'orders-postgresql-2'),
  ];
  const behind = [series('cnpg_pg_stat_replication_replay_lag_seconds', '0.4+0x10 120+0x4000'), series('cnpg_pg_replication_lag', '0+0x10 120+0x4000', 'orders-postgresql-2')];

  it('stays quiet through a long transaction on a current standby, fires for one that is behind', () => {
    expect(firing(lagRule.expr, longTransaction, ['30h15m'], lagRule)).toEqual({ '30h15m': false });
    expect(firing(lagRule.expr, behind, ['31h'], lagRule)).toEqual({ '31h': true });
  });

  it('the standby-side expression pages for the long transaction (the planted violation)', () => {
    expect(firing(OLD_LAG, longTransaction, ['30h15m'], lagRule)).toEqual({ '30h15m': true });
  });
});

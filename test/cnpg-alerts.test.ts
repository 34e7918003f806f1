import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { renderDatabase } from '@postgres-gitops/renderer';
import { aptInstall } from './support/apt';
import { CNPG_PLATFORM, cnpgRequest } from './support/cnpg-requests';

/**
 * The rendered backup-stale alert on Prometheus' own rule engine (`promtool test rules`, Debian's
 * prometheus package). The plugin reports last_available_backup_timestamp 0 until a backup is
 * listed (plugin-barman-cloud v0.14.0, internal/cnpgi/instance/metrics.go); the Cluster here is
 * created 30 hours after the test clock's epoch, as real Clusters are created long after 1970.
 */
const PROMTOOL = '/usr/bin/promtool';
const NS = 'team-a';
const POD = 'orders-postgresql-1';
const CREATED = 30 * 60; // minutes after the epoch, one sample a minute

const db = renderDatabase(cnpgRequest('orders', { backup: true, monitoring: true }), CNPG_PLATFORM);
const rule = (db.manifests.find(m => m.kind === 'PrometheusRule') as any).spec.groups[0].rules.find((r: any) => r.alert === 'PostgreSQLBackupStale');
/** The expression the renderer wrote before: time() minus the timestamp, which is 0 before the first backup. */
const OLD_EXPR = `time() - max(barman_cloud_cloudnative_pg_io_last_available_backup_timestamp{namespace="${NS}",pod=~"orders-postgresql-[0-9]+"}) > 26 * 3600`;

/** A series absent until the Cluster exists, then `then` (promtool's expanding notation) for `minutes`. */
const series = (name: string, then: string) => ({ series: `${name}{namespace="${NS}",pod="${POD}"}`, values: `_x${CREATED} ${then}` });

function firing(expr: string, input: { series: string; values: string }[], at: string[]): Record<string, boolean> {
  const dir = mkdtempSync(join(tmpdir(), 'pgg-promtool-'));
  try {
    writeFileSync(join(dir, 'rules.yaml'), stringify({ groups: [{ name: 'backup', rules: [{ ...rule, expr }] }] }));
    const result: Record<string, boolean> = {};
    for (const time of at) {
      const test = { rule_files: ['rules.yaml'], evaluation_interval: '1m', tests: [{ interval: '1m', input_series: input, alert_rule_test: [{ eval_time: time, alertname: rule.alert, exp_alerts: [] }] }] };
      writeFileSync(join(dir, 'test.yaml'), stringify(test));
      const run = spawnSync(PROMTOOL, ['test', 'rules', 'test.yaml'], { cwd: dir, encoding: 'utf8' });
      if (run.status !== 0 && !/alertname: PostgreSQLBackupStale/.test(run.stdout + run.stderr)) throw new Error(`promtool: ${run.stdout}${run.stderr}`);
      result[time] = run.status !== 0;
    }
    return result;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('the backup-stale alert on Prometheus\' rule engine', () => {
  beforeAll(() => {
    if (!existsSync(PROMTOOL)) aptInstall(['prometheus']);
    execFileSync(PROMTOOL, ['--version'], { stdio: 'ignore' });
  });

  // The instances started when the Cluster was created; samples every minute for three days.
  const started = series('cnpg_pg_postmaster_start_time', `${CREATED * 60}+0x4000`);

  it('a new Cluster whose first backup is not listed yet: quiet for 26 hours, then it fires', () => {
    const input = [started, series('barman_cloud_cloudnative_pg_io_last_available_backup_timestamp', '0+0x4000')];
    expect(firing(rule.expr, input, ['31h', '50h', '57h'])).toEqual({ '31h': false, '50h': false, '57h': true });
  });

  it('a Cluster backed up an hour after its creation: quiet while the backup is fresh, firing once it is older than 26 hours', () => {
    const input = [started, series('barman_cloud_cloudnative_pg_io_last_available_backup_timestamp', `0x60 ${(CREATED + 60) * 60}+0x4000`)];
    expect(firing(rule.expr, input, ['31h30m', '50h', '58h'])).toEqual({ '31h30m': false, '50h': false, '58h': true });
  });

  it('the old expression fires on the new Cluster as soon as its "for" has passed (the planted violation)', () => {
    const input = [started, series('barman_cloud_cloudnative_pg_io_last_available_backup_timestamp', '0+0x4000')];
    expect(firing(OLD_EXPR, input, ['31h'])).toEqual({ '31h': true });
  });
});

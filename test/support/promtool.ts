import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { aptInstall } from './apt';

/** Prometheus' own rule engine, `promtool test rules` (Debian's prometheus package). */
const PROMTOOL = '/usr/bin/promtool';

export function ensurePromtool(): void {
  if (!existsSync(PROMTOOL)) aptInstall(['prometheus']);
  execFileSync(PROMTOOL, ['--version'], { stdio: 'ignore' });
}

export interface InputSeries {
  series: string;
  values: string;
}

/**
 * Whether `rule` fires at each evaluation time, fed `input` one sample a minute: promtool is told
 * to expect no alert, so its failure naming the alert means the alert fired.
 */
export function firingAt(rule: { alert: string; expr: string; for?: string }, input: InputSeries[], at: string[]): Record<string, boolean> {
  const dir = mkdtempSync(join(tmpdir(), 'pgg-promtool-'));
  try {
    writeFileSync(join(dir, 'rules.yaml'), stringify({ groups: [{ name: 'under-test', rules: [rule] }] }));
    const result: Record<string, boolean> = {};
    for (const time of at) {
      const test = { rule_files: ['rules.yaml'], evaluation_interval: '1m', tests: [{ interval: '1m', input_series: input, alert_rule_test: [{ eval_time: time, alertname: rule.alert, exp_alerts: [] }] }] };
      writeFileSync(join(dir, 'test.yaml'), stringify(test));
      const run = spawnSync(PROMTOOL, ['test', 'rules', 'test.yaml'], { cwd: dir, encoding: 'utf8' });
      if (run.status !== 0 && !`${run.stdout}${run.stderr}`.includes(`alertname: ${rule.alert}`)) throw new Error(`promtool: ${run.stdout}${run.stderr}`);
      result[time] = run.status !== 0;
    }
    return result;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

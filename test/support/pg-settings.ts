import { psqlLocal } from './postgres';

export type Setting = string | number | boolean;

/** pg_settings as comparable text: memory in kB, booleans on/off, the rest as PostgreSQL shows it. */
export function normalizeActual(row: { setting: string; unit: string; vartype: string }): string {
  const units: Record<string, number> = { '8kB': 8, kB: 1, MB: 1024 };
  if (row.vartype === 'integer' && row.unit in units) return String(Number(row.setting) * units[row.unit]);
  if (row.vartype === 'bool') return row.setting;
  return row.setting;
}

export function normalizeExpected(value: Setting): string {
  if (typeof value === 'boolean') return value ? 'on' : 'off';
  if (value === 'true' || value === 'false') return value === 'true' ? 'on' : 'off';
  const memory = /^(\d+)(kB|MB)$/.exec(String(value));
  if (memory) return String(Number(memory[1]) * (memory[2] === 'MB' ? 1024 : 1));
  return String(value);
}

export interface SettingRow {
  name: string;
  setting: string;
  unit: string;
  vartype: string;
  source: string;
}

/** The named rows of pg_settings of a running server, through its Unix socket. */
export async function pgSettings(socketDir: string, port: number, names: string[]): Promise<SettingRow[]> {
  const sql = `SELECT json_agg(json_build_object('name', lower(name), 'setting', setting, 'unit', coalesce(unit, ''), 'vartype', vartype, 'source', source)) FROM pg_settings WHERE lower(name) IN (${names.map(n => `'${n}'`).join(',')})`;
  return JSON.parse(await psqlLocal(socketDir, port, sql)) ?? [];
}

/** Expected settings against pg_settings: each takes effect, and from the configuration file. */
export function compareSettings(rows: SettingRow[], expected: Record<string, Setting>) {
  const names = Object.keys(expected);
  return {
    actual: Object.fromEntries(rows.map(r => [r.name, normalizeActual(r)])),
    wanted: Object.fromEntries(names.map(n => [n, normalizeExpected(expected[n])])),
    notFromFile: rows.filter(r => r.source !== 'configuration file').map(r => `${r.name}: ${r.source}`),
  };
}

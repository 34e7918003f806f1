import type { FieldIssue } from './errors';

/**
 * The Kratix marketplace PostgreSQL promise's request shape (`env`, `teamId`, `dbName`,
 * `backupEnabled`), mapped onto this project's fields so those requests keep working unchanged.
 */
export const MARKETPLACE_FIELDS: Record<string, { field: string; map: (value: unknown) => unknown }> = {
  env: { field: 'profile', map: v => v },
  dbName: { field: 'database', map: v => v },
  teamId: { field: 'owner', map: v => (typeof v === 'string' && !v.includes(':') ? `group:default/${v}` : v) },
  backupEnabled: { field: 'backup', map: v => v },
};

export interface MappedSpec {
  spec: unknown;
  /** Our field -> the marketplace field it came from, to name the field the user wrote in errors. */
  renamed: Record<string, string>;
  issues: FieldIssue[];
}

export function fromMarketplaceSpec(spec: unknown): MappedSpec {
  if (spec === null || typeof spec !== 'object' || Array.isArray(spec)) return { spec, renamed: {}, issues: [] };
  const out: Record<string, unknown> = { ...(spec as Record<string, unknown>) };
  const renamed: Record<string, string> = {};
  const issues: FieldIssue[] = [];
  for (const [theirs, { field, map }] of Object.entries(MARKETPLACE_FIELDS)) {
    if (!(theirs in out)) continue;
    const value = map(out[theirs]);
    delete out[theirs];
    if (field in out && JSON.stringify(out[field]) !== JSON.stringify(value)) {
      issues.push({ path: `spec.${theirs}`, message: `conflicts with spec.${field}; set one of them` });
      continue;
    }
    out[field] = value;
    renamed[field] = theirs;
  }
  return { spec: out, renamed, issues };
}

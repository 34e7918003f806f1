import type { FileSet, RenderedDatabase } from '../layout/layout';
import type { RenderedObjects } from '../render-database';
import type { ResolvedSpec } from '../request/types';
import type { SemanticChange } from './engine';
import { engineFieldChange, engineRestarts } from './engines';
import { resourceTotals } from './totals';
import { formatCpu, formatMebibytes } from './quantities';
import { accessChanges } from './access';
import { passwordRegenerations } from './password-regeneration';

export type { SemanticChange } from './engine';

export interface DatabaseDiff {
  changes: SemanticChange[];
  /** Which pods restart, and how. */
  restarts: string[];
  files: { added: string[]; removed: string[]; changed: string[] };
}

const show = (v: unknown) => (Array.isArray(v) ? `[${v.map(i => (i !== null && typeof i === 'object' ? JSON.stringify(i) : String(i))).join(', ')}]` : v === undefined ? '(unset)' : String(v));

/** What changes between the stored database and the new request, in terms reviewers care about. */
export function diffDatabases(before: RenderedDatabase, after: RenderedDatabase): DatabaseDiff {
  return { changes: semanticChanges(before, after), restarts: engineRestarts(after.plan, before.manifests, after.manifests), files: fileChanges(before.files, after.files) };
}

/** Which files are added, removed and changed, by path. */
export function fileChanges(before: FileSet, after: FileSet): DatabaseDiff['files'] {
  return {
    added: Object.keys(after).filter(f => !(f in before)),
    removed: Object.keys(before).filter(f => !(f in after)),
    changed: Object.keys(after).filter(f => f in before && before[f] !== after[f]),
  };
}

/** The changes of fields and of derived resources, from the objects alone (no files needed). */
export function semanticChanges(before: RenderedObjects, after: RenderedObjects): SemanticChange[] {
  const a = before.request.spec;
  const b = after.request.spec;
  const changes: SemanticChange[] = [];
  const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])] as (keyof ResolvedSpec)[];
  for (const key of keys) {
    if (JSON.stringify(a[key]) !== JSON.stringify(b[key])) changes.push(...fieldChange(after, key, a, b));
  }

  const ta = resourceTotals(before.manifests);
  const tb = resourceTotals(after.manifests);
  const derived: [string, string, string][] = [
    ['CPU request (all pods)', formatCpu(ta.cpuRequestMillis), formatCpu(tb.cpuRequestMillis)],
    ['CPU limit (all pods)', formatCpu(ta.cpuLimitMillis), formatCpu(tb.cpuLimitMillis)],
    ['memory request (all pods)', formatMebibytes(ta.memoryRequestMi), formatMebibytes(tb.memoryRequestMi)],
    ['memory limit (all pods)', formatMebibytes(ta.memoryLimitMi), formatMebibytes(tb.memoryLimitMi)],
    ['total storage', formatMebibytes(ta.storageMi), formatMebibytes(tb.storageMi)],
  ];
  for (const [what, from, to] of derived) {
    if (from !== to) changes.push({ text: `${what}: ${from} -> ${to}`, destructive: false });
  }
  changes.push(...passwordRegenerations(before.manifests, after.manifests).map(text => ({ text, destructive: false })));
  return changes;
}

/** Changes every engine reads the same way; the engine's own reading comes first. */
function fieldChange(after: RenderedObjects, key: keyof ResolvedSpec, a: ResolvedSpec, b: ResolvedSpec): SemanticChange[] {
  const text = `${String(key)}: ${show(a[key])} -> ${show(b[key])}`;
  const own = engineFieldChange(after.plan, key, a, b, text);
  if (own) return own;
  switch (key) {
    case 'access':
      return accessChanges(after.plan, a, b);
    case 'minorVersion':
      return [{ text: `${text}: minor upgrade (new image, same data directory; read the release notes for extra steps)`, destructive: false }];
    case 'engine':
      return [{ text: `${text}: a different engine is a new database`, destructive: true, action: 'migrate by creating a new database that imports this one; see the README (day two)' }];
    case 'database':
    case 'username':
      return [{ text: `${text}: the application's connection details change; the old ${key === 'database' ? 'database stays' : 'role stays'} on the server`, destructive: true }];
    case 'backup':
      return b.backup ? [{ text, destructive: false }] : [{ text: `${text}: the backups already taken are retained (not pruned)`, destructive: false }];
    default:
      return [{ text, destructive: false }];
  }
}

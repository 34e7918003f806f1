import type { RenderedDatabase } from '../layout/layout';
import type { ResolvedSpec } from '../request/types';
import { quantityToMi } from '../plan/tuning';
import { resourceTotals } from './totals';
import { formatCpu, formatMebibytes } from './quantities';

export interface SemanticChange {
  /** Human-readable, like "size: small -> medium". */
  text: string;
  /** Data at risk or a change the renderer cannot carry out safely on its own. */
  destructive: boolean;
  /** A manual step the change needs after merge. */
  action?: string;
}

export interface DatabaseDiff {
  changes: SemanticChange[];
  files: { added: string[]; removed: string[]; changed: string[] };
}

const show = (v: unknown) => (Array.isArray(v) ? `[${v.join(', ')}]` : v === undefined ? '(unset)' : String(v));

/** What changes between the stored database and the new request, in terms reviewers care about. */
export function diffDatabases(before: RenderedDatabase, after: RenderedDatabase): DatabaseDiff {
  const a = before.request.spec;
  const b = after.request.spec;
  const changes: SemanticChange[] = [];
  const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])] as (keyof ResolvedSpec)[];
  for (const key of keys) {
    if (JSON.stringify(a[key]) !== JSON.stringify(b[key])) changes.push(...fieldChange(key, a, b));
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

  const added = Object.keys(after.files).filter(f => !(f in before.files));
  const removed = Object.keys(before.files).filter(f => !(f in after.files));
  const changed = Object.keys(after.files).filter(f => f in before.files && before.files[f] !== after.files[f]);
  return { changes, files: { added, removed, changed } };
}

function fieldChange<K extends keyof ResolvedSpec>(key: K, a: ResolvedSpec, b: ResolvedSpec): SemanticChange[] {
  const text = `${String(key)}: ${show(a[key])} -> ${show(b[key])}`;
  switch (key) {
    case 'persistence':
      return b.persistence
        ? [{ text, destructive: false, action: 'the StatefulSet must be re-created to gain a volume claim template' }]
        : [{ text: `${text}: the data volume is no longer used and every restart loses the data`, destructive: true }];
    case 'storageSize': {
      const grow = quantityToMi(b.storageSize) > quantityToMi(a.storageSize);
      return grow
        ? [{ text: `${text}: volume expansion needed`, destructive: false, action: `expand each data PVC to ${b.storageSize} (StorageClass with allowVolumeExpansion), then re-create the StatefulSet with --cascade=orphan so its immutable claim template matches` }]
        : [{ text: `${text}: volumes cannot shrink`, destructive: true }];
    }
    case 'version':
      return [{
        text: `${text}: major upgrade`,
        destructive: true,
        action: 'the data directory of one major version does not start on another: dump and restore (or pg_upgrade) is needed',
      }];
    case 'database':
    case 'username':
      return [{ text: `${text}: the application's connection details change; the old ${key === 'database' ? 'database stays' : 'role stays'} on the server`, destructive: true }];
    case 'replicas':
      return b.replicas < a.replicas
        ? [{ text: `${text}: standby volumes are retained; delete them by hand when no longer needed`, destructive: false }]
        : [{ text, destructive: false }];
    case 'backup':
      return b.backup ? [{ text, destructive: false }] : [{ text: `${text}: the backup volume and its dumps are retained (not pruned)`, destructive: false }];
    default:
      return [{ text, destructive: false }];
  }
}

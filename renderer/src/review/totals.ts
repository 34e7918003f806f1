import type { Manifest } from '../render/manifest';
import { workloadOf } from './engines';
import { cpuMillis, formatCpu, formatMebibytes, mebibytes } from './quantities';

export interface ResourceTotals {
  cpuRequestMillis: number;
  cpuLimitMillis: number;
  memoryRequestMi: number;
  memoryLimitMi: number;
  storageMi: number;
  pods: number;
}

/**
 * What the database asks of the cluster: requests and limits over every long-running pod, and
 * all volumes. Short jobs (the statefulset engine's backup) are left out and named in the summary.
 */
export function resourceTotals(manifests: Manifest[]): ResourceTotals {
  const totals: ResourceTotals = { cpuRequestMillis: 0, cpuLimitMillis: 0, memoryRequestMi: 0, memoryLimitMi: 0, storageMi: 0, pods: 0 };
  for (const m of manifests) {
    const w = workloadOf(m);
    if (!w) continue;
    totals.pods += w.pods;
    for (const c of w.containers) {
      const r = c.resources ?? {};
      totals.cpuRequestMillis += w.pods * cpuMillis(r.requests?.cpu ?? '0');
      totals.cpuLimitMillis += w.pods * cpuMillis(r.limits?.cpu ?? '0');
      totals.memoryRequestMi += w.pods * mebibytes(r.requests?.memory ?? '0Mi');
      totals.memoryLimitMi += w.pods * mebibytes(r.limits?.memory ?? '0Mi');
    }
    for (const size of w.volumes) totals.storageMi += mebibytes(size);
  }
  return totals;
}

export function formatTotals(t: ResourceTotals) {
  return {
    pods: String(t.pods),
    cpu: `${formatCpu(t.cpuRequestMillis)} requested, ${formatCpu(t.cpuLimitMillis)} limit`,
    memory: `${formatMebibytes(t.memoryRequestMi)} requested, ${formatMebibytes(t.memoryLimitMi)} limit`,
    storage: formatMebibytes(t.storageMi),
  };
}

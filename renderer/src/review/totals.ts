import type { Manifest } from '../render/manifest';
import { cpuMillis, formatCpu, formatMebibytes, mebibytes } from './quantities';

export interface ResourceTotals {
  cpuRequestMillis: number;
  cpuLimitMillis: number;
  memoryRequestMi: number;
  memoryLimitMi: number;
  storageMi: number;
  pods: number;
}

type Container = { resources?: { requests?: Record<string, string>; limits?: Record<string, string> } };
type Workload = { replicas: number; containers: Container[]; claims: string[] };

/** Long-running workloads only; the backup job runs briefly and is listed apart in the summary. */
function workloads(manifests: Manifest[]): Workload[] {
  const list: Workload[] = [];
  for (const m of manifests) {
    const spec = m.spec as any;
    if (m.kind === 'StatefulSet' || m.kind === 'Deployment') {
      list.push({
        replicas: spec.replicas ?? 1,
        containers: spec.template.spec.containers,
        claims: (spec.volumeClaimTemplates ?? []).map((c: any) => c.spec.resources.requests.storage),
      });
    }
  }
  return list;
}

/** What the database asks of the cluster: requests and limits over every pod, and all volumes. */
export function resourceTotals(manifests: Manifest[]): ResourceTotals {
  const totals: ResourceTotals = { cpuRequestMillis: 0, cpuLimitMillis: 0, memoryRequestMi: 0, memoryLimitMi: 0, storageMi: 0, pods: 0 };
  for (const w of workloads(manifests)) {
    totals.pods += w.replicas;
    for (const c of w.containers) {
      const r = c.resources ?? {};
      totals.cpuRequestMillis += w.replicas * cpuMillis(r.requests?.cpu ?? '0');
      totals.cpuLimitMillis += w.replicas * cpuMillis(r.limits?.cpu ?? '0');
      totals.memoryRequestMi += w.replicas * mebibytes(r.requests?.memory ?? '0Mi');
      totals.memoryLimitMi += w.replicas * mebibytes(r.limits?.memory ?? '0Mi');
    }
    for (const claim of w.claims) totals.storageMi += w.replicas * mebibytes(claim);
  }
  for (const m of manifests) {
    if (m.kind === 'PersistentVolumeClaim') totals.storageMi += mebibytes((m.spec as any).resources.requests.storage);
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

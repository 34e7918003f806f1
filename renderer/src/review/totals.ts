import { parse } from 'yaml';
import type { Manifest } from '../render/manifest';
import { workloadOf } from './engines';
import { cpuMillis, formatCpu, formatMebibytes, mebibytes } from './quantities';

/** What a job asks of the cluster while it runs: its pod's effective requests and limits (and scratch disk, volumes). */
export interface TransientWorkload {
  what: string;
  when: string;
  cpuMillis: [number, number];
  memoryMi: [number, number];
  /** ephemeral-storage requested (scratch disk on the node). */
  scratchMi?: number;
  /** Volumes it claims while it runs. */
  volumesMi?: number;
}

export interface ResourceTotals {
  cpuRequestMillis: number;
  cpuLimitMillis: number;
  memoryRequestMi: number;
  memoryLimitMi: number;
  storageMi: number;
  pods: number;
  /** Jobs, CronJobs and the restore drill's Cluster: not in the totals above, named beside them. */
  transient: TransientWorkload[];
}

type Resources = { requests?: Record<string, string>; limits?: Record<string, string> };
type Container = { resources?: Resources };

const quantity = (r: Resources | undefined, kind: 'requests' | 'limits', resource: string, parse: (q: string) => number, fallback = '0') => parse(r?.[kind]?.[resource] ?? fallback);

/** A pod's effective requests and limits, as the scheduler counts them: the containers' sum, or the largest init container's when that is more. */
function podResources(spec: { containers?: Container[]; initContainers?: Container[] }) {
  const sum = (kind: 'requests' | 'limits', resource: string, parse: (q: string) => number, fallback?: string) => {
    const containers = (spec.containers ?? []).reduce((total, c) => total + quantity(c.resources, kind, resource, parse, fallback), 0);
    const init = Math.max(0, ...(spec.initContainers ?? []).map(c => quantity(c.resources, kind, resource, parse, fallback)));
    return Math.max(containers, init);
  };
  return {
    cpuMillis: [sum('requests', 'cpu', cpuMillis), sum('limits', 'cpu', cpuMillis)] as [number, number],
    memoryMi: [sum('requests', 'memory', mebibytes, '0Mi'), sum('limits', 'memory', mebibytes, '0Mi')] as [number, number],
    scratchMi: sum('requests', 'ephemeral-storage', mebibytes, '0Mi'),
  };
}

const COMPONENT_WORDS: Record<string, string> = { backup: 'backup', drill: 'restore drill runner', access: 'access grants', import: 'import of the old database' };

/** The database's jobs, from its objects: CronJobs, Jobs, and the Cluster a restore drill creates (the runner's ConfigMap carries it). */
export function transientWorkloads(manifests: Manifest[]): TransientWorkload[] {
  const out: TransientWorkload[] = [];
  for (const m of manifests as any[]) {
    const component = m.metadata.labels?.['app.kubernetes.io/component'] ?? '';
    if (m.kind === 'CronJob') {
      const job = m.spec.jobTemplate.spec;
      const pod = job.template.spec;
      const names = (pod.containers ?? []).map((c: { name: string }) => c.name);
      const what = names.includes('drill') && component === 'backup' ? 'backup and restore drill' : (COMPONENT_WORDS[component] ?? m.metadata.name);
      const deadline = job.activeDeadlineSeconds ? `, up to ${formatDuration(job.activeDeadlineSeconds)}` : '';
      const { scratchMi, ...resources } = podResources(pod);
      out.push({ what, when: `${m.spec.schedule} UTC${deadline}`, ...resources, ...(scratchMi > 0 ? { scratchMi } : {}) });
    } else if (m.kind === 'Job') {
      const { scratchMi, ...resources } = podResources(m.spec.template.spec);
      out.push({ what: COMPONENT_WORDS[component] ?? m.metadata.name, when: 'once, on change', ...resources, ...(scratchMi > 0 ? { scratchMi } : {}) });
    } else if (m.kind === 'ConfigMap' && component === 'drill' && m.data?.['cluster.yaml']) {
      const cluster = parse(m.data['cluster.yaml']);
      const { spec } = cluster;
      const resources = podResources({ containers: [{ resources: spec.resources }] });
      const volumes = [spec.storage?.size, spec.walStorage?.size].filter(Boolean).reduce((t: number, s: string) => t + mebibytes(s), 0);
      out.push({
        what: `restore drill Cluster ${cluster.metadata.name}`,
        when: 'while a drill runs',
        cpuMillis: [resources.cpuMillis[0] * spec.instances, resources.cpuMillis[1] * spec.instances],
        memoryMi: [resources.memoryMi[0] * spec.instances, resources.memoryMi[1] * spec.instances],
        volumesMi: volumes * spec.instances,
      });
    }
  }
  return out;
}

function formatDuration(seconds: number): string {
  return seconds % 3600 === 0 ? `${seconds / 3600}h` : `${Math.round(seconds / 60)}m`;
}

/**
 * What the database asks of the cluster: requests and limits over every long-running pod, and
 * all volumes. Jobs (the backup, a restore drill, access grants) run now and then: they are left
 * out of these sums and listed with their own, so a namespace's budget can hold them too.
 */
export function resourceTotals(manifests: Manifest[]): ResourceTotals {
  const totals: ResourceTotals = { cpuRequestMillis: 0, cpuLimitMillis: 0, memoryRequestMi: 0, memoryLimitMi: 0, storageMi: 0, pods: 0, transient: transientWorkloads(manifests) };
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

/** One job's line: "restore drill runner (0 2 * * * UTC, up to 2h): 30m-300m CPU, 80Mi-192Mi memory". */
export function formatTransient(w: TransientWorkload): string {
  const extra = [
    ...(w.scratchMi ? [`${formatMebibytes(w.scratchMi)} scratch disk`] : []),
    ...(w.volumesMi ? [`${formatMebibytes(w.volumesMi)} of volumes`] : []),
  ];
  return `${w.what} (${w.when}): ${formatCpu(w.cpuMillis[0])}-${formatCpu(w.cpuMillis[1])} CPU, ${formatMebibytes(w.memoryMi[0])}-${formatMebibytes(w.memoryMi[1])} memory${extra.map(e => `, ${e}`).join('')}`;
}

export function formatTotals(t: ResourceTotals) {
  return {
    pods: String(t.pods),
    cpu: `${formatCpu(t.cpuRequestMillis)} requested, ${formatCpu(t.cpuLimitMillis)} limit`,
    memory: `${formatMebibytes(t.memoryRequestMi)} requested, ${formatMebibytes(t.memoryLimitMi)} limit`,
    storage: formatMebibytes(t.storageMi),
    transient: t.transient.length > 0 ? t.transient.map(formatTransient).join('; ') : 'none',
  };
}

/**
 * Models of how Flux and Argo CD order what they apply, for the objects of one database. No Flux,
 * Argo CD or API server runs here; each rule below is read from the tool's source, named beside it.
 * The objects come from real `kubectl kustomize` builds of the rendered files (test/support/kustomize.ts).
 */

/** What a Job's status says at one moment, as the Job controller writes it (Kubernetes 1.31+: FailureTarget/SuccessCriteriaMet first). */
export type JobPhase = 'pending' | 'running' | 'failed' | 'complete';

export function jobStatus(phase: JobPhase): Record<string, unknown> {
  const condition = (type: string) => ({ type, status: 'True' });
  switch (phase) {
    case 'pending':
      return {};
    case 'running':
      return { startTime: '2026-12-05T10:00:00Z', active: 1 };
    case 'failed':
      return { startTime: '2026-12-05T10:00:00Z', failed: 1, conditions: [condition('FailureTarget'), condition('Failed')] };
    case 'complete':
      return { startTime: '2026-12-05T10:00:00Z', succeeded: 1, completionTime: '2026-12-05T10:05:00Z', conditions: [condition('SuccessCriteriaMet'), condition('Complete')] };
  }
}

type Conditions = { type: string; status: string }[];
const conditionsOf = (status: Record<string, unknown>) => (status.conditions ?? []) as Conditions;

/**
 * kstatus of a Job in kustomize-controller's health checks: fluxcd/pkg runtime/statusreaders/job.go
 * (runtime/v0.110.1, the version kustomize-controller v1.9.4 requires; NewCustomJobStatusReader
 * registered in internal/controller/kustomization_controller.go): Current only once Complete,
 * Failed when Failed, InProgress otherwise (not started, or running).
 */
export function fluxJobStatus(status: Record<string, unknown>): 'Current' | 'Failed' | 'InProgress' {
  for (const c of conditionsOf(status)) {
    if (c.type === 'Complete' && c.status === 'True') return 'Current';
    if (c.type === 'Failed' && c.status === 'True') return 'Failed';
  }
  return 'InProgress';
}

/**
 * Argo CD's health of a Job: argo-cd v3.5.1 gitops-engine/pkg/health/health_job.go
 * getBatchv1JobHealth: Progressing until a Complete, Failed or Suspended condition, Degraded when
 * Failed, Healthy when Complete.
 */
export function argoJobHealth(status: Record<string, unknown>): 'Healthy' | 'Degraded' | 'Progressing' | 'Suspended' {
  const types = conditionsOf(status).map(c => c.type);
  if (types.includes('Failed')) return 'Degraded';
  if (types.includes('Complete')) return 'Healthy';
  if (types.includes('JobSuspended')) return 'Suspended';
  return 'Progressing';
}

/** One object as a GitOps tool sees it after the kustomize build: its id and annotations. */
export interface BuiltObject {
  id: string;
  kind: string;
  annotations: Record<string, string>;
}

export interface FluxKustomizationModel {
  name: string;
  dependsOn: string[];
  /** What its build applies (its path's kustomization with spec.patches appended). */
  objects: BuiltObject[];
}

/** When each object was first applied (the tick), by id. */
export type Applied = Map<string, number>;

/**
 * Flux over time, with the grants Job's phase given for each tick (the other objects are taken as
 * healthy: they are not what is under test). At each tick each Kustomization reconciles:
 * kustomize-controller v1.9.4 internal/controller/kustomization_controller.go checkDependencies
 * starts it only when every Kustomization it dependsOn is Ready (and at the same revision, one
 * revision here); it then applies every object of its build (fluxcd/pkg ssa ApplyAll) and, with
 * wait: true, is Ready only when every object is Current (checkHealth, WaitForSetWithContext).
 */
export function fluxTimeline(kustomizations: FluxKustomizationModel[], job: JobPhase[]): Applied {
  const applied: Applied = new Map();
  const ready = new Set<string>();
  job.forEach((_, tick) => {
    // Until nothing changes in this tick: a dependency that became Ready lets its dependents start.
    for (let changed = true; changed;) {
      changed = false;
      for (const k of kustomizations) {
        if (!k.dependsOn.every(d => ready.has(d))) {
          if (ready.delete(k.name)) changed = true;
          continue;
        }
        for (const o of k.objects) if (!applied.has(o.id)) applied.set(o.id, tick);
        const healthy = k.objects.every(o => o.kind !== 'Job' || fluxJobStatus(jobStatus(job[tick])) === 'Current');
        if (healthy !== ready.has(k.name)) {
          if (healthy) ready.add(k.name);
          else ready.delete(k.name);
          changed = true;
        }
      }
    }
  });
  return applied;
}

/** Argo CD's sync wave of an object (argocd.argoproj.io/sync-wave, 0 when absent: gitops-engine/pkg/sync/syncwaves). */
export const waveOf = (o: BuiltObject) => Number(o.annotations['argocd.argoproj.io/sync-wave'] ?? '0');

/**
 * One automated Argo CD sync of an Application over time, the Job's phase given for each tick:
 * argo-cd v3.5.1 gitops-engine/pkg/sync/sync_context.go Sync. It applies the lowest pending wave;
 * with more than one wave (multiStep) a wave's objects stay running until healthy, the next wave
 * waits, and a Degraded one completes unsuccessfully and fails the sync ("one or more
 * synchronization tasks completed unsuccessfully"); objects without a health check succeed at once.
 * Returns what was applied, and whether the sync failed.
 */
export function argoTimeline(objects: BuiltObject[], job: JobPhase[]): { applied: Applied; failed: boolean } {
  const applied: Applied = new Map();
  const waves = [...new Set(objects.map(waveOf))].sort((a, b) => a - b);
  const multiStep = waves.length > 1;
  let w = 0;
  for (let tick = 0; tick < job.length && w < waves.length; tick++) {
    const current = objects.filter(o => waveOf(o) === waves[w]);
    for (const o of current) if (!applied.has(o.id)) applied.set(o.id, tick);
    const health = current.map(o => (o.kind === 'Job' ? argoJobHealth(jobStatus(job[tick])) : 'Healthy'));
    if (!multiStep) return { applied, failed: false };
    if (health.includes('Degraded')) return { applied, failed: true };
    if (health.every(h => h === 'Healthy')) {
      w++;
      // The next wave starts in the same pass once this one is healthy.
      if (w < waves.length) tick--;
    }
  }
  return { applied, failed: false };
}

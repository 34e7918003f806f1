/**
 * A model of how long the kubelet lets a container work before its probes kill it, from the
 * Kubernetes sources and docs (there is no kubelet here):
 *
 * - Init containers run one after another, each to completion, before the app containers start,
 *   and they have no probes: the API server refuses liveness, readiness and startup probes on an
 *   init container that is not a restartable sidecar (kubernetes pkg/apis/core/validation/
 *   validation.go validateInitContainers, "may not be set for init containers without
 *   restartPolicy=Always"; docs concepts/workloads/pods/init-containers.md). Their time is unbounded.
 * - An app container with a startupProbe: liveness and readiness wait until it succeeds, and
 *   after failureThreshold consecutive failures the kubelet kills the container and the pod's
 *   restartPolicy restarts it (pkg/kubelet/prober/worker.go; docs tasks/configure-pod-container/
 *   configure-liveness-readiness-startup-probes.md: "a maximum of failureThreshold * periodSeconds
 *   to finish its startup"), after initialDelaySeconds.
 * - Without a startupProbe, the livenessProbe bounds the startup the same way.
 * Defaults where a field is unset: initialDelaySeconds 0, periodSeconds 10, failureThreshold 3
 * (pkg/apis/core/v1/defaults.go SetDefaults_Probe).
 */
export interface Probe {
  initialDelaySeconds?: number;
  periodSeconds?: number;
  failureThreshold?: number;
}

export interface ProbedContainer {
  name: string;
  startupProbe?: Probe;
  livenessProbe?: Probe;
  readinessProbe?: Probe;
  restartPolicy?: string;
}

const window = (p: Probe) => (p.initialDelaySeconds ?? 0) + (p.periodSeconds ?? 10) * (p.failureThreshold ?? 3);

/** Seconds a container may take before the server in it answers its probe, before the kubelet kills it: Infinity when nothing bounds it. */
export function startupWindowSeconds(container: ProbedContainer, init: boolean): number {
  if (init && container.restartPolicy !== 'Always') {
    if (container.startupProbe || container.livenessProbe || container.readinessProbe) throw new Error(`init container ${container.name}: the API server refuses probes on init containers`);
    return Infinity;
  }
  const bound = container.startupProbe ?? container.livenessProbe;
  return bound ? window(bound) : Infinity;
}

/**
 * Whether work of `seconds` that a container does before its server answers ever completes: a
 * container killed before then is restarted and starts the work over, for ever.
 */
export function completes(container: ProbedContainer, init: boolean, seconds: number): boolean {
  return seconds < startupWindowSeconds(container, init);
}

import type { Manifest } from '@postgres-gitops/renderer';

/**
 * A model of kube-scheduler's InterPodAffinity filter for required pod anti-affinity
 * (kubernetes pkg/scheduler/framework/plugins/interpodaffinity/filtering.go, Filter): a node is
 * refused when an existing pod's required anti-affinity term matches the incoming pod
 * (satisfyExistingPodsAntiAffinity, "node(s) didn't satisfy existing pods anti-affinity rules")
 * or when the incoming pod's own term matches an existing pod there (satisfyPodAntiAffinity,
 * "node(s) didn't match pod anti-affinity rules"). A term's namespaces default to the pod's own
 * (pkg/scheduler/framework/types.go newAffinityTerm); the topology here is kubernetes.io/hostname,
 * one domain per node. Label selectors follow apimachinery's LabelSelectorAsSelector
 * (matchLabels and matchExpressions ANDed; In, NotIn, Exists, DoesNotExist).
 */
export interface ModelPod {
  name: string;
  namespace: string;
  labels: Record<string, string>;
  antiAffinity: Term[];
}

interface Expression { key: string; operator: 'In' | 'NotIn' | 'Exists' | 'DoesNotExist'; values?: string[] }
interface Term { labelSelector?: { matchLabels?: Record<string, string>; matchExpressions?: Expression[] }; topologyKey: string; namespaces?: string[] }

export function selectorMatches(selector: Term['labelSelector'], labels: Record<string, string>): boolean {
  // A nil selector matches nothing; an empty one everything (metav1.LabelSelectorAsSelector).
  if (!selector) return false;
  const byLabels = Object.entries(selector.matchLabels ?? {}).every(([k, v]) => labels[k] === v);
  const byExpressions = (selector.matchExpressions ?? []).every(e => {
    const has = Object.prototype.hasOwnProperty.call(labels, e.key);
    switch (e.operator) {
      case 'In': return has && (e.values ?? []).includes(labels[e.key]);
      case 'NotIn': return !has || !(e.values ?? []).includes(labels[e.key]);
      case 'Exists': return has;
      case 'DoesNotExist': return !has;
    }
  });
  return byLabels && byExpressions;
}

const termMatches = (term: Term, owner: ModelPod, other: ModelPod) =>
  (term.namespaces && term.namespaces.length > 0 ? term.namespaces : [owner.namespace]).includes(other.namespace) && selectorMatches(term.labelSelector, other.labels);

/** The pods the rendered workloads run (one per replica; a CronJob's job pod once), with their required anti-affinity terms. */
export function renderedPods(manifests: Manifest[]): ModelPod[] {
  const pods: ModelPod[] = [];
  for (const m of manifests as any[]) {
    if (!['StatefulSet', 'Deployment', 'CronJob'].includes(m.kind)) continue;
    const template = m.kind === 'CronJob' ? m.spec.jobTemplate.spec.template : m.spec.template;
    const terms: Term[] = template.spec.affinity?.podAntiAffinity?.requiredDuringSchedulingIgnoredDuringExecution ?? [];
    for (const term of terms) if (term.topologyKey !== 'kubernetes.io/hostname') throw new Error(`model knows only kubernetes.io/hostname, not ${term.topologyKey}`);
    const replicas = m.kind === 'CronJob' ? 1 : (m.spec.replicas ?? 1);
    for (let i = 0; i < replicas; i++) pods.push({ name: `${m.metadata.name}-${i}`, namespace: m.metadata.namespace, labels: template.metadata?.labels ?? {}, antiAffinity: terms });
  }
  return pods;
}

/** Schedules `pods` in order onto `nodes` empty nodes, first fit; the reason of every pod left Pending. */
export function schedule(pods: ModelPod[], nodes: number): { placed: Record<string, number>; pending: Record<string, string> } {
  const on: ModelPod[][] = Array.from({ length: nodes }, () => []);
  const placed: Record<string, number> = {};
  const pending: Record<string, string> = {};
  for (const pod of pods) {
    const reasons = on.map(existing => {
      if (existing.some(e => e.antiAffinity.some(t => termMatches(t, e, pod)))) return "node(s) didn't satisfy existing pods anti-affinity rules";
      if (existing.some(e => pod.antiAffinity.some(t => termMatches(t, pod, e)))) return "node(s) didn't match pod anti-affinity rules";
      return undefined;
    });
    const node = reasons.findIndex(r => r === undefined);
    if (node >= 0) {
      on[node].push(pod);
      placed[pod.name] = node;
    } else {
      pending[pod.name] = `0/${nodes} nodes are available: ${nodes} ${reasons[0]}`;
    }
  }
  return { placed, pending };
}

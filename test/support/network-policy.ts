/**
 * Kubernetes NetworkPolicy semantics (networking.k8s.io/v1, as the API reference and
 * https://kubernetes.io/docs/concepts/services-networking/network-policies/ define them), for
 * deciding whether one pod may open a TCP connection to another:
 * - a pod selected by no policy of a direction is open in that direction; once any policy whose
 *   policyTypes include that direction selects it, only what some rule of those policies admits
 *   passes (default deny), and a connection needs the source's egress and the target's ingress;
 * - policyTypes defaults to ["Ingress"], plus "Egress" when the policy has egress rules;
 * - a peer with podSelector alone means pods of the policy's own namespace, with namespaceSelector
 *   alone every pod of the matching namespaces, with both the matching pods of those namespaces;
 *   ipBlock is about addresses outside the cluster's pods and admits no pod here;
 * - a rule without `from`/`to` admits every peer, without `ports` every port; a port is a number
 *   or a container port's name, resolved on the target pod, with an optional endPort range, and
 *   protocol TCP unless said;
 * - selectors: matchLabels and matchExpressions (In, NotIn, Exists, DoesNotExist) ANDed; {} matches all.
 */
type Obj = Record<string, any>;

export interface Pod {
  namespace: string;
  labels: Record<string, string>;
  /** Named container ports, for policies that name them. */
  ports?: { name?: string; containerPort: number; protocol?: string }[];
}

export interface Namespace {
  name: string;
  labels: Record<string, string>;
}

/** A namespace with the label every Kubernetes since 1.22 sets on it. */
export const namespaceNamed = (name: string, labels: Record<string, string> = {}): Namespace => ({ name, labels: { 'kubernetes.io/metadata.name': name, ...labels } });

export function selects(selector: Obj | undefined, labels: Record<string, string>): boolean {
  if (!selector) return true;
  for (const [key, value] of Object.entries(selector.matchLabels ?? {})) if (labels[key] !== value) return false;
  for (const { key, operator, values = [] } of selector.matchExpressions ?? []) {
    const has = Object.prototype.hasOwnProperty.call(labels, key);
    switch (operator) {
      case 'In':
        if (!has || !values.includes(labels[key])) return false;
        break;
      case 'NotIn':
        if (has && values.includes(labels[key])) return false;
        break;
      case 'Exists':
        if (!has) return false;
        break;
      case 'DoesNotExist':
        if (has) return false;
        break;
      default:
        throw new Error(`unknown selector operator ${operator}`);
    }
  }
  return true;
}

function policyTypes(policy: Obj): string[] {
  return policy.spec.policyTypes ?? ['Ingress', ...(policy.spec.egress ? ['Egress'] : [])];
}

function peerAdmits(peer: Obj, policyNamespace: string, other: Pod, namespaces: Map<string, Namespace>): boolean {
  if (peer.ipBlock) return false;
  const namespace = namespaces.get(other.namespace);
  if (!namespace) throw new Error(`namespace ${other.namespace} is not in the model`);
  if (peer.namespaceSelector) return selects(peer.namespaceSelector, namespace.labels) && selects(peer.podSelector, other.labels);
  return other.namespace === policyNamespace && selects(peer.podSelector, other.labels);
}

function portAdmits(rulePorts: Obj[] | undefined, target: Pod, port: number, protocol: string): boolean {
  if (!rulePorts || rulePorts.length === 0) return true;
  return rulePorts.some(p => {
    if ((p.protocol ?? 'TCP') !== protocol) return false;
    if (p.port === undefined) return true;
    if (typeof p.port === 'string') {
      return (target.ports ?? []).some(c => c.name === p.port && c.containerPort === port && (c.protocol ?? 'TCP') === protocol);
    }
    return p.endPort === undefined ? p.port === port : port >= p.port && port <= p.endPort;
  });
}

/** The policies of one direction that select a pod; undefined when none does (the pod is open that way). */
function isolating(policies: Obj[], pod: Pod, type: 'Ingress' | 'Egress'): Obj[] | undefined {
  const selecting = policies.filter(p => p.metadata.namespace === pod.namespace && policyTypes(p).includes(type) && selects(p.spec.podSelector, pod.labels));
  return selecting.length > 0 ? selecting : undefined;
}

/** Whether `from` may open a connection to `port` of `to` under `policies` (every NetworkPolicy of the cluster). */
export function admitted(policies: Obj[], namespaces: Namespace[], from: Pod, to: Pod, port: number, protocol = 'TCP'): boolean {
  const byName = new Map(namespaces.map(n => [n.name, n]));
  const ingress = isolating(policies, to, 'Ingress');
  const ingressOk =
    !ingress ||
    ingress.some(policy =>
      (policy.spec.ingress ?? []).some(
        (rule: Obj) => ((rule.from ?? []).length === 0 || rule.from.some((peer: Obj) => peerAdmits(peer, policy.metadata.namespace, from, byName))) && portAdmits(rule.ports, to, port, protocol),
      ),
    );
  if (!ingressOk) return false;
  const egress = isolating(policies, from, 'Egress');
  return (
    !egress ||
    egress.some(policy =>
      (policy.spec.egress ?? []).some(
        (rule: Obj) => ((rule.to ?? []).length === 0 || rule.to.some((peer: Obj) => peerAdmits(peer, policy.metadata.namespace, to, byName))) && portAdmits(rule.ports, to, port, protocol),
      ),
    )
  );
}

import type { Manifest } from '@postgres-gitops/renderer';

/**
 * A model of how a pod in the cluster reaches another pod by a Service name: the EndpointSlice
 * controller, cluster DNS and kube-proxy, reading the rendered Services. No Kubernetes runs here;
 * each rule cites its upstream source (kubernetes v1.36; CoreDNS by file, not fetched here).
 *
 * - EndpointSlice controller (kubernetes staging/src/k8s.io/endpointslice/utils.go podToEndpoint,
 *   util/controller_utils.go ShouldPodBeInEndpoints): every pod the selector matches that has an
 *   IP and is not terminal becomes an endpoint; its `ready` condition is
 *   `service.Spec.PublishNotReadyAddresses || (serving && !terminating)` (serving: the pod is
 *   Ready); its `hostname` is the pod's spec.hostname when spec.subdomain names the Service
 *   (the StatefulSet controller gives
 *   every pod hostname = pod name, subdomain = serviceName: pkg/controller/statefulset/
 *   stateful_set_utils.go updateIdentity).
 * - Cluster DNS (CoreDNS plugin/kubernetes/object/endpoint.go EndpointSliceToEndpoints skips an
 *   endpoint whose Ready condition is false; plugin/kubernetes/kubernetes.go findServices): a
 *   ClusterIP Service's name answers its cluster IP whatever its endpoints; a headless Service's
 *   `<hostname>.<service>.<namespace>.svc` answers the ready endpoint's address, else NXDOMAIN.
 * - kube-proxy (pkg/proxy/topology.go CategorizeEndpoints: cluster traffic goes to ready
 *   endpoints, or to serving terminating ones when none is ready; pkg/proxy/iptables/proxier.go,
 *   nftables/proxier.go likewise: a Service with none gets a REJECT rule, "has no endpoints"): a
 *   connection to the cluster IP reaches a ready endpoint, or is refused at once.
 */
export interface ModelPod {
  name: string;
  labels: Record<string, string>;
  /** The pod's Ready condition (its readiness probe's verdict). */
  ready: boolean;
  /** spec.hostname / spec.subdomain, as the StatefulSet controller sets them. */
  hostname?: string;
  subdomain?: string;
  /** Where its server listens on this machine (stands in for the pod IP); undefined when the pod has no IP. */
  address?: string;
}

export type Route = { to: 'pod'; pod: ModelPod } | { to: 'nxdomain' } | { to: 'refused' };

interface ServiceSpec {
  clusterIP?: string;
  publishNotReadyAddresses?: boolean;
  selector?: Record<string, string>;
}

export interface Endpoint {
  pod: ModelPod;
  ready: boolean;
  hostname?: string;
}

export class ServiceRouting {
  private readonly services: Manifest[];

  constructor(manifests: Manifest[], private readonly pods: ModelPod[]) {
    this.services = manifests.filter(m => m.kind === 'Service');
  }

  /** The EndpointSlice controller's endpoints for a Service. */
  endpoints(service: Manifest): Endpoint[] {
    const spec = (service as unknown as { spec: ServiceSpec }).spec;
    const selector = spec.selector ?? {};
    return this.pods
      .filter(pod => pod.address !== undefined && Object.entries(selector).every(([k, v]) => pod.labels[k] === v))
      .map(pod => ({
        pod,
        ready: spec.publishNotReadyAddresses === true || pod.ready,
        ...(pod.hostname && pod.subdomain === service.metadata.name ? { hostname: pod.hostname } : {}),
      }));
  }

  /** Where a connection to `host` ends: DNS, then kube-proxy for a cluster IP. */
  route(host: string): Route {
    const labels = host.split('.');
    if (labels.at(-1) !== 'svc') return { to: 'nxdomain' };
    const [serviceName, namespace] = labels.slice(-3, -1);
    const service = this.services.find(s => s.metadata.name === serviceName && s.metadata.namespace === namespace);
    if (!service) return { to: 'nxdomain' };
    const headless = (service as unknown as { spec: ServiceSpec }).spec.clusterIP === 'None';
    const ready = this.endpoints(service).filter(e => e.ready);
    if (labels.length === 4) {
      if (!headless) return { to: 'nxdomain' };
      const endpoint = ready.find(e => e.hostname === labels[0]);
      return endpoint ? { to: 'pod', pod: endpoint.pod } : { to: 'nxdomain' };
    }
    if (labels.length !== 3) return { to: 'nxdomain' };
    if (headless) return ready.length > 0 ? { to: 'pod', pod: ready[0].pod } : { to: 'nxdomain' };
    return ready.length > 0 ? { to: 'pod', pod: ready[0].pod } : { to: 'refused' };
  }

  /**
   * Every pod a client reaches by trying each address of `host` in turn, as libpq does (fe-connect.c
   * moves on to the next address when a connection is refused): a headless Service's name answers
   * the address of each ready endpoint; anything else, where `route` leads.
   */
  reachable(host: string): ModelPod[] {
    const labels = host.split('.');
    const service = labels.length === 3 && labels[2] === 'svc' ? this.services.find(s => s.metadata.name === labels[0] && s.metadata.namespace === labels[1]) : undefined;
    if (service && (service as unknown as { spec: ServiceSpec }).spec.clusterIP === 'None') return this.endpoints(service).filter(e => e.ready).map(e => e.pod);
    const route = this.route(host);
    return route.to === 'pod' ? [route.pod] : [];
  }
}

/**
 * The pods the rendered StatefulSets make: `<name>-<ordinal>` with the template's labels,
 * hostname = pod name and subdomain = spec.serviceName (the StatefulSet controller's identity);
 * `state` gives each pod's readiness and where its IP leads here.
 */
export function statefulSetPods(manifests: Manifest[], state: (pod: string) => Pick<ModelPod, 'ready' | 'address'>): ModelPod[] {
  return manifests
    .filter(m => m.kind === 'StatefulSet')
    .flatMap(m => {
      const spec = (m as unknown as { spec: { replicas: number; serviceName: string; template: { metadata: { labels: Record<string, string> } } } }).spec;
      return Array.from({ length: spec.replicas }, (_, i) => {
        const name = `${m.metadata.name}-${i}`;
        return { name, labels: spec.template.metadata.labels, hostname: name, subdomain: spec.serviceName, ...state(name) };
      });
    });
}

/**
 * A model of the pods CloudNativePG v1.30.0 runs for the objects we render: what the kubelet, the
 * API server's Pod Security admission and the NetworkPolicy implementation see, rather than our
 * templates. Each part cites the upstream code it follows (cloudnative-pg/cloudnative-pg, tag v1.30.0).
 */
type Obj = Record<string, any>;

export interface ModelPod {
  namespace: string;
  /** What it is, for messages: "Cluster orders-postgresql instance 1". */
  what: string;
  labels: Record<string, string>;
  spec: Obj;
}

/** pkg/utils/labels_annotations.go */
export const CNPG = {
  cluster: 'cnpg.io/cluster',
  instanceName: 'cnpg.io/instanceName',
  podRole: 'cnpg.io/podRole',
  instanceRole: 'cnpg.io/instanceRole',
  poolerName: 'cnpg.io/poolerName',
  podPatch: 'cnpg.io/podPatch',
} as const;

/** The operator's Deployment is labelled app.kubernetes.io/name: cloudnative-pg (config/manager/manager.yaml, the Helm chart). */
export const OPERATOR_POD_LABELS = { 'app.kubernetes.io/name': 'cloudnative-pg' };

const seccompOf = (cluster: Obj) => cluster.spec.seccompProfile ?? { type: 'RuntimeDefault' };

/** pkg/specs/containers.go GetSecurityContext, without a Cluster securityContext. */
function containerSecurityContext(cluster: Obj): Obj {
  return {
    seccompProfile: seccompOf(cluster),
    capabilities: { drop: ['ALL'] },
    privileged: false,
    runAsNonRoot: true,
    readOnlyRootFilesystem: true,
    allowPrivilegeEscalation: false,
  };
}

/** RFC 6902 add, replace and remove on a JSON document, as the cnpg.io/podPatch annotation is applied (pkg/specs/pods.go buildInstance). */
function applyJsonPatch(document: Obj, patch: { op: string; path: string; value?: unknown }[]): Obj {
  const result = structuredClone(document);
  for (const { op, path, value } of patch) {
    const keys = path.split('/').slice(1).map(k => k.replace(/~1/g, '/').replace(/~0/g, '~'));
    const last = keys.pop()!;
    let parent: any = result;
    for (const k of keys) parent = parent[k];
    if (op === 'remove') {
      if (Array.isArray(parent)) parent.splice(Number(last), 1);
      else delete parent[last];
    } else if (op === 'add' || op === 'replace') {
      if (Array.isArray(parent) && op === 'add') parent.splice(last === '-' ? parent.length : Number(last), 0, value);
      else parent[last] = value;
    } else throw new Error(`JSON patch op ${op} is not modelled`);
  }
  return result;
}

/**
 * plugin-barman-cloud v0.14.0 internal/cnpgi/operator/lifecycle.go: an init container
 * "plugin-barman-cloud" with restartPolicy Always, its resources those of the ObjectStore named by
 * the Cluster's plugin parameters barmanObjectName (else the recovery one), or none
 * (lifecycle_resources.go collectSidecarResourcesForPod).
 */
function barmanSidecar(cluster: Obj, manifests: Obj[]): Obj[] {
  const plugin = (cluster.spec.plugins ?? []).find((p: Obj) => p.name === 'barman-cloud.cloudnative-pg.io');
  if (!plugin) return [];
  const storeName = plugin.parameters?.barmanObjectName;
  const store = manifests.find(m => m.kind === 'ObjectStore' && m.metadata.namespace === cluster.metadata.namespace && m.metadata.name === storeName);
  return [
    {
      name: 'plugin-barman-cloud',
      restartPolicy: 'Always',
      securityContext: { allowPrivilegeEscalation: false, runAsNonRoot: true, privileged: false, readOnlyRootFilesystem: true, seccompProfile: { type: 'RuntimeDefault' }, capabilities: { drop: ['ALL'] } },
      resources: store?.spec?.instanceSidecarConfiguration?.resources ?? {},
    },
  ];
}

/**
 * The kubelet's QoS class of a pod (pkg/apis/core/helper/qos GetPodQOS, Kubernetes 1.30+): every
 * container, init containers included, with CPU and memory limits and requests equal to them
 * (a request left out defaults to the limit) is Guaranteed; none with any is BestEffort.
 */
export function qosClass(spec: Obj): 'Guaranteed' | 'Burstable' | 'BestEffort' {
  const containers: Obj[] = [...(spec.initContainers ?? []), ...(spec.containers ?? [])];
  const set = (r: Obj | undefined) => Object.keys(r ?? {}).length > 0;
  if (containers.every(c => !set(c.resources?.requests) && !set(c.resources?.limits))) return 'BestEffort';
  const guaranteed = containers.every(c =>
    ['cpu', 'memory'].every(k => {
      const limit = c.resources?.limits?.[k];
      const request = c.resources?.requests?.[k] ?? limit;
      return limit !== undefined && request === limit;
    }),
  );
  return guaranteed ? 'Guaranteed' : 'Burstable';
}

/**
 * The instances of a Cluster: buildInstance in pkg/specs/pods.go (labels, createClusterPodSpec:
 * serviceAccountName = the Cluster's name, GetPodSecurityContext, the postgres container's ports
 * postgresql 5432, metrics 9187, status 8000), then the labels of spec.inheritedMetadata over them
 * (internal/controller/cluster_create.go InheritLabels), then the cnpg.io/podPatch annotation. The
 * first instance is the primary: the instance manager keeps cnpg.io/instanceRole on each pod.
 */
export function instancePods(cluster: Obj, manifests: Obj[] = []): ModelPod[] {
  const { name, namespace, annotations = {} } = cluster.metadata;
  const major = /:(\d+)/.exec(cluster.spec.imageName ?? '')?.[1] ?? '';
  return Array.from({ length: cluster.spec.instances ?? 1 }, (_, i) => {
    const serial = i + 1;
    const podName = `${name}-${serial}`;
    let pod: Obj = {
      metadata: {
        name: podName,
        labels: {
          [CNPG.cluster]: name,
          [CNPG.instanceName]: podName,
          [CNPG.podRole]: 'instance',
          'app.kubernetes.io/name': 'postgresql',
          'app.kubernetes.io/instance': name,
          'app.kubernetes.io/version': major,
          'app.kubernetes.io/component': 'database',
          'app.kubernetes.io/managed-by': 'cloudnative-pg',
          ...(cluster.spec.inheritedMetadata?.labels ?? {}),
          [CNPG.instanceRole]: serial === 1 ? 'primary' : 'replica',
        },
      },
      spec: {
        serviceAccountName: name,
        securityContext: { seccompProfile: seccompOf(cluster), runAsUser: 26, runAsGroup: 26, runAsNonRoot: true, fsGroup: 26 },
        // pkg/specs/containers.go: the bootstrap controller gets the Cluster's resources, as postgres does (pods.go).
        initContainers: [{ name: 'bootstrap-controller', securityContext: containerSecurityContext(cluster), resources: cluster.spec.resources ?? {} }, ...barmanSidecar(cluster, manifests)],
        containers: [
          {
            name: 'postgres',
            resources: cluster.spec.resources ?? {},
            ports: [
              { name: 'postgresql', containerPort: 5432, protocol: 'TCP' },
              { name: 'metrics', containerPort: 9187, protocol: 'TCP' },
              { name: 'status', containerPort: 8000, protocol: 'TCP' },
            ],
            securityContext: containerSecurityContext(cluster),
          },
        ],
        ...(cluster.spec.imagePullSecrets ? { imagePullSecrets: cluster.spec.imagePullSecrets } : {}),
      },
    };
    if (annotations[CNPG.podPatch]) pod = applyJsonPatch(pod, JSON.parse(annotations[CNPG.podPatch]));
    return { namespace, what: `Cluster ${name} instance ${serial}`, labels: pod.metadata.labels, spec: pod.spec };
  });
}

function withBootstrapController(spec: Obj, cluster: Obj): Obj[] {
  const initContainers: Obj[] = structuredClone(spec.initContainers ?? []);
  let bootstrap = initContainers.find(c => c.name === 'bootstrap-controller');
  if (!bootstrap) initContainers.push((bootstrap = { name: 'bootstrap-controller' }));
  if (!bootstrap.resources?.limits && !bootstrap.resources?.requests) bootstrap.resources = spec.resources ?? {};
  bootstrap.securityContext = containerSecurityContext(cluster);
  return initContainers;
}

/**
 * The pods of a Pooler's Deployment: pkg/specs/pgbouncer/deployments.go Deployment. The template's
 * labels with the operator's over them (app.kubernetes.io/instance becomes the Cluster's name), the
 * pod and pgbouncer container security contexts overwritten (createPodSecurityContext uid 998,
 * GetSecurityContext), the ports pgbouncer 5432 and metrics 9127, serviceAccountName the Pooler's
 * (or spec.serviceAccountName); automountServiceAccountToken is left as the template has it.
 */
export function poolerPods(pooler: Obj, cluster: Obj): ModelPod[] {
  const template = structuredClone(pooler.spec.template ?? {});
  const spec: Obj = template.spec ?? {};
  const labels = {
    ...(template.metadata?.labels ?? {}),
    [CNPG.poolerName]: pooler.metadata.name,
    [CNPG.cluster]: cluster.metadata.name,
    [CNPG.podRole]: 'pooler',
    'app.kubernetes.io/name': 'postgresql',
    'app.kubernetes.io/instance': cluster.metadata.name,
    'app.kubernetes.io/component': 'pooler',
    'app.kubernetes.io/managed-by': 'cloudnative-pg',
  };
  const containers: Obj[] = spec.containers ?? [];
  let pgbouncer = containers.find(c => c.name === 'pgbouncer');
  if (!pgbouncer) containers.push((pgbouncer = { name: 'pgbouncer' }));
  const ports: Obj[] = (pgbouncer.ports ??= []);
  for (const port of [
    { name: 'pgbouncer', containerPort: 5432 },
    { name: 'metrics', containerPort: 9127 },
  ]) {
    const at = ports.findIndex(p => p.name === port.name);
    if (at >= 0) ports[at] = port;
    else ports.push(port);
  }
  pgbouncer.securityContext = containerSecurityContext(cluster);
  const podSpec = {
    ...spec,
    containers,
    // pkg/podspec/builder.go WithInitContainer* update a template's container of that name, or add one;
    // WithInitContainerResources(..., false) keeps resources it already has, else the pod-level ones.
    initContainers: withBootstrapController(spec, cluster),
    securityContext: { runAsNonRoot: true, runAsUser: 998, runAsGroup: 996, fsGroup: 996, seccompProfile: seccompOf(cluster) },
    serviceAccountName: pooler.spec.serviceAccountName ?? pooler.metadata.name,
  };
  return Array.from({ length: pooler.spec.instances ?? 1 }, (_, i) => ({
    namespace: pooler.metadata.namespace,
    what: `Pooler ${pooler.metadata.name} pod ${i + 1}`,
    labels,
    spec: podSpec,
  }));
}

/** Every pod the operator runs for the rendered objects: instances of each Cluster, pods of each Pooler whose Cluster is there. */
export function operatorPods(manifests: Obj[]): ModelPod[] {
  const clusters = manifests.filter(m => m.kind === 'Cluster');
  const hibernated = (c: Obj) => c.metadata.annotations?.['cnpg.io/hibernation'] === 'on';
  return [
    ...clusters.filter(c => !hibernated(c)).flatMap(c => instancePods(c, manifests)),
    ...manifests
      .filter(m => m.kind === 'Pooler')
      .flatMap(p => {
        const cluster = clusters.find(c => c.metadata.namespace === p.metadata.namespace && c.metadata.name === p.spec.cluster.name);
        return cluster ? poolerPods(p, cluster) : [];
      }),
  ];
}

/**
 * The Services the operator keeps for the rendered objects: per Cluster `-rw`, `-ro`, `-r`
 * (pkg/specs/services.go) and each managed additional Service (BuildManagedServices), per Pooler
 * one named as the Pooler (pkg/specs/pgbouncer/services.go). A Service we render ourselves counts too.
 */
export function serviceNames(manifests: Obj[]): Set<string> {
  const names = new Set<string>();
  const at = (m: Obj, name: string) => names.add(`${name}.${m.metadata.namespace}.svc`);
  for (const m of manifests) {
    if (m.kind === 'Cluster' && m.metadata.annotations?.['cnpg.io/hibernation'] !== 'on') {
      for (const suffix of ['rw', 'ro', 'r']) at(m, `${m.metadata.name}-${suffix}`);
      for (const extra of m.spec.managed?.services?.additional ?? []) at(m, extra.serviceTemplate.metadata.name);
    }
    if (m.kind === 'Pooler') at(m, m.metadata.name);
    if (m.kind === 'Service') at(m, m.metadata.name);
  }
  return names;
}

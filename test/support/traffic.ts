/**
 * The traffic each engine's components need, and a cluster to check it in: the pods that run
 * (from the rendered workloads, or, for CloudNativePG, from a model of what the operator runs:
 * cnpg-operator.ts), the namespaces around them (the operator's, Prometheus', the allowed ones, a
 * tenant's, one nobody mentions), and the NetworkPolicies rendered. Each needed flow cites why.
 */
import { parse } from 'yaml';
import type { RenderedDatabase } from '@postgres-gitops/renderer';
import { instancePods, OPERATOR_POD_LABELS, poolerPods, type ModelPod } from './cnpg-operator';
import { admitted, namespaceNamed, type Namespace, type Pod } from './network-policy';

type Obj = Record<string, any>;

export interface Runner extends Pod {
  /** What the pod is, in messages: "instance orders-postgresql-2", "app in web". */
  what: string;
  /** Ports it serves (checked for what others may reach). */
  serves: number[];
}

export interface Flow {
  from: Runner;
  to: Runner;
  port: number;
  why: string;
}

export interface TrafficWorld {
  namespaces: Namespace[];
  pods: Runner[];
  policies: Obj[];
  needed: Flow[];
}

/** Where the flows come from (upstream docs and code, and this renderer's own scripts). */
const WHY = {
  operator: 'operator -> instance: status port and PostgreSQL (CloudNativePG v1.30.0 docs/src/security.md, docs/src/networking.md, docs/src/samples/networkpolicy-example.yaml)',
  replication: 'instance -> instance: streaming replication and pg_basebackup of a joining instance (docs/src/replication.md, pkg/management/postgres/join.go)',
  isolation: 'instance -> instance: status port, the primary isolation check of the liveness probe (docs/src/instance_manager.md "Primary Isolation", pkg/management/postgres/webserver/probes/pinger.go)',
  pooler: 'pooler -> instance: PgBouncer server connections through the -rw Service (pkg/specs/pgbouncer/deployments.go, pkg/management/pgbouncer/config/config.go)',
  app: 'app -> database: the Service or pooler apps are told about (connection ConfigMap, application Secret)',
  metrics: 'Prometheus -> metrics port of the PodMonitor or ServiceMonitor rendered',
  standby: 'standby -> primary: pg_basebackup and streaming replication (statefulset standby.sh)',
  exporter: 'postgres_exporter -> primary: DATA_SOURCE_URI (statefulset monitoring)',
  backup: 'backup job -> primary: pg_dump / pg_dumpall (statefulset backup CronJob)',
  tenant: 'tenant app -> shared server: the -rw Service its connection details name',
  drill: 'restore drill runner -> drill instance: checks.sql as the drill\'s owner (render/cloudnative-pg/drill.ts, drill.sh)',
  drillOperator: 'operator -> drill instance: status port and PostgreSQL, as for every Cluster (docs/src/security.md)',
  grants: 'access grants Job -> primary: access-grants.sql as the owner through the -rw Service (render/common/access-job.ts)',
  importTarget: 'import Job -> new primary: psql as the new owner through the -rw Service (render/cloudnative-pg/import.ts)',
  importSource: 'import Job -> old primary: pg_dump as the old owner through its Service (render/cloudnative-pg/import.ts)',
};

const runner = (what: string, namespace: string, labels: Record<string, string>, ports: Pod['ports'] = []): Runner => ({
  what,
  namespace,
  labels,
  ports,
  serves: ports.map(p => p.containerPort),
});

const fromModel = (pod: ModelPod, what: string): Runner =>
  runner(what, pod.namespace, pod.labels, pod.spec.containers.flatMap((c: Obj) => c.ports ?? []));

const APP_LABELS = { app: 'client' };

/** Pods of the rendered workloads: one per replica of StatefulSets and Deployments, one per CronJob or Job. */
function renderedPods(manifests: Obj[]): Runner[] {
  return manifests.flatMap(m => {
    const template = m.kind === 'CronJob' ? m.spec.jobTemplate.spec.template : ['StatefulSet', 'Deployment', 'Job'].includes(m.kind) ? m.spec.template : undefined;
    if (!template) return [];
    const count = m.kind === 'StatefulSet' || m.kind === 'Deployment' ? (m.spec.replicas ?? 1) : 1;
    const ports = (template.spec.containers ?? []).flatMap((c: Obj) => c.ports ?? []);
    return Array.from({ length: count }, (_, i) => runner(`${m.kind} ${m.metadata.name} pod ${i}`, m.metadata.namespace, template.metadata?.labels ?? {}, ports));
  });
}

const component = (pod: Runner) => pod.labels['app.kubernetes.io/component'];

/** The namespaces and bystanders every world has: Prometheus, the operator, one namespace nobody admits. */
function surroundings(db: RenderedDatabase) {
  const { platform } = db.plan;
  const prometheus = runner(`Prometheus in ${platform.prometheus.namespace}`, platform.prometheus.namespace, { 'app.kubernetes.io/name': 'prometheus' });
  const operator = runner(`CloudNativePG operator in ${platform.cloudnativePg.operatorNamespace}`, platform.cloudnativePg.operatorNamespace, OPERATOR_POD_LABELS);
  const stranger = runner('a pod in namespace elsewhere', 'elsewhere', APP_LABELS);
  return { prometheus, operator, stranger };
}

function appsOf(db: RenderedDatabase): Runner[] {
  return [db.plan.namespace, ...db.plan.spec.allowedNamespaces].map(ns => runner(`app in ${ns}`, ns, APP_LABELS));
}

/** The flows a cloudnative-pg Cluster (and its pooler) needs, between the pods given. */
function cnpgFlows(db: RenderedDatabase, instances: Runner[], pooler: Runner[], apps: Runner[], around: ReturnType<typeof surroundings>): Flow[] {
  const { spec } = db.plan;
  const flows: Flow[] = [];
  for (const to of instances) {
    flows.push({ from: around.operator, to, port: 8000, why: WHY.operator }, { from: around.operator, to, port: 5432, why: WHY.operator });
    for (const from of instances.filter(i => i !== to)) flows.push({ from, to, port: 5432, why: WHY.replication }, { from, to, port: 8000, why: WHY.isolation });
    for (const from of pooler) flows.push({ from, to, port: 5432, why: WHY.pooler });
    for (const from of apps) flows.push({ from, to, port: 5432, why: WHY.app });
    if (spec.monitoring) flows.push({ from: around.prometheus, to, port: 9187, why: WHY.metrics });
  }
  for (const to of pooler) {
    for (const from of apps) flows.push({ from, to, port: 5432, why: WHY.app });
    if (spec.monitoring) flows.push({ from: around.prometheus, to, port: 9127, why: WHY.metrics });
  }
  return flows;
}

function cnpgPods(manifests: Obj[]): { instances: Runner[]; pooler: Runner[] } {
  const cluster = manifests.find(m => m.kind === 'Cluster');
  if (!cluster || cluster.metadata.annotations?.['cnpg.io/hibernation'] === 'on') return { instances: [], pooler: [] };
  const instances = instancePods(cluster).map(p => fromModel(p, p.what));
  const pooler = manifests.filter(m => m.kind === 'Pooler').flatMap(p => poolerPods(p, cluster).map(pod => fromModel(pod, pod.what)));
  return { instances, pooler };
}

/**
 * The restore drill's pods (the Cluster its runner creates, carried in the runner's ConfigMap, and
 * the runner) and the grants Job's, with the flows they need.
 */
function jobFlows(db: RenderedDatabase, instances: Runner[], around: ReturnType<typeof surroundings>): { pods: Runner[]; needed: Flow[] } {
  const jobs = renderedPods(db.manifests.filter(m => m.kind === 'CronJob' || m.kind === 'Job'));
  const runners = jobs.filter(p => component(p) === 'drill');
  const grants = jobs.filter(p => component(p) === 'access');
  const imports = jobs.filter(p => component(p) === 'import');
  const carried = db.manifests.find(m => m.kind === 'ConfigMap' && (m as Obj).data?.['cluster.yaml']) as Obj | undefined;
  const drill = carried ? instancePods(parse(carried.data['cluster.yaml'])).map(p => fromModel(p, `drill ${p.what}`)) : [];
  const needed: Flow[] = [];
  for (const to of drill) {
    for (const from of runners) needed.push({ from, to, port: 5432, why: WHY.drill });
    needed.push({ from: around.operator, to, port: 8000, why: WHY.drillOperator }, { from: around.operator, to, port: 5432, why: WHY.drillOperator });
  }
  // Through the -rw Service, to whichever instance is the primary after a failover.
  for (const from of grants) for (const to of instances) needed.push({ from, to, port: 5432, why: WHY.grants });
  for (const from of imports) for (const to of instances) needed.push({ from, to, port: 5432, why: WHY.importTarget });
  return { pods: [...drill, ...runners, ...grants, ...imports], needed };
}

/** One database with a server of its own: statefulset or cloudnative-pg. */
export function databaseWorld(db: RenderedDatabase): TrafficWorld {
  const around = surroundings(db);
  const apps = appsOf(db);
  const bystanders = [around.prometheus, around.operator, around.stranger, ...apps];
  const policies = db.manifests.filter(m => m.kind === 'NetworkPolicy');
  const namespaces = [...new Set([...bystanders.map(p => p.namespace), db.plan.namespace])].map(n => namespaceNamed(n));
  if (db.plan.engine === 'cloudnative-pg') {
    const { instances, pooler } = cnpgPods(db.manifests);
    const jobs = jobFlows(db, instances, around);
    return { namespaces, policies, pods: [...instances, ...pooler, ...jobs.pods, ...bystanders], needed: [...cnpgFlows(db, instances, pooler, apps, around), ...jobs.needed] };
  }
  if (db.plan.engine !== 'statefulset') throw new Error(`${db.plan.engine}: use sharedServerWorld`);
  const pods = renderedPods(db.manifests);
  const primary = pods.filter(p => component(p) === 'primary');
  const standbys = pods.filter(p => component(p) === 'read');
  const exporter = pods.filter(p => component(p) === 'metrics');
  const backup = pods.filter(p => component(p) === 'backup');
  const needed: Flow[] = [];
  for (const to of primary) {
    for (const from of standbys) needed.push({ from, to, port: 5432, why: WHY.standby });
    for (const from of exporter) needed.push({ from, to, port: 5432, why: WHY.exporter });
    for (const from of backup) needed.push({ from, to, port: 5432, why: WHY.backup });
  }
  for (const to of [...primary, ...standbys]) for (const from of apps) needed.push({ from, to, port: 5432, why: WHY.app });
  for (const to of exporter) needed.push({ from: around.prometheus, to, port: 9187, why: WHY.metrics });
  return { namespaces, policies, pods: [...pods, ...bystanders], needed };
}

/** A cloudnative-pg server with tenants, and the tenants' rendered objects (their policies sit in the server's namespace). */
export function sharedServerWorld(server: RenderedDatabase, tenants: RenderedDatabase[]): TrafficWorld {
  const base = databaseWorld(server);
  const tenantApps = tenants.map(t => runner(`tenant app in ${t.plan.namespace}`, t.plan.namespace, APP_LABELS));
  // Every tenant's grants Job connects to the server as the tenant's owner (render/shared-server/access.ts).
  const tenantJobs = tenants.flatMap(t => renderedPods(t.manifests.filter(m => m.kind === 'Job')).map(p => ({ ...p, what: `${p.what} (tenant ${t.plan.namespace})` })));
  const instances = base.pods.filter(p => p.labels['cnpg.io/podRole'] === 'instance' && p.labels['cnpg.io/cluster'] === server.plan.names.base);
  // Through the -rw Service, to whichever instance is the primary after a failover.
  const needed = [
    ...base.needed,
    ...tenantApps.flatMap(from => instances.map(to => ({ from, to, port: 5432, why: WHY.tenant }))),
    ...tenantJobs.flatMap(from => instances.map(to => ({ from, to, port: 5432, why: WHY.grants }))),
  ];
  const namespaces = [...base.namespaces, ...tenantApps.filter(a => !base.namespaces.some(n => n.name === a.namespace)).map(a => namespaceNamed(a.namespace))];
  const policies = [...base.policies, ...tenants.flatMap(t => t.manifests.filter(m => m.kind === 'NetworkPolicy'))];
  return { namespaces, policies, pods: [...base.pods, ...tenantApps, ...tenantJobs], needed };
}

/**
 * The engine migration: the new cloudnative-pg database's world, and the statefulset database it
 * imports (same namespace) with its policies; the import Job reaches both primaries.
 */
export function importWorld(source: RenderedDatabase, target: RenderedDatabase): TrafficWorld {
  const base = databaseWorld(target);
  const old = databaseWorld(source);
  const jobs = base.pods.filter(p => component(p) === 'import');
  const oldPrimary = old.pods.filter(p => component(p) === 'primary');
  const needed = [
    ...base.needed,
    ...old.needed,
    ...jobs.flatMap(from => oldPrimary.map(to => ({ from, to, port: 5432, why: WHY.importSource }))),
  ];
  // One runner per pod: the bystanders (Prometheus, the operator, apps) both worlds have are the same pods.
  const pods = [...base.pods, ...old.pods.filter(p => !base.pods.some(b => b.what === p.what && b.namespace === p.namespace))];
  const same = (r: Runner) => pods.find(p => p.what === r.what && p.namespace === r.namespace) ?? r;
  const namespaces = [...base.namespaces, ...old.namespaces.filter(n => !base.namespaces.some(b => b.name === n.name))];
  return { namespaces, policies: [...base.policies, ...old.policies], pods, needed: needed.map(f => ({ ...f, from: same(f.from), to: same(f.to) })) };
}

/**
 * What the policies get wrong: needed flows they refuse, and connections from another namespace
 * they admit that no component needs (every port every pod serves, from every pod of the world).
 */
export function trafficProblems(world: TrafficWorld): string[] {
  const problems: string[] = [];
  const ok = (from: Runner, to: Runner, port: number) => admitted(world.policies, world.namespaces, from, to, port);
  for (const flow of world.needed) {
    if (!ok(flow.from, flow.to, flow.port)) problems.push(`refused: ${flow.from.what} -> ${flow.to.what}:${flow.port} (${flow.why})`);
  }
  const isNeeded = (from: Runner, to: Runner, port: number) => world.needed.some(f => f.from === from && f.to === to && f.port === port);
  for (const to of world.pods) {
    for (const from of world.pods.filter(p => p.namespace !== to.namespace)) {
      for (const port of to.serves) {
        if (ok(from, to, port) && !isNeeded(from, to, port)) problems.push(`admitted, not needed: ${from.what} -> ${to.what}:${port}`);
      }
    }
  }
  return problems;
}

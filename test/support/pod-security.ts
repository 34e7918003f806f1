import { poolerPods } from './cnpg-operator';

/**
 * The Kubernetes "restricted" Pod Security Standard (v1.32), checked the way the admission
 * controller does: baseline rules plus the restricted ones, over pod and container contexts.
 */
const ALLOWED_VOLUME_TYPES = ['configMap', 'csi', 'downwardAPI', 'emptyDir', 'ephemeral', 'persistentVolumeClaim', 'projected', 'secret'];

type Obj = Record<string, any>;

export function restrictedViolations(podSpec: Obj): string[] {
  const problems: string[] = [];
  const podCtx: Obj = podSpec.securityContext ?? {};
  for (const flag of ['hostNetwork', 'hostPID', 'hostIPC']) if (podSpec[flag]) problems.push(`${flag} is set`);
  for (const volume of podSpec.volumes ?? []) {
    const type = Object.keys(volume).find(k => k !== 'name');
    if (!type || !ALLOWED_VOLUME_TYPES.includes(type)) problems.push(`volume ${volume.name} has type ${type}`);
  }
  const containers: Obj[] = [...(podSpec.initContainers ?? []), ...(podSpec.containers ?? []), ...(podSpec.ephemeralContainers ?? [])];
  for (const c of containers) {
    const ctx: Obj = c.securityContext ?? {};
    const where = `container ${c.name}`;
    if (ctx.privileged) problems.push(`${where} is privileged`);
    if (ctx.allowPrivilegeEscalation !== false) problems.push(`${where} must set allowPrivilegeEscalation: false`);
    const runAsNonRoot = ctx.runAsNonRoot ?? podCtx.runAsNonRoot;
    if (runAsNonRoot !== true) problems.push(`${where} must run as non-root`);
    const runAsUser = ctx.runAsUser ?? podCtx.runAsUser;
    if (runAsUser === 0) problems.push(`${where} runs as uid 0`);
    const drops: string[] = ctx.capabilities?.drop ?? [];
    if (!drops.includes('ALL')) problems.push(`${where} must drop ALL capabilities`);
    const adds: string[] = ctx.capabilities?.add ?? [];
    if (adds.some(a => a !== 'NET_BIND_SERVICE')) problems.push(`${where} adds capabilities ${adds.join(',')}`);
    const seccomp = ctx.seccompProfile?.type ?? podCtx.seccompProfile?.type;
    if (seccomp !== 'RuntimeDefault' && seccomp !== 'Localhost') problems.push(`${where} needs seccompProfile RuntimeDefault or Localhost`);
    for (const port of c.ports ?? []) if (port.hostPort) problems.push(`${where} uses hostPort ${port.hostPort}`);
    if (ctx.procMount && ctx.procMount !== 'Default') problems.push(`${where} sets procMount`);
  }
  return problems;
}

/** Pod specs inside any workload object. */
export function podSpecsOf(object: Obj): Obj[] {
  switch (object.kind) {
    case 'Pod':
      return [object.spec];
    case 'Deployment':
    case 'StatefulSet':
    case 'DaemonSet':
    case 'ReplicaSet':
    case 'Job':
      return [object.spec.template.spec];
    case 'Pooler':
      // What runs is the operator's Deployment, not the template: it overwrites the security contexts.
      return poolerPods(object, { metadata: { name: object.spec.cluster.name }, spec: {} }).slice(0, 1).map(p => p.spec);
    case 'CronJob':
      return [object.spec.jobTemplate.spec.template.spec];
    default:
      return [];
  }
}

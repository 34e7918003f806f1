/**
 * The CloudNativePG 1.30 webhook's rules that rendered Clusters and Poolers meet, beyond the CRD
 * schema (internal/webhook/v1/cluster_webhook.go of tag v1.30.0): validateName,
 * validateImageName, validateConfiguration (fixed parameters, wal_level), validateResources
 * (requests within limits, shared_buffers within the memory request) and validateManagedServices.
 */
import { mebibytes } from '../../renderer/src/review/quantities';

type Obj = Record<string, any>;

const DNS1035 = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;

function cpuMillis(q: string): number {
  return q.endsWith('m') ? Number(q.slice(0, -1)) : Number(q) * 1000;
}

/** shared_buffers in MiB from a PostgreSQL quantity (8kB pages when unitless). */
function postgresMebibytes(value: string): number {
  const m = /^(\d+)\s*(kB|MB|GB|TB)?$/.exec(value);
  if (!m) throw new Error(`not a PostgreSQL quantity: ${value}`);
  const n = Number(m[1]);
  return { kB: n / 1024, MB: n, GB: n * 1024, TB: n * 1024 * 1024, '': (n * 8) / 1024 }[m[2] ?? ''] as number;
}

export function clusterWebhookViolations(cluster: Obj, fixedParameters: string[]): string[] {
  const problems: string[] = [];
  const { name } = cluster.metadata;
  const spec = cluster.spec;
  if (!DNS1035.test(name)) problems.push(`metadata.name ${name} is not a DNS-1035 label`);
  if (name.length > 50) problems.push('the maximum length of a cluster name is 50 characters');

  const tag = /:([^:@/]+)$/.exec(spec.imageName ?? '')?.[1];
  if (spec.imageName && (!tag || tag === 'latest' || !/^\d+(\.\d+)?/.test(tag))) problems.push(`spec.imageName ${spec.imageName}: invalid version tag`);
  const major = Number(/^(\d+)/.exec(tag ?? '')?.[1]);
  if (major < 14) problems.push(`PostgreSQL ${major} is not supported by CloudNativePG 1.30`);

  const parameters: Obj = spec.postgresql?.parameters ?? {};
  for (const [key, value] of Object.entries(parameters)) {
    if (typeof value !== 'string') problems.push(`spec.postgresql.parameters.${key} is not a string`);
    if (!/^[a-z_][a-z0-9_]*(\.[a-z_][a-z0-9_]*)?$/.test(key)) problems.push(`spec.postgresql.parameters.${key}: not a parameter name`);
    if (fixedParameters.includes(key)) problems.push(`spec.postgresql.parameters.${key}: Can't set fixed configuration parameter`);
  }
  const walLevel = parameters.wal_level ?? 'logical';
  if (spec.instances > 1 && walLevel === 'minimal') problems.push('wal_level minimal with more than one instance');

  const { requests = {}, limits = {} } = spec.resources ?? {};
  if (requests.cpu && limits.cpu && cpuMillis(requests.cpu) > cpuMillis(limits.cpu)) problems.push('CPU request is greater than the limit');
  if (requests.memory && limits.memory && mebibytes(requests.memory) > mebibytes(limits.memory)) problems.push('Memory request is greater than the limit');
  if (parameters.shared_buffers && requests.memory && postgresMebibytes(parameters.shared_buffers) > mebibytes(requests.memory)) {
    problems.push('Memory request is lower than PostgreSQL `shared_buffers` value');
  }

  const reserved = ['rw', 'ro', 'r', 'any'].map(s => `${name}-${s}`);
  const additional: Obj[] = spec.managed?.services?.additional ?? [];
  const names = additional.map(a => a.serviceTemplate?.metadata?.name);
  for (const [i, service] of additional.entries()) {
    const serviceName = service.serviceTemplate?.metadata?.name;
    if (!serviceName) problems.push(`managed.services.additional[${i}]: name is required`);
    if (reserved.includes(serviceName)) problems.push(`managed.services.additional[${i}]: the service name '${serviceName}' is reserved for operator use`);
    if (service.serviceTemplate?.spec?.selector) problems.push(`managed.services.additional[${i}]: selector field is managed by the operator`);
  }
  if (new Set(names).size !== names.length) problems.push('managed.services.additional contains services with the same .metadata.name');
  return problems;
}

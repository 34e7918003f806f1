import type { Manifest } from '@postgres-gitops/renderer';

/**
 * The rendered pods' containers, run on this machine: their commands and environments as the
 * manifests give them, with the Secrets' values filled from test passwords and the downward API's
 * pod name given by the test (the kubelet would fill both).
 */
export const PASSWORDS: Record<string, string> = {
  'postgres-password': 'app-pw-one',
  'superuser-password': 'super-pw',
  'replication-password': 'repl-pw',
  'monitoring-password': 'mon-pw',
  'backup-password': 'backup-pw',
};

export interface Container {
  name: string;
  command: string[];
  args?: string[];
  env: { name: string; value?: string; valueFrom?: { secretKeyRef?: { key: string }; fieldRef?: { fieldPath: string } } }[];
}

/** A container of a rendered workload, by index among its containers or by name (init containers included). */
export function containerOf(manifests: Manifest[], kind: string, name: string, container: number | string = 0): Container {
  const m = manifests.find(o => o.kind === kind && o.metadata.name === name) as any;
  if (!m) throw new Error(`no ${kind} ${name} among the rendered objects`);
  const pod = kind === 'CronJob' ? m.spec.jobTemplate.spec.template.spec : m.spec.template.spec;
  const found = typeof container === 'number' ? pod.containers[container] : [...(pod.initContainers ?? []), ...pod.containers].find((c: Container) => c.name === container);
  if (!found) throw new Error(`no container ${container} in ${kind} ${name}`);
  return found;
}

/** The container's environment: Secret keys from `passwords`, `metadata.name` from `podName`, then the overrides. */
export function envOf(container: Container, overrides: Record<string, string>, passwords = PASSWORDS, podName = 'pod-0'): Record<string, string> {
  const env: Record<string, string> = {};
  for (const e of container.env) {
    if (e.valueFrom?.fieldRef && e.valueFrom.fieldRef.fieldPath !== 'metadata.name') throw new Error(`unexpected fieldRef ${e.valueFrom.fieldRef.fieldPath}`);
    env[e.name] = e.valueFrom?.secretKeyRef ? passwords[e.valueFrom.secretKeyRef.key] : e.valueFrom?.fieldRef ? podName : (e.value ?? '');
  }
  return { ...env, ...overrides };
}

import type { Plan } from '../plan/plan';
import type { Manifest } from '../render/manifest';
import { AFTER_GRANTS_DIRECTORY, FLUX_WITHOUT_AFTER_GRANTS } from './access-gate';
import { databaseDirectory } from './paths';
import { argoApplicationName, fluxKustomizationName } from '../request/gitops-names';

export { argoApplicationName, fluxKustomizationName };

/**
 * What Flux waits for before it calls the database Ready. `wait: true` checks every object it
 * applied with kstatus; a statefulset database's backup claim is the one object that is not
 * healthy for hours by design (review 3 m1): on a WaitForFirstConsumer StorageClass (EKS gp3, GKE
 * standard-rwo, AKS managed-csi) it stays Pending until the first scheduled backup's pod uses it,
 * and kstatus calls any phase but Bound InProgress (fluxcd/cli-utils pkg/kstatus/status/core.go
 * pvcConditions, May 2026), so every new database would be HealthCheckFailed for up to a day.
 * There Flux checks `healthChecks` instead: every other object it applies, the same check as
 * `wait` without that claim (kustomize-controller internal/controller/kustomization_controller.go
 * checkHealth, Aug 2026: with `wait` the applied set, else `healthChecks`; `wait: true` ignores
 * `healthChecks`, so it is one or the other). Every other database keeps `wait: true` (a tenant's
 * access roles rely on it to wait for its grants Job).
 */
function health(plan: Plan, manifests: Manifest[]): { wait: true } | { healthChecks: { apiVersion: string; kind: string; name: string; namespace?: string }[] } {
  const exempt = plan.engine === 'statefulset' && plan.spec.backup ? plan.names.backup : undefined;
  if (exempt === undefined) return { wait: true };
  return {
    healthChecks: manifests
      .filter(m => !(m.kind === 'PersistentVolumeClaim' && m.metadata.name === exempt))
      .map(m => ({ apiVersion: m.apiVersion, kind: m.kind, name: m.metadata.name, ...(m.metadata.namespace ? { namespace: m.metadata.namespace } : {}) })),
  };
}

/**
 * The database's own Flux Kustomization, which the cluster's root Kustomization (wiring/flux.ts)
 * applies. Flux applies a Kustomization's objects all or nothing: fluxcd/pkg ssa
 * (manager_apply.go ApplyAll, Jul 2026) dry-runs every object first and returns on the first
 * error before applying any, so one database whose objects the API server or a webhook refuses
 * (or whose CRDs are not installed yet) would hold back every other database in the same
 * Kustomization. One per database, like the Argo CD ApplicationSet's Applications, contains that.
 * It waits (dependsOn) only for the add-ons whose API groups its objects use, and a tenant also
 * for its server's Kustomization.
 *
 * A tenant whose login access roles wait for its grants Job (layout/access-gate.ts) gets a second
 * Kustomization for them, `….access`, over the directory's `access/`, which dependsOn the first;
 * the first then leaves them out of its build (FLUX_WITHOUT_AFTER_GRANTS).
 */
export function buildFluxKustomizations(plan: Plan, manifests: Manifest[], afterGrants: Manifest[]) {
  const { flux } = plan.platform;
  const cluster = plan.spec.cluster;
  const groups = [...new Set(manifests.map(m => (m.apiVersion.includes('/') ? m.apiVersion.split('/')[0] : '')))];
  const addOns = [...new Set(groups.map(group => flux.dependsOn[group]).filter((name): name is string => name !== undefined))].sort();
  const server = plan.engine === 'shared-server' ? [fluxKustomizationName(cluster, plan.server.namespace, plan.server.name)] : [];
  const directory = databaseDirectory(cluster, plan.namespace, plan.name);
  const name = fluxKustomizationName(cluster, plan.namespace, plan.name);
  const kustomization = (metadataName: string, path: string, spec: Record<string, unknown>) => ({
    apiVersion: 'kustomize.toolkit.fluxcd.io/v1',
    kind: 'Kustomization',
    metadata: { name: metadataName, namespace: flux.namespace },
    spec: {
      interval: '5m',
      retryInterval: '1m',
      timeout: '10m',
      path: `./${path}`,
      prune: true,
      ...health(plan, manifests),
      sourceRef: { kind: 'GitRepository', name: flux.sourceName },
      ...spec,
    },
  });
  const gated = afterGrants.length > 0;
  const main = kustomization(name, directory, {
    ...(addOns.length + server.length > 0 ? { dependsOn: [...addOns, ...server].map(dependency => ({ name: dependency })) } : {}),
    ...(gated ? { patches: [FLUX_WITHOUT_AFTER_GRANTS] } : {}),
  });
  if (!gated) return [main];
  return [main, kustomization(fluxKustomizationName(cluster, plan.namespace, plan.name, 'access'), `${directory}/${AFTER_GRANTS_DIRECTORY}`, { dependsOn: [{ name }] })];
}

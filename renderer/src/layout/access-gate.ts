import type { Plan } from '../plan/plan';
import type { Manifest } from '../render/manifest';
import { LABEL_COMPONENT } from '../plan/labels';
import { toYaml } from './serialize';

/**
 * A shared-server tenant's login access roles are applied only after its grants Job has
 * succeeded (review 2 M2). The server's pg_hba admits every tenant's access roles to every
 * database but postgres and template1, and CONNECT decides; a tenant rendered before grants Jobs
 * existed still lets PUBLIC connect, only its owner (or a superuser) can revoke that, and the new
 * tenant's Job fails for good (exit 3) while any database is open. Ordered by the GitOps tools
 * themselves, a failed check means the roles never exist:
 *
 * - Argo CD: the database directory's kustomization.yaml lists `access/`, whose kustomization
 *   annotates the roles with a later sync wave. gitops-engine applies a wave only once every
 *   object of the waves before is healthy and fails the sync on a Degraded one (argo-cd v3.5.1
 *   gitops-engine/pkg/sync/sync_context.go Sync: multiStep, "completed unsuccessfully"); a Job is
 *   Progressing until Complete or Failed, Degraded when Failed (gitops-engine/pkg/health/health_job.go).
 * - Flux: the directory's Kustomization leaves them out (a `$patch: delete` patch on the wave's
 *   annotation: fluxcd/pkg kustomize/kustomize_generator.go v1.35.4 appends spec.patches to the
 *   kustomization; kustomize api v0.21.1 resmap/reswrangler.go ApplySmPatch drops every selected
 *   object a delete patch empties), and a second Kustomization over `access/` dependsOn it.
 *   kustomize-controller v1.9.4 checkDependencies starts it only when the first is Ready at the
 *   same source revision; with wait: true the first is Ready only when every object is Current,
 *   and a Job is Current only once Complete (fluxcd/pkg runtime/statusreaders/job.go v0.110.1:
 *   InProgress while running, Failed when Failed).
 *
 * Kratix applies a destination's whole output with no order between objects (its destination
 * Kustomization has no wait; syntasso/kratix ae170e22 hack/destination/gitops-tk-resources.yaml),
 * so there the Job's failure and its alert are all there is.
 */
export const AFTER_GRANTS_DIRECTORY = 'access';

const SYNC_WAVE = 'argocd.argoproj.io/sync-wave';
/** Everything else has Argo CD's default wave, 0. */
const AFTER_GRANTS_WAVE = '1';

/**
 * The objects of a database that wait for its grants Job: a shared-server tenant's login access
 * roles (its access DatabaseRoles that log in; its groups do not, its owner is not an access
 * object), nothing of any other engine.
 */
export function afterGrants(plan: Plan, manifests: Manifest[]): Manifest[] {
  if (plan.engine !== 'shared-server') return [];
  return manifests.filter(m => m.kind === 'DatabaseRole' && m.metadata.labels?.[LABEL_COMPONENT] === 'access' && (m.spec as { login?: boolean } | undefined)?.login === true);
}

/** `access/kustomization.yaml`: the waiting objects, in Argo CD's later wave. */
export function afterGrantsKustomization(files: string[]) {
  return {
    apiVersion: 'kustomize.config.k8s.io/v1beta1',
    kind: 'Kustomization',
    commonAnnotations: { [SYNC_WAVE]: AFTER_GRANTS_WAVE },
    resources: [...files].sort(),
  };
}

/**
 * The patch that keeps the database's first Flux Kustomization from applying what `access/`
 * holds: every DatabaseRole of the later wave, deleted from its build.
 */
export const FLUX_WITHOUT_AFTER_GRANTS = {
  patch: toYaml({ $patch: 'delete', apiVersion: 'postgresql.cnpg.io/v1', kind: 'DatabaseRole', metadata: { name: 'applied-after-grants' } }),
  target: { group: 'postgresql.cnpg.io', kind: 'DatabaseRole', annotationSelector: `${SYNC_WAVE}=${AFTER_GRANTS_WAVE}` },
};

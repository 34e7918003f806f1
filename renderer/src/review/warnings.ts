import type { Plan } from '../plan/plan';
import { END_OF_LIFE_VERSIONS } from '../request/schema';
import { engineWarnings } from './engines';
import { mebibytes } from './quantities';

/**
 * The statefulset drill restores into node disk (an emptyDir bounded by storageSize, no request):
 * above this, a common node root disk (EKS's default is 20 GiB) may not hold it, and the kubelet
 * evicts the drill (the backup has already run). Review 2 M1.
 */
export const DRILL_SCRATCH_WARN_MI = 20 * 1024;

/** What a reviewer should know before approving. Never blocks; blocking rules live in parse. */
export function reviewWarnings(plan: Plan): string[] {
  const { spec } = plan;
  const warnings: string[] = [];
  if (END_OF_LIFE_VERSIONS.includes(spec.version)) {
    warnings.push(`PostgreSQL ${spec.version} is end-of-life: no more security fixes. Prefer 17 or 18.`);
  }
  if (plan.roles.appIsSuperuser && spec.profile !== 'dev') {
    warnings.push(`The application connects as "postgres", the superuser. For ${spec.profile}, set username to an application role.`);
  } else if (plan.roles.appIsSuperuser) {
    warnings.push('The application connects as "postgres", the superuser: fine for dev, not for prod.');
  }
  if (spec.profile === 'prod' && !spec.backup) warnings.push('No backup on a prod database.');
  if (spec.profile === 'prod' && spec.backup && !spec.restoreDrill && spec.engine !== 'shared-server') {
    warnings.push('Backups are never restored to prove them (restoreDrill: false).');
  }
  if (spec.engine === 'statefulset' && spec.backup && spec.restoreDrill && mebibytes(spec.storageSize) > DRILL_SCRATCH_WARN_MI) {
    warnings.push(`spec.storageSize ${spec.storageSize} with spec.restoreDrill: each drill restores into up to ${spec.storageSize} of node disk (an emptyDir, not requested, so the backup always schedules); above 20Gi check the nodes' allocatable ephemeral storage, or the drill is evicted and fails while the backup still runs. Set restoreDrill: false where nodes cannot hold it.`);
  }
  if (spec.restoreDrill && !spec.monitoring) warnings.push('Restore drills without monitoring: no alert fires when one fails; watch the drill\'s Jobs.');
  if (!spec.persistence) warnings.push('No persistence: every restart of the pod loses all data.');
  warnings.push(...engineWarnings(plan));
  if (spec.profile === 'prod' && !spec.ssl) warnings.push('TLS is off on a prod database.');
  return warnings;
}

import type { Plan } from '../plan/plan';
import { END_OF_LIFE_VERSIONS } from '../request/schema';
import { engineWarnings } from './engines';

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
  if (spec.restoreDrill && !spec.monitoring) warnings.push('Restore drills without monitoring: no alert fires when one fails; watch the drill\'s Jobs.');
  if (!spec.persistence) warnings.push('No persistence: every restart of the pod loses all data.');
  warnings.push(...engineWarnings(plan));
  if (spec.profile === 'prod' && !spec.ssl) warnings.push('TLS is off on a prod database.');
  return warnings;
}

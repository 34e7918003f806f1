import { INTERNAL_KEYS } from '../../plan/secret-keys';
import type { StatefulSetPlan as Plan } from '../../plan/statefulset/plan';
import type { Manifest } from '../manifest';
import { externalSecret, passwordGenerator } from '../common/secrets';

/** `{name}-postgresql-internal`: passwords of the roles the engine runs itself, generated in the cluster. */
export function buildInternalSecret(plan: Plan): Manifest[] {
  if (plan.platform.credentials.source === 'existing-secret' || !plan.internalSecret) return [];
  const { names } = plan;
  return [
    passwordGenerator(plan, names.internalSecret, Object.values(INTERNAL_KEYS)),
    externalSecret(plan, names.internalSecret, names.internalSecret),
  ];
}

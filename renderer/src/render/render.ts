import type { Plan } from '../plan/plan';
import type { Builder, Manifest } from './manifest';
import { CLOUDNATIVE_PG_BUILDERS } from './cloudnative-pg/builders';
import { SHARED_SERVER_BUILDERS } from './shared-server/builders';
import { STATEFULSET_BUILDERS } from './statefulset/builders';

function run<P extends Plan>(builders: readonly Builder<P>[], plan: P): Manifest[] {
  return builders.flatMap(build => build(plan));
}

/** The engine's builders over its plan: every object of the database, in a stable order. */
export function renderPlan(plan: Plan): Manifest[] {
  switch (plan.engine) {
    case 'statefulset':
      return run(STATEFULSET_BUILDERS, plan);
    case 'cloudnative-pg':
      return run(CLOUDNATIVE_PG_BUILDERS, plan);
    case 'shared-server':
      return run(SHARED_SERVER_BUILDERS, plan);
  }
}

/** Platform-level objects an engine's databases rely on (`postgres-gitops wiring --drill-policy`). */
export { drillPolicy, drillPolicyValidations } from './cloudnative-pg/drill-policy';

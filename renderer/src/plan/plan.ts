import { ANNOTATION_RETIRED } from '../request/annotations';
import { RequestValidationError } from '../request/errors';
import { MONITORING_ROLE, REPLICATION_ROLE, SUPERUSER_ROLE } from '../request/names';
import type { PlatformSettings } from '../request/platform';
import { PROFILE_TABLE, resourcesFor, SIZE_TABLE } from '../request/presets';
import type { Request } from '../request/types';
import type { PlanCommon } from './base';
import { planAccess } from './access';
import { commonNames } from './names';
import { POSTGRES_PORT } from './ports';
import { planCloudNativePg, type CloudNativePgPlan } from './cloudnative-pg/plan';
import { planSharedServer, type SharedServerPlan } from './shared-server/plan';
import { planStatefulSet, type StatefulSetPlan } from './statefulset/plan';
import { deriveTuning } from './tuning';
import { quantityToMi } from '../request/quantity';

/** Everything the builders need, fully explicit: no builder reads the raw request. One member per engine. */
export type Plan = StatefulSetPlan | CloudNativePgPlan | SharedServerPlan;

/**
 * Resolves the request into the plan of its engine. Throws RequestValidationError when a name
 * the engine derives breaks a Kubernetes limit (the engine knows which objects it makes).
 */
export function buildPlan(request: Request, platform: PlatformSettings): Plan {
  const { spec } = request;
  const { name, namespace } = request.metadata;
  const profile = PROFILE_TABLE[spec.profile];
  const size = resourcesFor(SIZE_TABLE[spec.size], profile);
  const standbys = spec.replicas - 1;
  const names = commonNames(name);
  const common: PlanCommon = {
    request,
    name,
    namespace,
    spec,
    platform,
    names,
    size,
    profile,
    tuning: deriveTuning(size, profile, quantityToMi(spec.storageSize), standbys),
    standbys,
    // Debian-based official images (uid 999), pinned per database: minor upgrades are asked for (spec.minorVersion).
    postgresVersion: spec.minorVersion ?? '',
    roles: {
      app: spec.username,
      superuser: SUPERUSER_ROLE,
      replication: REPLICATION_ROLE,
      monitoring: MONITORING_ROLE,
      appIsSuperuser: spec.username === SUPERUSER_ROLE,
    },
    port: POSTGRES_PORT,
    retired: request.metadata.annotations[ANNOTATION_RETIRED] === 'true',
    connection: { host: `${names.service}.${namespace}.svc`, sslmode: spec.ssl ? 'require' : 'prefer' },
    access: planAccess(spec, names.base),
    // A Go duration: External Secrets' refreshInterval has no day unit.
    ...(spec.passwordRotationDays ? { passwordRotation: { refreshInterval: `${spec.passwordRotationDays * 24}h0m0s` } } : {}),
  };
  const planned = planEngine(common);
  if (Array.isArray(planned)) throw new RequestValidationError(planned);
  return planned;
}

function planEngine(common: PlanCommon) {
  switch (common.spec.engine) {
    case 'statefulset':
      return planStatefulSet(common);
    case 'cloudnative-pg':
      return planCloudNativePg(common);
    case 'shared-server':
      return planSharedServer(common);
  }
}

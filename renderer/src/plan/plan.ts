import type { PlatformSettings } from '../platform/settings';
import type { Request, ResolvedSpec } from '../request/defaults';
import { REPLICATION_ROLE, MONITORING_ROLE, SUPERUSER_ROLE } from '../request/names';
import { EXPORTER_IMAGE, imageRef, POSTGRES_IMAGE, POSTGRES_IMAGE_TAGS } from './images';
import {
  APP_NAME,
  LABEL_COMPONENT,
  LABEL_INSTANCE,
  LABEL_MANAGED_BY,
  LABEL_NAME,
  LABEL_PART_OF,
  LABEL_VERSION,
  MANAGED_BY,
  type Component,
} from './labels';
import { objectNames, type ObjectNames } from './object-names';
import { PROFILE_TABLE, type ProfileSpec } from './profiles';
import { SIZE_TABLE, type SizeSpec } from './sizes';
import { deriveTuning, quantityToMi, type Tuning } from './tuning';

/** Everything the builders need, fully explicit: no builder reads the raw request. */
export interface Plan {
  request: Request;
  name: string;
  namespace: string;
  spec: ResolvedSpec;
  platform: PlatformSettings;
  names: ObjectNames;
  size: SizeSpec;
  profile: ProfileSpec;
  tuning: Tuning;
  standbys: number;
  postgresVersion: string;
  images: { postgres: string; exporter: string };
  roles: { app: string; superuser: string; replication: string; monitoring: string; appIsSuperuser: boolean };
  hosts: { primary: string; replicas: string; headlessDomain: string };
  port: number;
}

export function buildPlan(request: Request, platform: PlatformSettings): Plan {
  const { spec } = request;
  const { name, namespace } = request.metadata;
  const size = SIZE_TABLE[spec.size];
  const profile = PROFILE_TABLE[spec.profile];
  const standbys = spec.replicas - 1;
  const postgresVersion = POSTGRES_IMAGE_TAGS[spec.version];
  const names = objectNames(name);
  return {
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
    postgresVersion,
    images: {
      postgres: imageRef(POSTGRES_IMAGE.registry, POSTGRES_IMAGE.repository, postgresVersion, platform.imageRegistry),
      exporter: imageRef(EXPORTER_IMAGE.registry, EXPORTER_IMAGE.repository, EXPORTER_IMAGE.tag, platform.imageRegistry),
    },
    roles: {
      app: spec.username,
      superuser: SUPERUSER_ROLE,
      replication: REPLICATION_ROLE,
      monitoring: MONITORING_ROLE,
      appIsSuperuser: spec.username === SUPERUSER_ROLE,
    },
    hosts: {
      primary: `${names.service}.${namespace}.svc`,
      replicas: `${names.replicasService}.${namespace}.svc`,
      headlessDomain: `${names.headless}.${namespace}.svc`,
    },
    port: 5432,
  };
}

/** The part of an entity ref after kind and namespace, made safe for a label value. */
function labelSafe(value: string): string {
  return value.replace(/^.*[:/]/, '').replace(/[^A-Za-z0-9._-]/g, '-').slice(0, 63).replace(/^[^A-Za-z0-9]+|[^A-Za-z0-9]+$/g, '');
}

export function selectorLabels(plan: Plan, component: Component): Record<string, string> {
  return { [LABEL_NAME]: APP_NAME, [LABEL_INSTANCE]: plan.name, [LABEL_COMPONENT]: component };
}

export function labels(plan: Plan, component: Component): Record<string, string> {
  return {
    ...selectorLabels(plan, component),
    [LABEL_PART_OF]: labelSafe(plan.spec.system ?? plan.name) || plan.name,
    [LABEL_MANAGED_BY]: MANAGED_BY,
    [LABEL_VERSION]: plan.postgresVersion,
  };
}

/** Standard object metadata: name, namespace (always), labels, optional annotations. */
export function meta(plan: Plan, name: string, component: Component, annotations?: Record<string, string>) {
  return {
    name,
    namespace: plan.namespace,
    labels: labels(plan, component),
    ...(annotations && Object.keys(annotations).length > 0 ? { annotations } : {}),
  };
}

import type { CloudNativePgPlan } from '../plan/cloudnative-pg/plan';
import { buildPlan, type Plan } from '../plan/plan';
import type { StatefulSetPlan } from '../plan/statefulset/plan';
import { parseRequest } from '../request/parse';
import { DEFAULT_PLATFORM, platformSettingsSchema, type PlatformSettingsInput } from '../request/platform';

/** The plan of a Kratix-shaped request for orders in team-a, as builder tests start from it. */
export function planFor(spec: Record<string, unknown>, platform: PlatformSettingsInput = {}): Plan {
  const settings = Object.keys(platform).length > 0 ? platformSettingsSchema.parse(platform) : DEFAULT_PLATFORM;
  const request = parseRequest({ apiVersion: 'marketplace.kratix.io/v1alpha1', kind: 'postgresql', metadata: { name: 'orders', namespace: 'team-a' }, spec }, settings);
  return buildPlan(request, settings);
}

export function statefulSetPlanFor(spec: Record<string, unknown>, platform: PlatformSettingsInput = {}): StatefulSetPlan {
  const plan = planFor({ ...spec, engine: 'statefulset' }, platform);
  if (plan.engine !== 'statefulset') throw new Error('not a statefulset plan');
  return plan;
}

/** A platform with an object store, as most cloudnative-pg tests want. */
export const CNPG_PLATFORM: PlatformSettingsInput = {
  cloudnativePg: {
    objectStore: {
      destinationPath: 's3://acme-backups/prod',
      s3Credentials: { accessKeyId: { name: 'backup-s3', key: 'ACCESS_KEY_ID' }, secretAccessKey: { name: 'backup-s3', key: 'ACCESS_SECRET_KEY' } },
    },
  },
};

export function cnpgPlanFor(spec: Record<string, unknown>, platform: PlatformSettingsInput = CNPG_PLATFORM): CloudNativePgPlan {
  const plan = planFor({ username: 'app', ...spec, engine: 'cloudnative-pg' }, platform);
  if (plan.engine !== 'cloudnative-pg') throw new Error('not a cloudnative-pg plan');
  return plan;
}

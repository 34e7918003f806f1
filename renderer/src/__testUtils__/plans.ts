import { buildPlan, type Plan } from '../plan/plan';
import { parseRequest } from '../request/parse';
import { DEFAULT_PLATFORM, platformSettingsSchema, type PlatformSettingsInput } from '../request/platform';

/** The plan of a Kratix-shaped request for orders in team-a, as builder tests start from it. */
export function planFor(spec: Record<string, unknown>, platform: PlatformSettingsInput = {}): Plan {
  const settings = Object.keys(platform).length > 0 ? platformSettingsSchema.parse(platform) : DEFAULT_PLATFORM;
  const request = parseRequest({ apiVersion: 'marketplace.kratix.io/v1alpha1', kind: 'postgresql', metadata: { name: 'orders', namespace: 'team-a' }, spec }, settings);
  return buildPlan(request, settings);
}

import type { PlatformSettings } from '../platform/settings';
import { buildPlan, type Plan } from '../plan/plan';
import type { Request } from '../request/defaults';
import { buildBackup } from './backup';
import { buildConfig, buildConnection } from './config';
import { buildDisruptionBudgets } from './disruption';
import type { Builder, Manifest } from './manifest';
import { buildMonitoring } from './monitoring';
import { buildNamespace } from './namespace';
import { buildNetworkPolicies } from './network';
import { buildSecrets } from './secrets';
import { buildServices } from './services';
import { buildStatefulSets } from './statefulset';
import { buildTls } from './tls';

/** One pure builder per object family; a builder that does not apply returns nothing. */
export const BUILDERS: readonly Builder[] = [
  buildNamespace,
  buildSecrets,
  buildConfig,
  buildConnection,
  buildServices,
  buildStatefulSets,
  buildDisruptionBudgets,
  buildBackup,
  buildMonitoring,
  buildTls,
  buildNetworkPolicies,
];

export function renderPlan(plan: Plan): Manifest[] {
  return BUILDERS.flatMap(build => build(plan));
}

export function renderManifests(request: Request, platform: PlatformSettings): Manifest[] {
  return renderPlan(buildPlan(request, platform));
}

import type { Component } from '../../plan/labels';
import { meta } from '../../plan/metadata';
import type { SharedServerPlan as Plan } from '../../plan/shared-server/plan';

/** Metadata of an object that lives in the server's namespace (CloudNativePG wants Database, role, Cluster and password Secret together). */
export function inServerNamespace(plan: Plan, name: string, component: Component, annotations?: Record<string, string>) {
  return { ...meta(plan, name, component, annotations), namespace: plan.server.namespace };
}

export const clusterRef = (plan: Plan) => ({ name: plan.server.cluster });

/** How soon a copy in the tenant's namespace follows a rotated password on the server's side. */
export const COPY_REFRESH = '1m0s';

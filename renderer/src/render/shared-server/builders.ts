import type { SharedServerPlan } from '../../plan/shared-server/plan';
import type { Builder, Manifest } from '../manifest';
import { buildConnection } from '../common/connection';
import { buildNamespace } from '../common/namespace';
import { buildTenantAccess } from './access';
import { buildTenantCredentials } from './credentials';
import { buildDatabaseAndRole } from './database';
import { buildServerIngress } from './network';

const unlessRetired = (build: Builder<SharedServerPlan>) => (plan: SharedServerPlan): Manifest[] => (plan.retired ? [] : build(plan));

/** The shared-server engine's builders: the tenant's objects, none of the server's; a retired one keeps only its database and role. */
export const SHARED_SERVER_BUILDERS: readonly Builder<SharedServerPlan>[] = [
  unlessRetired(buildNamespace),
  unlessRetired(buildTenantCredentials),
  unlessRetired(buildConnection),
  buildDatabaseAndRole,
  unlessRetired(buildServerIngress),
  unlessRetired(buildTenantAccess),
];

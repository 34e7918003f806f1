import type { CloudNativePgPlan } from '../../plan/cloudnative-pg/plan';
import type { Builder, Manifest } from '../manifest';
import { buildConnection } from '../common/connection';
import { buildNamespace } from '../common/namespace';
import { buildDatabaseNetworkPolicy } from '../common/network';
import { buildApplicationSecret } from '../common/secrets';
import { buildAccess } from './access';
import { buildCluster } from './cluster';
import { buildDrill } from './drill';
import { buildImport } from './import';
import { buildMonitoring } from './monitoring';
import { buildNetworkPolicies } from './network';
import { buildObjectStores } from './object-stores';
import { buildPooler } from './pooler';
import { buildPublicServerCa } from './public-ca';
import { buildScheduledBackup } from './scheduled-backup';
import { buildTls } from './tls';

const unlessRetired = (build: Builder<CloudNativePgPlan>) => (plan: CloudNativePgPlan): Manifest[] => (plan.retired ? [] : build(plan));

/**
 * The cloudnative-pg engine's builders, in the order their objects are listed. A retired database
 * keeps its hibernated Cluster (no pods, its volumes kept), its ObjectStores, its NetworkPolicies
 * (nothing is left open while it stops) and the server Certificate the Cluster names (the operator
 * keeps checking it, hibernated or not: internal/controller/cluster_pki.go).
 */
export const CLOUDNATIVE_PG_BUILDERS: readonly Builder<CloudNativePgPlan>[] = [
  unlessRetired(buildNamespace),
  unlessRetired(buildApplicationSecret),
  unlessRetired(buildConnection),
  buildTls,
  unlessRetired(buildPublicServerCa),
  buildObjectStores,
  buildCluster,
  unlessRetired(buildScheduledBackup),
  unlessRetired(buildDrill),
  unlessRetired(buildAccess),
  unlessRetired(buildImport),
  unlessRetired(buildPooler),
  unlessRetired(buildMonitoring),
  buildDatabaseNetworkPolicy,
  buildNetworkPolicies,
];

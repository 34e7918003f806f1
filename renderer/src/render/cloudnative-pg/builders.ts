import type { CloudNativePgPlan } from '../../plan/cloudnative-pg/plan';
import type { Builder } from '../manifest';
import { buildConnection } from '../common/connection';
import { buildNamespace } from '../common/namespace';
import { buildDatabaseNetworkPolicy } from '../common/network';
import { buildApplicationSecret } from '../common/secrets';
import { buildCluster } from './cluster';
import { buildMonitoring } from './monitoring';
import { buildNetworkPolicies } from './network';
import { buildObjectStores } from './object-stores';
import { buildPooler } from './pooler';
import { buildScheduledBackup } from './scheduled-backup';
import { buildTls } from './tls';

/** The cloudnative-pg engine's builders, in the order their objects are listed. */
export const CLOUDNATIVE_PG_BUILDERS: readonly Builder<CloudNativePgPlan>[] = [
  buildNamespace,
  buildApplicationSecret,
  buildConnection,
  buildTls,
  buildObjectStores,
  buildCluster,
  buildScheduledBackup,
  buildPooler,
  buildMonitoring,
  buildDatabaseNetworkPolicy,
  buildNetworkPolicies,
];

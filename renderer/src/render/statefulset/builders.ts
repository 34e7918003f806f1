import type { StatefulSetPlan } from '../../plan/statefulset/plan';
import type { Builder } from '../manifest';
import { buildConnection } from '../common/connection';
import { buildNamespace } from '../common/namespace';
import { buildDatabaseNetworkPolicy } from '../common/network';
import { buildApplicationSecret } from '../common/secrets';
import { buildAccess } from './access';
import { buildBackup, buildBackupCredentials } from './backup';
import { buildConfig } from './config';
import { buildDisruptionBudgets } from './disruption';
import { buildInternalSecret } from './internal-secret';
import { buildMonitoring } from './monitoring';
import { buildServices } from './services';
import { buildDataClaims, buildStatefulSets } from './statefulset';
import { buildTls } from './tls';

/** The statefulset engine's builders, in the order their objects are listed; each returns nothing when it does not apply. */
export const STATEFULSET_BUILDERS: readonly Builder<StatefulSetPlan>[] = [
  buildNamespace,
  buildApplicationSecret,
  buildInternalSecret,
  buildBackupCredentials,
  buildConfig,
  buildConnection,
  buildServices,
  buildDataClaims,
  buildStatefulSets,
  buildDisruptionBudgets,
  buildBackup,
  buildAccess,
  buildMonitoring,
  buildTls,
  buildDatabaseNetworkPolicy,
];

import { DNS1123_NAME_WHY, SERVICE_NAME_WHY, type CommonNames, type NameRule } from '../names';

export const CNPG_CLUSTER_LABEL = 'cnpg.io/cluster';
export const CNPG_POD_ROLE_LABEL = 'cnpg.io/podRole';
/** On a Secret: the operator applies a change at once (passwords, certificates). */
export const CNPG_RELOAD_LABEL = 'cnpg.io/reload';
/** On a Cluster: "on" stops every instance and keeps its volumes (declarative hibernation). */
export const CNPG_HIBERNATION_ANNOTATION = 'cnpg.io/hibernation';

/** Objects only the cloudnative-pg engine makes, and the ones the operator makes from them. */
export interface CloudNativePgNames {
  cluster: string;
  /**
   * The operator's own CA (`ca.crt`, and `ca.key`, which no client mounts): of the server certificate
   * and the client certificates, or, with cert-manager server certificates, of the client certificates only.
   */
  operatorCa: string;
  /** Services the operator makes for the Cluster. */
  rwService: string;
  roService: string;
  rService: string;
  pooler: string;
  objectStore: string;
  restoreObjectStore: string;
  scheduledBackup: string;
  podMonitor: string;
  operatorNetworkPolicy: string;
  poolerNetworkPolicy: string;
  /** A server with tenants: a Secret holding only ca.crt of the server certificate's CA, and what copies it there. */
  publicCa: string;
  caPublisher: string;
  /** The Database object of the application database (access roles on PostgreSQL 14: it hands the owner schema public). */
  database: string;
  /** A server with tenants: the DatabaseRole of the group every tenant's access roles belong to. */
  tenantAccessGroup: string;
  /**
   * Restore drills. The drill Cluster and its runner are named for the database, not its base, so
   * that they never meet the live Cluster's names (`{name}-postgresql*`) and add no length limit
   * beyond the live Cluster's: what the operator makes for the drill Cluster (pods, Services,
   * Secrets, the full-recovery Job) is `{name}-drill-*`.
   */
  drillCluster: string;
  drillCronJob: string;
  /** The operator's Secret of the drill Cluster's owner (api/v1/cluster_funcs.go GetApplicationSecretName). */
  drillAppSecret: string;
  /** The operator's recovery Job of the drill's first instance (pkg/specs/jobs.go: <instance>-full-recovery). */
  drillRecoveryJob: string;
  drillPod: string;
  /** ServiceAccount, Role, RoleBinding, NetworkPolicy and ConfigMap of the drill. */
  drill: string;
  drillObjectStore: string;
}

/** The platform-level admission policy every restore drill runner is held to (render/cloudnative-pg/drill-policy.ts). */
export const DRILL_POLICY = 'postgres-gitops-restore-drill';

/** The suffix of every drill ServiceAccount: the admission policy (wiring) recognises drill runners by it. */
export const DRILL_ACCOUNT_SUFFIX = '-postgresql-drill';

export function cloudNativePgNames(base: string): CloudNativePgNames {
  const name = base.replace(/-postgresql$/, '');
  return {
    cluster: base,
    operatorCa: `${base}-ca`,
    rwService: `${base}-rw`,
    roService: `${base}-ro`,
    rService: `${base}-r`,
    pooler: `${base}-pooler`,
    objectStore: `${base}-backups`,
    restoreObjectStore: `${base}-restore-source`,
    scheduledBackup: `${base}-daily`,
    podMonitor: base,
    operatorNetworkPolicy: `${base}-operator`,
    poolerNetworkPolicy: `${base}-pooler`,
    publicCa: `${base}-server-ca`,
    caPublisher: `${base}-ca-publisher`,
    database: `${base}-db`,
    tenantAccessGroup: `${base}-access-tenants`,
    drillCluster: `${name}-drill`,
    drillCronJob: `${name}-drill`,
    drillAppSecret: `${name}-drill-app`,
    drillRecoveryJob: `${name}-drill-1-full-recovery`,
    drillPod: `${name}-drill-1`,
    drill: `${name}${DRILL_ACCOUNT_SUFFIX}`,
    drillObjectStore: `${base}-drill-source`,
  };
}

/** Every object name this engine derives, with its limit. */
export function cloudNativePgNameRules(n: CommonNames & CloudNativePgNames, pooling: boolean, drill: boolean): NameRule[] {
  const rules: NameRule[] = [
    {
      kind: 'Cluster',
      name: n.cluster,
      max: 50,
      why: 'CloudNativePG Cluster names must be DNS-1035 labels of at most 50 characters (its job names add suffixes)',
      dns1035: true,
    },
    { kind: 'Service', name: n.rwService, max: 63, why: SERVICE_NAME_WHY, dns1035: true },
    { kind: 'Service', name: n.service, max: 63, why: SERVICE_NAME_WHY, dns1035: true },
    { kind: 'ConfigMap', name: n.connection, max: 63, why: DNS1123_NAME_WHY },
  ];
  if (drill) {
    rules.push(
      { kind: 'Cluster', name: n.drillCluster, max: 50, why: 'CloudNativePG Cluster names must be DNS-1035 labels of at most 50 characters (the restore drill\'s Cluster)', dns1035: true },
      { kind: 'CronJob', name: n.drillCronJob, max: 52, why: 'CronJob names must be at most 52 characters (Job names add 11)' },
      { kind: 'Job', name: n.drillRecoveryJob, max: 63, why: 'the operator\'s recovery Job of the restore drill names its pods\' job-name label, at most 63 characters' },
    );
  }
  if (pooling) rules.push({ kind: 'Pooler', name: n.pooler, max: 63, why: `${SERVICE_NAME_WHY} (a Pooler's Service takes its name)`, dns1035: true });
  return rules;
}

import { sha256Hex } from '../../hash';
import { ANNOTATION_CREATED_AT, ANNOTATION_CREATED_WITH_VERSION, ANNOTATION_POOLER_HOST_GIVEN, ANNOTATION_RESTORE_SOURCE_CREATED_AT } from '../../request/annotations';
import type { FieldIssue } from '../../request/errors';
import { rootCertificate, type PlanBase, type PlanCommon } from '../base';
import { cnpgImage } from '../images';
import { accessJobRule, checkNameRules, commonNames, type CommonNames } from '../names';
import { cronMaxGapSeconds } from '../../request/cron';
import { ACCESS_SERVER_GROUP } from '../../request/names';
import type { AccessPlan } from '../access';
import { PASSWORD_KEY } from '../secret-keys';
import { postgresSettings, type Setting } from '../postgres-settings';
import { CNPG_FIXED_PARAMETERS, CNPG_OWN_DEFAULTS, CNPG_WITHOUT_EFFECT } from './managed-parameters';
import { MIN_WAL_BUDGET_MB, walBudget, type WalBudget } from './wal-budget';
import { quantityToMi } from '../../request/quantity';
import type { Requests } from '../../request/presets';
import { cloudNativePgNameRules, cloudNativePgNames, type CloudNativePgNames } from './names';

export { CNPG_IMAGE } from '../images';
export const BARMAN_CLOUD_PLUGIN = 'barman-cloud.cloudnative-pg.io';
import { CNPG_CLUSTER_LABEL, CNPG_HIBERNATION_ANNOTATION, CNPG_POD_ROLE_LABEL, CNPG_RELOAD_LABEL } from './names';
export { CNPG_CLUSTER_LABEL, CNPG_HIBERNATION_ANNOTATION, CNPG_POD_ROLE_LABEL, CNPG_RELOAD_LABEL };
export const CNPG_POOLER_LABEL = 'cnpg.io/poolerName';
/** The instance manager's status port, which the operator calls. */
export const CNPG_STATUS_PORT = 8000;
export const PGBOUNCER_METRICS_PORT = 9127;
/** Majors CloudNativePG 1.30 runs. */
export const CNPG_VERSIONS = ['14', '15', '16', '17', '18'];

/**
 * The Barman Cloud sidecar in every instance pod: plugin-barman-cloud v0.14.0 injects it as an init
 * container with restartPolicy Always (internal/cnpgi/operator/lifecycle.go) whose resources are
 * the ObjectStore's spec.instanceSidecarConfiguration.resources, else none
 * (lifecycle_resources.go collectSidecarResourcesForPod). The kubelet counts it in the pod's QoS
 * class, so it follows the profile like the postgres container: a prod pod stays Guaranteed. It
 * gzips base backups and WAL, one core at most.
 */
export function barmanSidecarResources(requests: Requests) {
  const limits = { cpu: '500m', memory: '256Mi' };
  if (requests === 'at-limit') return { requests: limits, limits };
  return { requests: { cpu: '50m', memory: requests === 'memory-at-limit' ? limits.memory : '128Mi' }, limits };
}

/** PgBouncer's resources: requests at the limits in prod (Guaranteed), as the database's pods. */
export function poolerResources(requests: Requests) {
  const limits = { cpu: '500m', memory: '128Mi' };
  if (requests === 'at-limit') return { requests: limits, limits };
  return { requests: { cpu: '50m', memory: requests === 'memory-at-limit' ? limits.memory : '32Mi' }, limits };
}

export interface ObjectStoreConfiguration {
  destinationPath: string;
  serviceAccountAnnotations?: Record<string, string>;
  endpointURL?: string;
  s3Credentials?: unknown;
  googleCredentials?: unknown;
  azureCredentials?: unknown;
}

/** The cloudnative-pg engine: a CloudNativePG Cluster, with the Barman Cloud plugin for backups. */
export interface CloudNativePgPlan extends PlanBase {
  engine: 'cloudnative-pg';
  names: CommonNames & CloudNativePgNames;
  instances: number;
  /** postgresql.parameters: the shared tuning, without what the operator fixes or sets itself. */
  parameters: Record<string, string>;
  /** pg_hba lines placed before the operator's own. */
  pgHba: string[];
  backup?: { store: ObjectStoreConfiguration; serverName: string; retentionPolicy: string; schedule: string };
  restore?: { store: ObjectStoreConfiguration; serverName: string; targetTime?: string };
  /** The Barman Cloud sidecar's resources, on every ObjectStore the Cluster names. */
  sidecarResources: ReturnType<typeof barmanSidecarResources>;
  /** A logical import (pg_dump as the source's owner role) from a database in the same namespace. */
  importFrom?: { host: string; database: string; user: string; passwordSecret: { name: string; key: string } };
  /**
   * PgBouncer in front of the primary: in transaction mode with pooling on; in session mode (a
   * pass-through: every client keeps its server connection, session state works) once pooling is
   * off again, since the applications' Secret still names its host (ANNOTATION_POOLER_HOST_GIVEN).
   * `serverConnections` is one instance's budget of server connections for the whole database:
   * PgBouncer's default_pool_size counts per user/database pair (pgbouncer(5)), and the owner and
   * every access role get a pool each, so max_db_connections caps them together.
   */
  pooler?: { mode: 'transaction' | 'session'; instances: number; serverConnections: number; maxClientConn: number; resources: ReturnType<typeof poolerResources> };
  /** A restore drill on the backup schedule: a Cluster recovered from this database's archive, checked and deleted (render/cloudnative-pg/drill.ts). */
  drill?: {
    /** Five-field UTC cron, the backup schedule's. */
    schedule: string;
    /** The longest gap between two runs of the schedule, in seconds. */
    periodSeconds: number;
    timeoutSeconds: number;
    kubectlImage: string;
  };
  certificates: 'operator' | 'cert-manager';
  operatorNamespace: string;
  /** Workload identity for the object store: annotations of the ServiceAccount the operator makes for the Cluster. */
  serviceAccountAnnotations: Record<string, string>;
}

/** A postgresql.conf value as CloudNativePG's parameters map takes it: strings, booleans as on/off. */
function parameterValue(value: Setting): string {
  if (typeof value === 'boolean') return value ? 'on' : 'off';
  return String(value);
}

/**
 * max_wal_senders stays PostgreSQL's default whatever the instance count (CloudNativePG sets none,
 * pkg/postgres/configuration.go, v1.30.0): it is a hot-standby-sensitive setting, so lowering it on
 * a scale-down would make the instance manager restart the primary in place
 * (pkg/management/postgres/probes.go, PendingRestartForDecrease), and following the count would
 * restart every instance on every scale. Ten senders cover the instances CloudNativePG allows
 * here, pg_basebackup clones and a backup.
 */
export const CNPG_MAX_WAL_SENDERS = 10;

/** The WAL volume, or the data volume pg_wal shares, with the settings that keep pg_wal within it. */
export function cnpgWalBudget(spec: Pick<PlanCommon['spec'], 'storageSize' | 'walStorageSize'>): WalBudget {
  return walBudget(quantityToMi(spec.storageSize), spec.walStorageSize ? quantityToMi(spec.walStorageSize) : undefined);
}

/** The shared tuning as CloudNativePG parameters: nothing the operator fixes, blocks or sets itself. */
export function cnpgParameters(common: Pick<PlanCommon, 'tuning' | 'port' | 'standbys' | 'spec'>): Record<string, string> {
  const wal = cnpgWalBudget(common.spec);
  const tuning = { ...common.tuning, maxWalSizeMb: wal.maxWalSizeMb, minWalSizeMb: wal.minWalSizeMb, maxWalSenders: CNPG_MAX_WAL_SENDERS };
  const settings = postgresSettings({ tuning, port: common.port, standbys: common.standbys, ssl: common.spec.ssl });
  const left = new Set([...CNPG_FIXED_PARAMETERS, ...CNPG_OWN_DEFAULTS, ...CNPG_WITHOUT_EFFECT]);
  return Object.fromEntries([
    ...Object.entries(settings).filter(([key]) => !left.has(key)).map(([key, value]) => [key, parameterValue(value)]),
    ['wal_keep_size', `${wal.walKeepSizeMb}MB`],
    ['max_slot_wal_keep_size', `${wal.maxSlotWalKeepSizeMb}MB`],
  ]);
}

/** A created-at moment as a server-name suffix: 2026-12-05T10:02:18Z -> 20261205100218. */
export function creationToken(createdAt: string): string {
  return createdAt.replace(/[^0-9]/g, '').slice(0, 14);
}

/** Five-field UTC cron as CloudNativePG's six-field one (seconds first). */
export function sixFieldCron(cron: string): string {
  return `0 ${cron}`;
}

/** Each database archives below its own prefix: <destinationPath>/<cluster>/<namespace>/<name>. */
function storeFor(base: ObjectStoreConfiguration, cluster: string, namespace: string, name: string): ObjectStoreConfiguration {
  const { serviceAccountAnnotations: _bound, ...store } = base;
  return { ...store, destinationPath: `${base.destinationPath.replace(/\/+$/, '')}/${cluster}/${namespace}/${name}` };
}

/** The platform's workload-identity annotations for a Cluster's ServiceAccount, "{namespace}" filled in. */
function serviceAccountAnnotations(store: ObjectStoreConfiguration | undefined, namespace: string): Record<string, string> {
  return Object.fromEntries(Object.entries(store?.serviceAccountAnnotations ?? {}).map(([key, value]) => [key, value.split('{namespace}').join(namespace)]));
}

function engineIssues(common: PlanCommon): FieldIssue[] {
  const { spec, platform } = common;
  const issues: FieldIssue[] = [];
  if (!CNPG_VERSIONS.includes(spec.version)) {
    issues.push({
      path: 'spec.version',
      message: `PostgreSQL ${spec.version} does not run on cloudnative-pg: CloudNativePG 1.30 supports ${CNPG_VERSIONS[0]} to ${CNPG_VERSIONS[CNPG_VERSIONS.length - 1]} (13 reached end of life in November 2025). Choose 17 or 18, or keep 13 on engine statefulset while you plan the upgrade`,
    });
  }
  if (!spec.persistence) {
    issues.push({ path: 'spec.persistence', message: 'cloudnative-pg always keeps data on volumes; persistence: false is a statefulset option' });
  }
  if (common.roles.appIsSuperuser) {
    issues.push({ path: 'spec.username', message: '"postgres" is the superuser, which CloudNativePG keeps to itself; choose an application role like "app"' });
  }
  if (cnpgWalBudget(spec).budgetMb < MIN_WAL_BUDGET_MB) {
    issues.push(
      spec.walStorageSize
        ? { path: 'spec.walStorageSize', message: `must be at least ${MIN_WAL_BUDGET_MB}Mi: the WAL volume holds max_wal_size, the WAL kept for standbys and a burst` }
        : { path: 'spec.storageSize', message: `must be at least ${MIN_WAL_BUDGET_MB * 4}Mi on cloudnative-pg without a WAL volume: a quarter of it holds the write-ahead log` },
    );
  }
  if ((spec.backup || spec.restore) && !platform.cloudnativePg.objectStore) {
    issues.push({
      path: spec.backup ? 'spec.backup' : 'spec.restore',
      message: 'needs an object store, and this platform has none (platform setting cloudnativePg.objectStore); ask the platform team, or set backup: false',
    });
  }
  return issues;
}

/**
 * pg_hba lines placed after the operator's fixed rules (local, replication and pooler certificates)
 * and before its default rule (CloudNativePG v1.30.0 pkg/postgres/configuration.go hbaTemplate).
 * Access roles reach their own database only: the line naming the listed roles admits them, the
 * groups' line then refuses every member of the groups everywhere else. A server for
 * tenants: every tenant's owner reaches only the database of its own name (a shared-server database
 * and its owner share one), the server's own application its own database; tenants' access roles
 * (each a member of postgres_gitops_access) reach any database but postgres
 * and template1, where CONNECT decides: every tenant revokes it from PUBLIC (render/common/access-job.ts).
 * Then nothing else, which makes the operator's default rule unreachable.
 */
function hbaRules(spec: PlanCommon['spec'], access: AccessPlan): string[] {
  const rules = spec.ssl ? ['hostnossl all all 0.0.0.0/0 reject', 'hostnossl all all ::/0 reject'] : [];
  // Both groups by name: every access role is a direct member of one, so no match depends on nested membership.
  const groups = `+${access.groups.read},+${access.groups.write}`;
  // The listed roles by name, not the groups: a member of the groups the list does not name falls
  // through to the reject. A restore (physical) brings back every role of its source with LOGIN,
  // its password and its membership (SRE review 3 m3); the grants Job, run as the owner, may not
  // ALTER ROLE them nor revoke a group it holds no ADMIN OPTION on (test/postgres/access.test.ts).
  if (access.roles.length > 0) rules.push(`host ${access.database} ${access.roles.map(r => r.dbRole).join(',')} all scram-sha-256`, `host all ${groups} all reject`);
  if (spec.tenants) {
    rules.push(
      `host ${spec.database} ${spec.username} all scram-sha-256`,
      'host sameuser all all scram-sha-256',
      `host postgres,template1 +${ACCESS_SERVER_GROUP} all reject`,
      `host all +${ACCESS_SERVER_GROUP} all scram-sha-256`,
      'host all all all reject',
    );
  }
  return rules;
}

export function planCloudNativePg(common: PlanCommon): CloudNativePgPlan | FieldIssue[] {
  const { spec, platform, namespace } = common;
  const names = { ...common.names, ...cloudNativePgNames(common.names.base) };
  const drill = spec.restoreDrill && spec.backup;
  const grants = common.access.roles.length > 0 || spec.tenants === true;
  const poolerHostGiven = spec.pooling || common.request.metadata.annotations[ANNOTATION_POOLER_HOST_GIVEN] === 'true';
  const issues = [
    ...engineIssues(common),
    ...checkNameRules(common.name, [...cloudNativePgNameRules(names, poolerHostGiven, drill), ...(grants ? [accessJobRule(common.name)] : [])]),
  ];
  if (issues.length > 0) return issues;

  const store = platform.cloudnativePg.objectStore;
  const instances = spec.replicas;
  const restore = spec.restore;
  const annotations = common.request.metadata.annotations;
  // Each creation archives under its own server name (the request's created-at, stamped once at create):
  // plugin-barman-cloud refuses to archive into a server name whose archive is not empty
  // (internal/cnpgi/common/wal.go Archive -> CheckBackupDestination, v0.14.0), which a retired
  // database of the same name, or an earlier run of the same restore, leaves behind. Databases
  // recorded before created-at keep the names they archive under.
  const createdAt = annotations[ANNOTATION_CREATED_AT];
  const archiveName = createdAt
    ? `${names.cluster}-${creationToken(createdAt)}`
    : restore
      ? `${names.cluster}-${sha256Hex(JSON.stringify(restore)).slice(0, 8)}`
      : names.cluster;
  const sourceCreatedAt = annotations[ANNOTATION_RESTORE_SOURCE_CREATED_AT];
  // pg_upgrade starts a new system at timeline 1: after a major upgrade the archive continues under a new server name.
  const createdWith = common.request.metadata.annotations[ANNOTATION_CREATED_WITH_VERSION] ?? spec.version;
  const serverName = createdWith === spec.version ? archiveName : `${archiveName}-pg${spec.version}`;
  const poolerInstances = common.size.replicas > 1 || common.profile.requiredAntiAffinity ? 2 : 1;
  // Applications were told the pooler's host: it stays, in session mode once pooling is off.
  const poolerMode = spec.pooling ? 'transaction' : common.request.metadata.annotations[ANNOTATION_POOLER_HOST_GIVEN] === 'true' ? 'session' : undefined;
  // Each pooler instance's share of the server's connections, for all roles together. Transaction
  // mode: half of max_connections, so direct connections find room; session mode: each client
  // holds a server connection, so most of it.
  const serverConnections = Math.max(5, Math.floor((poolerMode === 'session' ? common.tuning.maxConnections * 0.8 : common.tuning.maxConnections / 2) / poolerInstances));
  const password = '{{ .password }}';
  return {
    ...common,
    engine: 'cloudnative-pg',
    names,
    images: { postgres: cnpgImage(common.postgresVersion, platform.cloudnativePg.imageFlavour, platform.imageRegistry) },
    connection: {
      ...common.connection,
      // The server certificate names the Service apps use and the pooler's (cluster.ts): clients verify the host against its CA.
      ...(spec.ssl
        ? { sslmode: 'verify-full', rootCert: rootCertificate(platform.cloudnativePg.certificates === 'cert-manager' ? names.tlsSecret : names.operatorCa) }
        : {}),
      ...(poolerMode ? { host: `${names.pooler}.${namespace}.svc`, directHost: common.connection.host } : {}),
      ...(instances > 1 ? { readOnlyHost: `${names.roService}.${namespace}.svc` } : {}),
    },
    databasePods: { matchLabels: { [CNPG_CLUSTER_LABEL]: names.cluster, [CNPG_POD_ROLE_LABEL]: 'instance' } },
    // The operator labels everything it runs for the Cluster with its name: instances, their volumes and
    // Services, and the pooler's Deployment, pods and Service, whose app.kubernetes.io/instance it sets to the
    // Cluster's name over the template's (pkg/specs/pods.go, pkg/specs/pgbouncer/deployments.go, v1.30.0).
    catalogLabelSelector: `${CNPG_CLUSTER_LABEL}=${names.cluster}`,
    catalogAnnotations: { 'postgres-gitops.dev/cloudnative-pg-cluster': names.cluster, 'postgres-gitops.dev/engine': 'cloudnative-pg' },
    // One Secret serves the apps (the common keys) and the Cluster's bootstrap (basic-auth username and password).
    applicationSecret: {
      type: 'kubernetes.io/basic-auth',
      extraData: { username: spec.username, password },
      labels: { [CNPG_RELOAD_LABEL]: 'true' },
    },
    instances,
    parameters: cnpgParameters(common),
    sidecarResources: barmanSidecarResources(common.profile.requests),
    pgHba: hbaRules(spec, common.access),
    ...(spec.backup && store
      ? { backup: { store: storeFor(store, spec.cluster, namespace, common.name), serverName, retentionPolicy: `${spec.backupRetention}d`, schedule: sixFieldCron(spec.backupSchedule) } }
      : {}),
    ...(restore && store
      ? {
          restore: {
            store: storeFor(store, restore.cluster, restore.namespace, restore.from),
            serverName: sourceCreatedAt ? `${restore.from}-postgresql-${creationToken(sourceCreatedAt)}` : `${restore.from}-postgresql`,
            ...(restore.targetTime ? { targetTime: restore.targetTime } : {}),
          },
        }
      : {}),
    ...(spec.importFrom
      ? {
          importFrom: {
            host: `${commonNames(spec.importFrom.from).service}.${namespace}.svc`,
            database: spec.importFrom.database,
            user: spec.importFrom.username,
            passwordSecret: { name: commonNames(spec.importFrom.from).secret, key: PASSWORD_KEY },
          },
        }
      : {}),
    ...(drill
      ? {
          drill: {
            schedule: spec.backupSchedule,
            periodSeconds: cronMaxGapSeconds(spec.backupSchedule),
            timeoutSeconds: platform.cloudnativePg.restoreDrill.timeoutMinutes * 60,
            kubectlImage: platform.cloudnativePg.restoreDrill.kubectlImage,
          },
        }
      : {}),
    ...(poolerMode
      ? { pooler: { mode: poolerMode, instances: poolerInstances, serverConnections, maxClientConn: Math.min(5000, serverConnections * 20), resources: poolerResources(common.profile.requests) } }
      : {}),
    certificates: platform.cloudnativePg.certificates,
    operatorNamespace: platform.cloudnativePg.operatorNamespace,
    serviceAccountAnnotations: spec.backup || restore ? serviceAccountAnnotations(store, namespace) : {},
  };
}

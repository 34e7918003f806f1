import { SCHEMA_VERSION } from '../version';
import { ANNOTATION_CLAIM_TEMPLATE_SIZE, ANNOTATION_CREATED_WITH_VERSION, ANNOTATION_DROP_DATA, ANNOTATION_CREATED_AT, ANNOTATION_POOLER_HOST_GIVEN, ANNOTATION_REQUESTED_BY, ANNOTATION_RESTORE_SOURCE_CREATED_AT, ANNOTATION_RETIRED, ANNOTATION_SCHEMA_VERSION } from './annotations';
import type { PlatformSettings } from './platform';
import { tenantRoleName } from './names';
import { ENGINE_DEFAULTS, PROFILE_TABLE, SIZE_TABLE } from './presets';
import { REQUEST_API_VERSION, REQUEST_KIND, type RequestObjectInput } from './schema';
import type { Request, ResolvedSpec } from './types';
import { LATEST_MINOR } from './versions';

/** Annotations a stored request keeps; everything else a Kratix object carries is dropped. */
const KEPT_ANNOTATIONS = [ANNOTATION_REQUESTED_BY, ANNOTATION_CREATED_WITH_VERSION, ANNOTATION_RETIRED, ANNOTATION_DROP_DATA, ANNOTATION_CLAIM_TEMPLATE_SIZE, ANNOTATION_POOLER_HOST_GIVEN, ANNOTATION_CREATED_AT, ANNOTATION_RESTORE_SOURCE_CREATED_AT];

/** The schema version a stored request was written with; undefined for a new request (from a form, a file or Kratix). */
function storedSchemaVersion(input: RequestObjectInput): number | undefined {
  const value = input.metadata.annotations?.[ANNOTATION_SCHEMA_VERSION];
  return value === undefined ? undefined : Number(value);
}

/**
 * Restore drills default on where the profile says so and there are backups to restore, but never
 * for a database stored before drills existed (schema version 1): a new default never changes a
 * database silently; `fleet --set restoreDrill=true` turns them on through a reviewed pull request.
 */
function defaultRestoreDrill(input: RequestObjectInput, engine: string, backup: boolean, profile: boolean): boolean {
  const stored = storedSchemaVersion(input);
  return backup && profile && engine !== 'shared-server' && (stored === undefined || stored >= 2);
}

/** Precedence: the size sets resources and replicas, the profile sets feature defaults, explicit fields win. */
export function resolveDefaults(input: RequestObjectInput, platform: PlatformSettings): Request {
  const s = input.spec;
  const size = s.size ?? 'small';
  const profile = s.profile ?? 'dev';
  const sizeSpec = SIZE_TABLE[size];
  const profileSpec = PROFILE_TABLE[profile];
  const namespace = input.metadata.namespace ?? 'default';

  const annotations: Record<string, string> = { [ANNOTATION_SCHEMA_VERSION]: SCHEMA_VERSION };
  for (const key of KEPT_ANNOTATIONS) {
    const value = input.metadata.annotations?.[key];
    if (value !== undefined) annotations[key] = value;
  }

  const persistence = s.persistence ?? true;
  const engine = s.engine ?? (s.server ? 'shared-server' : platform.engines.default[profile]);
  const tenantRole = tenantRoleName(namespace, input.metadata.name);
  const version = s.version ?? '15';
  const spec: ResolvedSpec = {
    engine,
    profile,
    size,
    version,
    database: s.database ?? (engine === 'shared-server' ? tenantRole : 'app'),
    username: s.username ?? (engine === 'shared-server' ? tenantRole : ENGINE_DEFAULTS[engine].username),
    // Standbys clone onto a volume; without persistence the size's standby is dropped.
    replicas: s.replicas ?? (persistence ? sizeSpec.replicas : 1),
    persistence,
    storageSize: s.storageSize ?? sizeSpec.storage,
    // A profile never switches backup on for a database without a volume to back up.
    backup: s.backup ?? (persistence && profileSpec.backup),
    backupSchedule: s.backupSchedule ?? '0 2 * * *',
    backupRetention: s.backupRetention ?? profileSpec.backupRetention,
    restoreDrill: false,
    access: [...(s.access ?? [])].sort((a, b) => (a.role < b.role ? -1 : a.role > b.role ? 1 : 0)),
    monitoring: s.monitoring ?? profileSpec.monitoring,
    ssl: s.ssl ?? profileSpec.ssl,
    cluster: s.cluster ?? platform.defaultCluster,
    owner: s.owner ?? `group:default/${namespace}`,
    allowedNamespaces: [...new Set(s.allowedNamespaces ?? [])].sort(),
    pooling: s.pooling ?? false,
  };
  spec.restoreDrill = s.restoreDrill ?? defaultRestoreDrill(input, engine, spec.backup, profileSpec.restoreDrill);
  annotations[ANNOTATION_CREATED_WITH_VERSION] ??= spec.version;
  // The claim templates keep the size the volumes were created with (the API server refuses any change to them).
  if (engine === 'statefulset' && persistence) annotations[ANNOTATION_CLAIM_TEMPLATE_SIZE] ??= spec.storageSize;
  // Once applications are given the pooler's host, its Service stays (plan/cloudnative-pg/plan.ts).
  if (engine === 'cloudnative-pg' && spec.pooling) annotations[ANNOTATION_POOLER_HOST_GIVEN] ??= 'true';
  if (engine !== 'shared-server') {
    spec.minorVersion = s.minorVersion === undefined || s.minorVersion === LATEST_MINOR ? platform.postgres.newestMinor[version] : s.minorVersion;
  }
  if (s.walStorageSize !== undefined) spec.walStorageSize = s.walStorageSize;
  if (s.server !== undefined) {
    spec.server = { name: s.server.name, namespace: s.server.namespace ?? namespace, ...(s.server.userSuffix ? { userSuffix: s.server.userSuffix } : {}) };
  }
  if (engine === 'shared-server') spec.connectionLimit = s.connectionLimit ?? 20;
  if (s.tenants !== undefined) spec.tenants = s.tenants;
  if (s.passwordRotationDays !== undefined) spec.passwordRotationDays = s.passwordRotationDays;
  if (s.importFrom !== undefined) {
    spec.importFrom = { from: s.importFrom.from, database: s.importFrom.database ?? spec.database, username: s.importFrom.username ?? spec.username, ssl: s.importFrom.ssl ?? spec.ssl };
  }
  if (s.restore !== undefined) {
    spec.restore = {
      from: s.restore.from,
      namespace: s.restore.namespace ?? namespace,
      cluster: s.restore.cluster ?? spec.cluster,
      ...(s.restore.targetTime !== undefined ? { targetTime: s.restore.targetTime } : {}),
    };
  }
  if (s.storageClass !== undefined) spec.storageClass = s.storageClass;
  if (s.system !== undefined) spec.system = s.system;

  return {
    apiVersion: REQUEST_API_VERSION,
    kind: REQUEST_KIND,
    metadata: { name: input.metadata.name, namespace, annotations },
    spec,
  };
}

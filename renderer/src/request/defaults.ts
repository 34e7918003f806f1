import type { PlatformSettings } from '../platform/settings';
import { PROFILE_TABLE } from '../plan/profiles';
import { SIZE_TABLE } from '../plan/sizes';
import type { RequestObjectInput } from './schema';
import { REQUEST_API_VERSION, REQUEST_KIND } from './schema';
import { SCHEMA_VERSION } from '../version';

/** A request with every default resolved: what request.yaml stores and what the plan reads. */
export interface ResolvedSpec {
  engine: 'statefulset' | 'cloudnative-pg';
  profile: 'dev' | 'staging' | 'prod';
  size: 'small' | 'medium' | 'large';
  version: string;
  database: string;
  username: string;
  replicas: number;
  persistence: boolean;
  storageSize: string;
  storageClass?: string;
  backup: boolean;
  backupSchedule: string;
  backupRetention: number;
  monitoring: boolean;
  ssl: boolean;
  cluster: string;
  owner: string;
  system?: string;
  allowedNamespaces: string[];
}

export interface Request {
  apiVersion: typeof REQUEST_API_VERSION;
  kind: typeof REQUEST_KIND;
  metadata: {
    name: string;
    namespace: string;
    annotations: Record<string, string>;
  };
  spec: ResolvedSpec;
}

export const ANNOTATION_SCHEMA_VERSION = 'postgres-gitops.dev/schema-version';
export const ANNOTATION_REQUESTED_BY = 'postgres-gitops.dev/requested-by';
/** Annotations a stored request keeps; everything else a Kratix object carries is dropped. */
const KEPT_ANNOTATIONS = [ANNOTATION_REQUESTED_BY];

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
  const spec: ResolvedSpec = {
    engine: s.engine ?? 'statefulset',
    profile,
    size,
    version: s.version ?? '15',
    database: s.database ?? 'app',
    username: s.username ?? 'postgres',
    // Standbys clone onto a volume; without persistence the size's standby is dropped.
    replicas: s.replicas ?? (persistence ? sizeSpec.replicas : 1),
    persistence,
    storageSize: s.storageSize ?? sizeSpec.storage,
    // A profile never switches backup on for a database without a volume to back up.
    backup: s.backup ?? (persistence && profileSpec.backup),
    backupSchedule: s.backupSchedule ?? '0 2 * * *',
    backupRetention: s.backupRetention ?? profileSpec.backupRetention,
    monitoring: s.monitoring ?? profileSpec.monitoring,
    ssl: s.ssl ?? profileSpec.ssl,
    cluster: s.cluster ?? platform.defaultCluster,
    owner: s.owner ?? `group:default/${namespace}`,
    allowedNamespaces: [...new Set(s.allowedNamespaces ?? [])].sort(),
  };
  if (s.storageClass !== undefined) spec.storageClass = s.storageClass;
  if (s.system !== undefined) spec.system = s.system;

  return {
    apiVersion: REQUEST_API_VERSION,
    kind: REQUEST_KIND,
    metadata: { name: input.metadata.name, namespace, annotations },
    spec,
  };
}

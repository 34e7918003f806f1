import type { AccessPrivilege } from './names';
import type { ENGINES, PROFILES, REQUEST_API_VERSION, REQUEST_KIND, SIZES } from './schema';

export type EngineId = (typeof ENGINES)[number];

/** A request with every default resolved: what request.yaml stores and what the plan reads. */
export interface ResolvedSpec {
  engine: EngineId;
  profile: (typeof PROFILES)[number];
  size: (typeof SIZES)[number];
  version: string;
  /** The pinned minor release, like 16.11; absent on a shared server (its server decides). */
  minorVersion?: string;
  database: string;
  username: string;
  replicas: number;
  persistence: boolean;
  storageSize: string;
  storageClass?: string;
  backup: boolean;
  backupSchedule: string;
  backupRetention: number;
  /** Prove each backup restorable (see render/statefulset/backup.ts, render/cloudnative-pg/drill.ts). */
  restoreDrill: boolean;
  /** Extra login roles of the application database, sorted by role. */
  access: AccessRole[];
  monitoring: boolean;
  ssl: boolean;
  cluster: string;
  owner: string;
  system?: string;
  allowedNamespaces: string[];
  pooling: boolean;
  walStorageSize?: string;
  /** shared-server: the server this database lives on. */
  server?: SharedServerRef;
  /** shared-server: most concurrent connections of the owner role. */
  connectionLimit?: number;
  /** cloudnative-pg: this server accepts shared-server databases. */
  tenants?: boolean;
  /** A new application password every this many days, applied live (see render/common/secrets.ts). */
  passwordRotationDays?: number;
  restore?: RestoreSource;
  importFrom?: ImportSource;
}

export interface AccessRole {
  role: string;
  privileges: AccessPrivilege;
}

export interface SharedServerRef {
  name: string;
  namespace: string;
  userSuffix?: string;
}

/** Another database, in the same namespace and cluster, whose data a new cloudnative-pg database imports. */
export interface ImportSource {
  from: string;
  database: string;
  username: string;
  /** The source has ssl: true: the import connects with verify-full against its CA. */
  ssl: boolean;
}

/** Another database whose backups a new cloudnative-pg database starts from. */
export interface RestoreSource {
  from: string;
  namespace: string;
  cluster: string;
  /** RFC 3339; the latest point when absent. */
  targetTime?: string;
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

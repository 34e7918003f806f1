import type { PlatformSettings } from '../request/platform';
import type { ProfileSpec, SizeSpec } from '../request/presets';
import type { Request, ResolvedSpec } from '../request/types';
import type { AccessPlan } from './access';
import type { CommonNames } from './names';
import type { Tuning } from './tuning';

export type SslMode = 'verify-full' | 'require' | 'prefer';

/** Where clients find the CA that signed the server's certificate: a Secret key, mounted at a path by convention. */
export interface RootCertificate {
  secret: string;
  key: string;
  /** The path PGSSLROOTCERT and DATABASE_URL name; applications mount the key there. */
  path: string;
}

/** The CA's directory in every pod that connects with verify-full (the key is mounted alone, never the server key). */
export const ROOT_CERT_DIR = '/etc/postgres-gitops/ca';
export const ROOT_CERT_KEY = 'ca.crt';

/** The CA in `secret` (key `ca.crt`, where cert-manager and CloudNativePG both write it), at the conventional path. */
export function rootCertificate(secret: string): RootCertificate {
  return { secret, key: ROOT_CERT_KEY, path: `${ROOT_CERT_DIR}/${ROOT_CERT_KEY}` };
}

/** What every engine's plan holds; an engine's plan adds its own part (see Plan). */
export interface PlanBase {
  request: Request;
  name: string;
  namespace: string;
  spec: ResolvedSpec;
  platform: PlatformSettings;
  size: SizeSpec;
  profile: ProfileSpec;
  tuning: Tuning;
  /** PostgreSQL pods besides the primary. */
  standbys: number;
  /** `<major>.<minor>` of the image, for labels and the review. */
  postgresVersion: string;
  images: { postgres: string };
  roles: { app: string; superuser: string; replication: string; monitoring: string; appIsSuperuser: boolean };
  port: number;
  names: CommonNames;
  /** What applications are told, in the Secret and the connection ConfigMap. */
  connection: {
    host: string;
    readOnlyHost?: string;
    sslmode: SslMode;
    /** With verify-full: the CA to verify the server against. */
    rootCert?: RootCertificate;
    /** The primary itself, when `host` is a pooler. */
    directHost?: string;
    /** The user name applications send, when it is not the role's (a proxy's suffix). */
    user?: string;
  };
  /** Retired (the request's retired annotation): only the record of what stays is rendered (see review/decommission.ts). */
  retired: boolean;
  /** Access roles and their groups (spec.access; the roles may be none). */
  access: AccessPlan;
  /** Scheduled rotation of the application password: how often External Secrets generates a new one. */
  passwordRotation?: { refreshInterval: string };
  /** Selects the pods that serve PostgreSQL, for NetworkPolicies. */
  databasePods: { matchLabels: Record<string, string>; matchExpressions?: unknown[] };
  /** Label selector of the database's objects, for the catalog entity's Kubernetes annotation. */
  catalogLabelSelector: string;
  /** Catalog annotations the engine adds, naming its own objects. */
  catalogAnnotations: Record<string, string>;
  /** How the engine wants the application Secret: its type, keys beyond the common ones, labels. */
  applicationSecret: { type: string; extraData: Record<string, string>; labels: Record<string, string> };
}

/** The part every engine starts from; the engine adds its images, its pods and everything of its own. */
export type PlanCommon = Omit<PlanBase, 'images' | 'databasePods' | 'catalogLabelSelector' | 'catalogAnnotations' | 'applicationSecret'>;

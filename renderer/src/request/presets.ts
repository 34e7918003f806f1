import type { PROFILES, SERVER_ENGINES, SIZES } from './schema';

export type Size = (typeof SIZES)[number];
export type Profile = (typeof PROFILES)[number];

export interface SizeSpec {
  cpuRequest: string;
  cpuLimit: string;
  memoryRequest: string;
  memoryLimit: string;
  /** Memory limit in MiB, for tuning. */
  memoryLimitMi: number;
  storage: string;
  /** PostgreSQL pods: one primary plus standbys. */
  replicas: number;
}

/** Exactly the seed promise's size table. */
export const SIZE_TABLE: Record<Size, SizeSpec> = {
  small: { cpuRequest: '100m', cpuLimit: '500m', memoryRequest: '256Mi', memoryLimit: '512Mi', memoryLimitMi: 512, storage: '1Gi', replicas: 1 },
  medium: { cpuRequest: '250m', cpuLimit: '1000m', memoryRequest: '512Mi', memoryLimit: '1Gi', memoryLimitMi: 1024, storage: '5Gi', replicas: 1 },
  large: { cpuRequest: '500m', cpuLimit: '2000m', memoryRequest: '1Gi', memoryLimit: '2Gi', memoryLimitMi: 2048, storage: '10Gi', replicas: 2 },
};

/**
 * Defaults that differ by engine. The statefulset engine keeps the seed promise's `postgres`;
 * CloudNativePG keeps the superuser to itself, so its application role defaults to `app`, as the
 * operator's own default owner does.
 */
export const ENGINE_DEFAULTS: Record<(typeof SERVER_ENGINES)[number], { username: string }> = {
  statefulset: { username: 'postgres' },
  'cloudnative-pg': { username: 'app' },
};

export interface ProfileSpec {
  backup: boolean;
  monitoring: boolean;
  ssl: boolean;
  backupRetention: number;
  /** Restore drills by default (when the database has backups). */
  restoreDrill: boolean;
  /** log_min_duration_statement in ms, -1 to disable. */
  logMinDurationMs: number;
  /** Spread pods across nodes: required in prod, preferred elsewhere. */
  requiredAntiAffinity: boolean;
}

/**
 * Feature defaults and tuning per environment, in the spirit of the seed Helm chart's
 * values-dev/-staging/-prod files. `dev` keeps the seed promise's defaults (no backup,
 * monitoring or SSL) so seed requests behave as documented.
 */
export const PROFILE_TABLE: Record<Profile, ProfileSpec> = {
  dev: { backup: false, monitoring: false, ssl: false, backupRetention: 3, restoreDrill: false, logMinDurationMs: -1, requiredAntiAffinity: false },
  staging: { backup: true, monitoring: true, ssl: false, backupRetention: 7, restoreDrill: false, logMinDurationMs: 1000, requiredAntiAffinity: false },
  prod: { backup: true, monitoring: true, ssl: true, backupRetention: 30, restoreDrill: true, logMinDurationMs: 500, requiredAntiAffinity: true },
};

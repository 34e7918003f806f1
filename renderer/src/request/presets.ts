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

/**
 * How a database pod's requests relate to its limits (Kubernetes QoS classes,
 * https://kubernetes.io/docs/concepts/workloads/pods/pod-qos/). max_connections is sized from the
 * memory limit (plan/tuning.ts), so only memory requested up to the limit is memory the
 * connections can count on: a node short of memory evicts Burstable pods above their requests
 * first, and the OOM killer picks them first.
 * - `size`: the size table's requests (Burstable): memory may be overcommitted; fine for dev.
 * - `memory-at-limit`: memory requested at the limit, CPU from the size table (Burstable, but
 *   memory is never overcommitted; CPU overcommit only throttles).
 * - `at-limit`: every request at its limit in every container of the pod (Guaranteed), as
 *   CloudNativePG recommends for production databases (docs: resource_management.md).
 */
export type Requests = 'size' | 'memory-at-limit' | 'at-limit';

export interface ProfileSpec {
  /** How the database pods' requests follow their limits (QoS). */
  requests: Requests;
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
  dev: { requests: 'size', backup: false, monitoring: false, ssl: false, backupRetention: 3, restoreDrill: false, logMinDurationMs: -1, requiredAntiAffinity: false },
  staging: { requests: 'memory-at-limit', backup: true, monitoring: true, ssl: false, backupRetention: 7, restoreDrill: false, logMinDurationMs: 1000, requiredAntiAffinity: false },
  prod: { requests: 'at-limit', backup: true, monitoring: true, ssl: true, backupRetention: 30, restoreDrill: true, logMinDurationMs: 500, requiredAntiAffinity: true },
};

/** A size's requests and limits as a profile wants them (ProfileSpec.requests): the limits never change. */
export function resourcesFor(size: SizeSpec, profile: ProfileSpec): SizeSpec {
  switch (profile.requests) {
    case 'size':
      return size;
    case 'memory-at-limit':
      return { ...size, memoryRequest: size.memoryLimit };
    case 'at-limit':
      return { ...size, cpuRequest: size.cpuLimit, memoryRequest: size.memoryLimit };
  }
}

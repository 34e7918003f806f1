import type { PROFILES } from '../request/schema';

export type Profile = (typeof PROFILES)[number];

export interface ProfileSpec {
  backup: boolean;
  monitoring: boolean;
  ssl: boolean;
  backupRetention: number;
  /** Connections per 256 MiB of memory limit; dev needs fewer. */
  connectionsPer256Mi: number;
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
  dev: { backup: false, monitoring: false, ssl: false, backupRetention: 3, connectionsPer256Mi: 25, logMinDurationMs: -1, requiredAntiAffinity: false },
  staging: { backup: true, monitoring: true, ssl: false, backupRetention: 7, connectionsPer256Mi: 40, logMinDurationMs: 1000, requiredAntiAffinity: false },
  prod: { backup: true, monitoring: true, ssl: true, backupRetention: 30, connectionsPer256Mi: 50, logMinDurationMs: 500, requiredAntiAffinity: true },
};

import type { ProfileSpec, SizeSpec } from '../request/presets';

export interface Tuning {
  maxConnections: number;
  sharedBuffersMb: number;
  effectiveCacheSizeMb: number;
  workMemKb: number;
  maintenanceWorkMemMb: number;
  maxWalSizeMb: number;
  minWalSizeMb: number;
  walKeepSizeMb: number;
  maxWalSenders: number;
  shmSizeMb: number;
  logMinDurationMs: number;
}

/**
 * max_wal_senders, the same for every database (PostgreSQL's and CloudNativePG's default): it
 * only reserves slots, and a value that followed the standby count would restart every pod on a
 * scale and, lowered, stop hot standbys from starting (it is hot-standby-sensitive). Room for
 * the most standbys a request may ask for (4), a pg_basebackup -X stream clone (2) and spares.
 */
export const MAX_WAL_SENDERS = 10;

/** PostgreSQL's default work_mem: one sort or hash before it spills to disk. */
export const WORK_MEM_MB = 4;
/** What a backend costs beyond work_mem: its stack, catalog and plan caches. */
export const BACKEND_MB = 4;
/** Kept free for the postmaster, background workers, the autovacuum launcher and the page cache's minimum. */
export const HEADROOM_MB = 64;
/** One connection at its worst common case: two work_mem areas (a sort feeding a hash, hash_mem_multiplier 2) and the backend. */
export const CONNECTION_MB = 2 * WORK_MEM_MB + BACKEND_MB;

/**
 * The usual rules of thumb: shared_buffers a quarter of memory, effective_cache_size three
 * quarters, WAL sized to the volume. max_connections is what the memory left after
 * shared_buffers, maintenance_work_mem and headroom pays for at CONNECTION_MB each, so that
 * connections x work_mem stay within the container's limit; more clients need a pooler.
 */
export function deriveTuning(size: SizeSpec, profile: ProfileSpec, storageMi: number, standbys: number): Tuning {
  const memory = size.memoryLimitMi;
  const sharedBuffersMb = Math.floor(memory / 4);
  const maintenanceWorkMemMb = Math.max(16, Math.floor(memory / 16));
  const maxConnections = Math.max(20, Math.floor((memory - sharedBuffersMb - maintenanceWorkMemMb - HEADROOM_MB) / CONNECTION_MB));
  const workMemKb = WORK_MEM_MB * 1024;
  const maxWalSizeMb = Math.max(64, Math.min(4096, Math.floor(storageMi / 4)));
  return {
    maxConnections,
    sharedBuffersMb,
    effectiveCacheSizeMb: Math.floor((memory * 3) / 4),
    workMemKb,
    maintenanceWorkMemMb,
    maxWalSizeMb,
    minWalSizeMb: Math.min(80, Math.floor(maxWalSizeMb / 2)),
    // Standbys catch up from retained WAL rather than slots, so a dead standby cannot fill the disk.
    walKeepSizeMb: standbys > 0 ? Math.max(64, Math.min(2048, Math.floor(storageMi / 8))) : 0,
    maxWalSenders: MAX_WAL_SENDERS,
    shmSizeMb: Math.max(64, Math.floor(memory / 4)),
    logMinDurationMs: profile.logMinDurationMs,
  };
}

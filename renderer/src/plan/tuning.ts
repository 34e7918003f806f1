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
 * The usual rules of thumb: shared_buffers a quarter of memory, effective_cache_size three
 * quarters, work_mem what is left spread over connections, WAL sized to the volume.
 */
export function deriveTuning(size: SizeSpec, profile: ProfileSpec, storageMi: number, standbys: number): Tuning {
  const memory = size.memoryLimitMi;
  const maxConnections = Math.min(500, Math.max(20, Math.round((profile.connectionsPer256Mi * memory) / 256)));
  const sharedBuffersMb = Math.floor(memory / 4);
  const workMemKb = Math.max(1024, Math.floor(((memory - sharedBuffersMb) * 1024) / (maxConnections * 3)));
  const maxWalSizeMb = Math.max(64, Math.min(4096, Math.floor(storageMi / 4)));
  return {
    maxConnections,
    sharedBuffersMb,
    effectiveCacheSizeMb: Math.floor((memory * 3) / 4),
    workMemKb,
    maintenanceWorkMemMb: Math.max(16, Math.floor(memory / 16)),
    maxWalSizeMb,
    minWalSizeMb: Math.min(80, Math.floor(maxWalSizeMb / 2)),
    // Standbys catch up from retained WAL rather than slots, so a dead standby cannot fill the disk.
    walKeepSizeMb: standbys > 0 ? Math.max(64, Math.min(2048, Math.floor(storageMi / 8))) : 0,
    maxWalSenders: standbys + 4,
    shmSizeMb: Math.max(64, Math.floor(memory / 4)),
    logMinDurationMs: profile.logMinDurationMs,
  };
}

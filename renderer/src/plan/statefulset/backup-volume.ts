import { quantityToMi } from '../../request/quantity';

/**
 * A pg_dump in custom format holds the rows (compressed) but no index, no bloat and no WAL: a
 * quarter of a full data volume is a generous estimate of one dump.
 */
export const DUMP_SHARE_OF_DATA = 0.25;

/**
 * The backup volume holds `retention` dumps plus the one being written (backup.sh deletes the
 * oldest only after the new one is complete), each at most DUMP_SHARE_OF_DATA of the data volume;
 * whole Gi, at least 1Gi.
 */
export function backupVolumeSize(storageSize: string, retention: number): string {
  const mi = quantityToMi(storageSize) * DUMP_SHARE_OF_DATA * (retention + 1);
  return `${Math.max(1, Math.ceil(mi / 1024))}Gi`;
}

/**
 * How much of a volume pg_wal may take on a CloudNativePG instance, and the WAL settings that keep
 * it there. PostgreSQL keeps in pg_wal (docs, "WAL Configuration", and
 * src/backend/access/transam/xlog.c KeepLogSeg / XLOGfileslop, 14 to 18):
 * - the segments since the last checkpoint's redo point, about max_wal_size before the next
 *   checkpoint is forced (a soft limit: "can be exceeded under heavy load"), plus segments
 *   recycled ahead of the insert position up to redo + max_wal_size;
 * - the segments wal_keep_size and replication slots hold back from the insert position; a slot
 *   holds at most max_slot_wal_keep_size (13+), then PostgreSQL invalidates it. CloudNativePG's
 *   high-availability slots are such slots (docs/src/replication.md, v1.30.0); a standby whose
 *   slot was invalidated catches up from the WAL archive through restore_command.
 * So pg_wal peaks at about max(wal_keep_size, max_slot_wal_keep_size) + max_wal_size x (1 +
 * overshoot); with the values below and a 50% checkpoint overshoot that is 87.5% of the budget.
 * Failed archiving is not bounded by any setting: PostgreSQLWalArchivingFailing alerts on it.
 * test/postgres/cnpg-wal-budget.test.ts writes WAL into a real server holding a slot and checks
 * the peak of pg_wal against the budget.
 */
export interface WalBudget {
  /** What pg_wal may use: the whole WAL volume, or a quarter of the data volume it shares. */
  budgetMb: number;
  maxWalSizeMb: number;
  minWalSizeMb: number;
  walKeepSizeMb: number;
  maxSlotWalKeepSizeMb: number;
}

/** Two 16MB segments: PostgreSQL's floor for max_wal_size and min_wal_size. */
const MIN_WAL_MB = 32;
/** The smallest budget the settings fit in (a 128Mi WAL volume, a 512Mi data volume). */
export const MIN_WAL_BUDGET_MB = 128;

export function walBudget(dataVolumeMi: number, walVolumeMi?: number): WalBudget {
  const budgetMb = walVolumeMi ?? Math.floor(dataVolumeMi / 4);
  const maxWalSizeMb = Math.max(MIN_WAL_MB, Math.min(4096, Math.floor(budgetMb / 4)));
  return {
    budgetMb,
    maxWalSizeMb,
    minWalSizeMb: Math.max(MIN_WAL_MB, Math.min(80, Math.floor(maxWalSizeMb / 2))),
    // CloudNativePG's own default is 512MB (pkg/postgres/configuration.go, v1.30.0): too much for a small volume.
    walKeepSizeMb: Math.min(512, Math.floor(budgetMb / 8)),
    maxSlotWalKeepSizeMb: Math.floor(budgetMb / 2),
  };
}

/** The peak of pg_wal the settings allow, with a checkpoint overshooting max_wal_size by half. */
export function walPeakMb(b: Pick<WalBudget, 'maxWalSizeMb' | 'walKeepSizeMb' | 'maxSlotWalKeepSizeMb'>): number {
  return Math.max(b.walKeepSizeMb, b.maxSlotWalKeepSizeMb) + 1.5 * b.maxWalSizeMb;
}

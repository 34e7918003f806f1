import type { FieldIssue } from '../request/errors';
import { compareMinor } from '../request/versions';
import type { Request } from '../request/types';
import { quantityToMi } from '../request/quantity';
import { engineChangeIssues } from './engines';
import type { PlatformSettings } from '../request/platform';

export interface ChangePermissions {
  /** The offline in-place major upgrade of cloudnative-pg, which stops every instance. */
  allowMajorUpgrade: boolean;
}

/** The first major CloudNativePG upgrades to in place (pg_upgrade through its upgrade job). */
const FIRST_IN_PLACE_UPGRADE_TARGET = 16;

const STATEFULSET_MAJOR_UPGRADE_STEPS =
  'the statefulset engine does not upgrade majors in place. Either (1) create a new database on the new major, ' +
  'dump the old one (pg_dump --format=custom, pg_dumpall --globals-only), restore into the new one, move the applications, ' +
  'then retire the old one; or (2) migrate to engine cloudnative-pg (a new database that imports this one; see the README, day two), ' +
  'where later majors upgrade in place';

/**
 * What an existing database may not become, checked before anything is written: data volumes
 * only grow, majors only go up (and only where an engine can do it, when asked), and the engine,
 * database name and owner stay, since changing them would orphan the data.
 */
export function changeIssues(before: Request, after: Request, permissions: ChangePermissions, platform: PlatformSettings): FieldIssue[] {
  const a = before.spec;
  const b = after.spec;
  const issues: FieldIssue[] = [];
  if (a.engine !== b.engine) {
    issues.push({ path: 'spec.engine', message: `stays ${a.engine}: an engine is not changed in place; create a new ${b.engine} database that imports this one, then retire this one (README, day two)` });
    return issues;
  }
  for (const field of ['database', 'username'] as const) {
    if (a[field] !== b[field]) issues.push({ path: `spec.${field}`, message: `stays "${a[field]}": renaming it would leave the data with the old ${field === 'database' ? 'database' : 'owner'}; create a new database instead` });
  }
  if (quantityToMi(b.storageSize) < quantityToMi(a.storageSize)) {
    issues.push({ path: 'spec.storageSize', message: `may grow, never shrink (${a.storageSize} -> ${b.storageSize}): volumes cannot shrink` });
  }
  if (a.walStorageSize !== b.walStorageSize) {
    if (!a.walStorageSize || !b.walStorageSize) {
      issues.push({ path: 'spec.walStorageSize', message: 'a WAL volume is not added to or removed from existing instances in place' });
    } else if (quantityToMi(b.walStorageSize) < quantityToMi(a.walStorageSize)) {
      issues.push({ path: 'spec.walStorageSize', message: `may grow, never shrink (${a.walStorageSize} -> ${b.walStorageSize})` });
    }
  }
  issues.push(...engineChangeIssues(a, b, platform));
  const [from, to] = [Number(a.version), Number(b.version)];
  if (to < from) {
    issues.push({ path: 'spec.version', message: `no major downgrade (${from} -> ${to}): a data directory never goes back to an older major; restore a backup taken before the upgrade into a new database` });
  } else if (to > from && b.engine === 'statefulset') {
    issues.push({ path: 'spec.version', message: `${from} -> ${to}: ${STATEFULSET_MAJOR_UPGRADE_STEPS}` });
  } else if (to > from && to < FIRST_IN_PLACE_UPGRADE_TARGET) {
    issues.push({ path: 'spec.version', message: `${from} -> ${to}: CloudNativePG upgrades in place to PostgreSQL ${FIRST_IN_PLACE_UPGRADE_TARGET} or later; choose ${FIRST_IN_PLACE_UPGRADE_TARGET} or newer` });
  } else if (to > from && !permissions.allowMajorUpgrade) {
    issues.push({ path: 'spec.version', message: `${from} -> ${to} is an offline major upgrade (every instance stops while pg_upgrade runs); set allowMajorUpgrade: true to ask for it` });
  }
  if (to === from && a.minorVersion && b.minorVersion && compareMinor(b.minorVersion, a.minorVersion) < 0) {
    issues.push({ path: 'spec.minorVersion', message: `no minor downgrade (${a.minorVersion} -> ${b.minorVersion}): the release notes of a minor may require steps that are not undone; stay on ${a.minorVersion} or move forward` });
  }
  return issues;
}

import { sha256Hex } from '../../hash';
import { formatSetting, postgresSettings, restartSettings, type Setting } from '../postgres-settings';
import type { PlanCommon } from '../base';
import { PRIMARY_SH, RELOAD_SH, STANDBY_SH, SYNC_ROLES_SH } from './scripts';
import { BACKUP_SH, DRILL_CHECK_SQL, DRILL_SH } from './drill-scripts';
import { ACCESS_SYNC_SQL, ROLE_SYNC_SH } from './role-sync';
import { ACCESS_GRANTS_SQL } from '../access-sql';

export function renderPostgresConf(settings: Record<string, Setting>): string {
  const lines = Object.entries(settings).map(([key, value]) => `${key} = ${formatSetting(value)}`);
  return `# Rendered by postgres-gitops; edit the request, not this file.\n${lines.join('\n')}\n`;
}

export interface HbaRule {
  type: 'local' | 'host' | 'hostssl' | 'hostnossl';
  database: string;
  user: string;
  address?: string;
  method: string;
}

/**
 * Client authentication: peer for the local superuser, SCRAM everywhere else, TLS-only when ssl
 * is on. The superuser never logs in over the network unless it is the application's role: the
 * scripts reach it through the local socket, and backups dump as a role that can only read.
 */
export function hbaRules(plan: PlanCommon): HbaRule[] {
  const remote = plan.spec.ssl ? 'hostssl' : 'host';
  const superuser = plan.roles.superuser;
  const rules: HbaRule[] = [
    { type: 'local', database: 'all', user: superuser, method: 'peer' },
    { type: 'local', database: 'all', user: 'all', method: 'scram-sha-256' },
  ];
  if (plan.standbys > 0) {
    rules.push(
      { type: remote, database: 'replication', user: plan.roles.replication, address: '0.0.0.0/0', method: 'scram-sha-256' },
      { type: remote, database: 'replication', user: plan.roles.replication, address: '::/0', method: 'scram-sha-256' },
    );
  }
  if (!plan.roles.appIsSuperuser) {
    rules.push(
      { type: 'host', database: 'all', user: superuser, address: '0.0.0.0/0', method: 'reject' },
      { type: 'host', database: 'all', user: superuser, address: '::/0', method: 'reject' },
    );
  }
  if (plan.access.roles.length > 0) {
    // Access roles reach their own database only; both groups by name, so no match depends on nested membership.
    const groups = `+${plan.access.groups.read},+${plan.access.groups.write}`;
    for (const address of ['0.0.0.0/0', '::/0']) {
      rules.push({ type: remote, database: plan.access.database, user: groups, address, method: 'scram-sha-256' });
    }
    for (const address of ['0.0.0.0/0', '::/0']) rules.push({ type: 'host', database: 'all', user: groups, address, method: 'reject' });
  }
  rules.push(
    { type: remote, database: 'all', user: 'all', address: '0.0.0.0/0', method: 'scram-sha-256' },
    { type: remote, database: 'all', user: 'all', address: '::/0', method: 'scram-sha-256' },
  );
  if (plan.spec.ssl) {
    rules.push(
      { type: 'hostnossl', database: 'all', user: 'all', address: '0.0.0.0/0', method: 'reject' },
      { type: 'hostnossl', database: 'all', user: 'all', address: '::/0', method: 'reject' },
    );
  }
  return rules;
}

export function renderHba(rules: HbaRule[]): string {
  const lines = rules.map(r => [r.type, r.database, r.user, r.address ?? '', r.method].filter(Boolean).join('\t'));
  return `# Rendered by postgres-gitops. Network access is narrowed further by NetworkPolicies.\n${lines.join('\n')}\n`;
}

const settingsOf = (plan: PlanCommon) => postgresSettings({ tuning: plan.tuning, port: plan.port, standbys: plan.standbys, ssl: plan.spec.ssl });

/** postgresql.conf and pg_hba.conf, as the `-config` ConfigMap carries them. */
export function configFiles(plan: PlanCommon): Record<string, string> {
  return {
    'pg_hba.conf': renderHba(hbaRules(plan)),
    'postgresql.conf': renderPostgresConf(settingsOf(plan)),
  };
}

/** The scripts this database's pods run, as the `-scripts` ConfigMap carries them. */
export function scriptFiles(plan: PlanCommon): Record<string, string> {
  const data: Record<string, string> = {
    'primary.sh': PRIMARY_SH,
    'reload.sh': RELOAD_SH,
    'sync-roles.sh': SYNC_ROLES_SH,
    // The primary's reload loop applies access roles (role-sync.ts), whether the request has any or not.
    'role-sync.sh': ROLE_SYNC_SH,
    'access-sync.sql': ACCESS_SYNC_SQL,
    'access-grants.sql': ACCESS_GRANTS_SQL,
  };
  if (plan.spec.backup) data['backup.sh'] = BACKUP_SH;
  if (plan.spec.backup && plan.spec.restoreDrill) Object.assign(data, { 'drill.sh': DRILL_SH, 'drill-check.sql': DRILL_CHECK_SQL });
  if (plan.standbys > 0) data['standby.sh'] = STANDBY_SH;
  return Object.fromEntries(Object.entries(data).sort(([a], [b]) => a.localeCompare(b)));
}

/** What the backup Job runs, not the database pods: a change to these restarts nothing. */
const JOB_SCRIPTS = ['backup.sh', 'drill.sh', 'drill-check.sql'];

/**
 * Digest of what the database pods read only when they start: the settings PostgreSQL applies
 * at start (RESTART_SETTINGS) and the scripts the pods run. A change rolls the pods. Everything
 * else in the ConfigMaps (pg_hba.conf, the settings a reload applies) reaches the running server
 * through the reload loop, so changing it restarts nothing.
 */
export function configChecksum(plan: PlanCommon, scripts: Record<string, string>): string {
  const podScripts = Object.fromEntries(Object.entries(scripts).filter(([file]) => !JOB_SCRIPTS.includes(file)));
  return sha256Hex(JSON.stringify([restartSettings(settingsOf(plan)), podScripts]));
}

import { sha256Hex } from '../../hash';
import { formatSetting, postgresSettings, type Setting } from '../postgres-settings';
import type { PlanCommon } from '../base';
import { BACKUP_SH, PASSWORD_SYNC_SH, PRIMARY_SH, STANDBY_SH, SYNC_ROLES_SH } from './scripts';

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

/** Client authentication: peer for the local superuser, SCRAM everywhere else, TLS-only when ssl is on. */
export function hbaRules(plan: PlanCommon): HbaRule[] {
  const remote = plan.spec.ssl ? 'hostssl' : 'host';
  const rules: HbaRule[] = [
    { type: 'local', database: 'all', user: 'postgres', method: 'peer' },
    { type: 'local', database: 'all', user: 'all', method: 'scram-sha-256' },
  ];
  if (plan.standbys > 0) {
    rules.push(
      { type: remote, database: 'replication', user: plan.roles.replication, address: '0.0.0.0/0', method: 'scram-sha-256' },
      { type: remote, database: 'replication', user: plan.roles.replication, address: '::/0', method: 'scram-sha-256' },
    );
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

/** postgresql.conf and pg_hba.conf, as the `-config` ConfigMap carries them. */
export function configFiles(plan: PlanCommon): Record<string, string> {
  return {
    'pg_hba.conf': renderHba(hbaRules(plan)),
    'postgresql.conf': renderPostgresConf(postgresSettings({ tuning: plan.tuning, port: plan.port, standbys: plan.standbys, ssl: plan.spec.ssl })),
  };
}

/** The scripts this database's pods run, as the `-scripts` ConfigMap carries them. */
export function scriptFiles(plan: PlanCommon): Record<string, string> {
  const data: Record<string, string> = { 'primary.sh': PRIMARY_SH, 'sync-roles.sh': SYNC_ROLES_SH };
  if (plan.spec.backup) data['backup.sh'] = BACKUP_SH;
  if (plan.standbys > 0) data['standby.sh'] = STANDBY_SH;
  if (plan.passwordRotation) data['credential-sync.sh'] = PASSWORD_SYNC_SH;
  return Object.fromEntries(Object.entries(data).sort(([a], [b]) => a.localeCompare(b)));
}

/** Digest of everything the pods read from ConfigMaps: a change rolls the pods. */
export function configChecksum(config: Record<string, string>, scripts: Record<string, string>): string {
  return sha256Hex(JSON.stringify([config, scripts]));
}

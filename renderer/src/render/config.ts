import { sha256Hex } from '../hash';
import { meta, type Plan } from '../plan/plan';
import { NO_FLUX_SUBSTITUTION } from '../plan/labels';
import type { Manifest } from './manifest';
import { hbaRules, postgresSettings, renderHba, renderPostgresConf } from './postgres-conf';
import { BACKUP_SH, PRIMARY_SH, STANDBY_SH, SYNC_ROLES_SH } from './scripts';

export function configData(plan: Plan): Record<string, string> {
  return {
    'pg_hba.conf': renderHba(hbaRules(plan)),
    'postgresql.conf': renderPostgresConf(postgresSettings(plan)),
  };
}

const checksums = new WeakMap<Plan, string>();

/** Digest of everything the pods read from ConfigMaps: a change rolls the pods. Once per plan. */
export function configChecksum(plan: Plan): string {
  let checksum = checksums.get(plan);
  if (checksum === undefined) {
    checksum = sha256Hex(JSON.stringify([configData(plan), scriptsData(plan)]));
    checksums.set(plan, checksum);
  }
  return checksum;
}

export function scriptsData(plan: Plan): Record<string, string> {
  const data: Record<string, string> = { 'primary.sh': PRIMARY_SH, 'sync-roles.sh': SYNC_ROLES_SH };
  if (plan.spec.backup) data['backup.sh'] = BACKUP_SH;
  if (plan.standbys > 0) data['standby.sh'] = STANDBY_SH;
  return Object.fromEntries(Object.entries(data).sort(([a], [b]) => a.localeCompare(b)));
}

/** ConfigMap `{name}-postgresql-config`: postgresql.conf and pg_hba.conf, mounted read-only. */
export function buildConfig(plan: Plan): Manifest[] {
  return [
    { apiVersion: 'v1', kind: 'ConfigMap', metadata: meta(plan, plan.names.config, 'config'), data: configData(plan) },
    {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: meta(plan, plan.names.scripts, 'config', NO_FLUX_SUBSTITUTION),
      data: scriptsData(plan),
    },
  ];
}

/** ConfigMap `{name}-postgresql-connection`: how applications connect. Never holds the password. */
export function buildConnection(plan: Plan): Manifest[] {
  const { hosts, port, spec } = plan;
  const data: Record<string, string> = {
    database: spec.database,
    host: hosts.primary,
    port: String(port),
    service: plan.names.service,
    sslmode: spec.ssl ? 'require' : 'prefer',
    'connection-string-format': `postgresql://${spec.username}:<password>@${hosts.primary}:${port}/${spec.database}`,
    'password-secret': `${plan.names.secret} (key postgres-password)`,
    username: spec.username,
  };
  if (plan.standbys > 0) data['read-only-host'] = hosts.replicas;
  return [
    {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: meta(plan, plan.names.connection, 'config'),
      data: Object.fromEntries(Object.entries(data).sort(([a], [b]) => a.localeCompare(b))),
    },
  ];
}

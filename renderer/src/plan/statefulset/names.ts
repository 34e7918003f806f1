import type { ResolvedSpec } from '../../request/types';
import { DNS1123_NAME_WHY, SERVICE_NAME_WHY, type CommonNames, type NameRule } from '../names';

/** Objects only the statefulset engine makes. */
export interface StatefulSetNames {
  internalSecret: string;
  config: string;
  scripts: string;
  headless: string;
  statefulSet: string;
  readStatefulSet: string;
  readHeadless: string;
  replicasService: string;
  readDisruptionBudget: string;
  backup: string;
  /** Password of the backup role (PostgreSQL 14 and later): its own generator, ExternalSecret and Secret. */
  backupCredentials: string;
  exporter: string;
  metricsService: string;
  exporterNetworkPolicy: string;
  dataVolumeTemplate: string;
  /**
   * Access roles: every role's password, copied into one Secret the primary mounts (its keys are
   * the roles), and the ServiceAccount, Role, RoleBinding and SecretStore that copy them.
   */
  roles: string;
}

export function statefulSetNames(base: string): StatefulSetNames {
  return {
    internalSecret: `${base}-internal`,
    config: `${base}-config`,
    scripts: `${base}-scripts`,
    headless: `${base}-headless`,
    statefulSet: base,
    readStatefulSet: `${base}-read`,
    readHeadless: `${base}-read-headless`,
    replicasService: `${base}-replicas`,
    readDisruptionBudget: `${base}-read`,
    backup: `${base}-backup`,
    backupCredentials: `${base}-backup-credentials`,
    exporter: `${base}-exporter`,
    metricsService: `${base}-metrics`,
    exporterNetworkPolicy: `${base}-exporter`,
    dataVolumeTemplate: 'data',
    roles: `${base}-roles`,
  };
}

const STS_WHY = 'StatefulSet names must be at most 52 characters (the controller-revision-hash label adds 11)';

/** Every object name this engine derives for the request, with its limit. */
export function statefulSetNameRules(n: CommonNames & StatefulSetNames, spec: ResolvedSpec): NameRule[] {
  const rules: NameRule[] = [
    { kind: 'StatefulSet', name: n.statefulSet, max: 52, why: STS_WHY },
    { kind: 'Service', name: n.service, max: 63, why: SERVICE_NAME_WHY, dns1035: true },
    { kind: 'Service', name: n.headless, max: 63, why: SERVICE_NAME_WHY, dns1035: true },
    { kind: 'ConfigMap', name: n.connection, max: 63, why: DNS1123_NAME_WHY },
  ];
  if (spec.replicas > 1) {
    rules.push(
      { kind: 'StatefulSet', name: n.readStatefulSet, max: 52, why: STS_WHY },
      { kind: 'Service', name: n.readHeadless, max: 63, why: SERVICE_NAME_WHY, dns1035: true },
      { kind: 'Service', name: n.replicasService, max: 63, why: SERVICE_NAME_WHY, dns1035: true },
    );
  }
  if (spec.backup) {
    rules.push({ kind: 'CronJob', name: n.backup, max: 52, why: 'CronJob names must be at most 52 characters (Job names add 11)' });
  }
  if (spec.monitoring) {
    rules.push(
      { kind: 'Deployment', name: n.exporter, max: 63, why: DNS1123_NAME_WHY },
      { kind: 'Service', name: n.metricsService, max: 63, why: SERVICE_NAME_WHY, dns1035: true },
    );
  }
  return rules;
}

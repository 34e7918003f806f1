import { DNS1123_NAME_WHY, SERVICE_NAME_WHY, type CommonNames, type NameRule } from '../names';

export const CNPG_CLUSTER_LABEL = 'cnpg.io/cluster';
export const CNPG_POD_ROLE_LABEL = 'cnpg.io/podRole';
/** On a Secret: the operator applies a change at once (passwords, certificates). */
export const CNPG_RELOAD_LABEL = 'cnpg.io/reload';
/** On a Cluster: "on" stops every instance and keeps its volumes (declarative hibernation). */
export const CNPG_HIBERNATION_ANNOTATION = 'cnpg.io/hibernation';

/** Objects only the cloudnative-pg engine makes, and the ones the operator makes from them. */
export interface CloudNativePgNames {
  cluster: string;
  /**
   * The operator's own CA (`ca.crt`, and `ca.key`, which no client mounts): of the server certificate
   * and the client certificates, or, with cert-manager server certificates, of the client certificates only.
   */
  operatorCa: string;
  /** Services the operator makes for the Cluster. */
  rwService: string;
  roService: string;
  rService: string;
  pooler: string;
  objectStore: string;
  restoreObjectStore: string;
  scheduledBackup: string;
  podMonitor: string;
  operatorNetworkPolicy: string;
  poolerNetworkPolicy: string;
  /** A server with tenants: a Secret holding only ca.crt of the server certificate's CA, and what copies it there. */
  publicCa: string;
  caPublisher: string;
}

export function cloudNativePgNames(base: string): CloudNativePgNames {
  return {
    cluster: base,
    operatorCa: `${base}-ca`,
    rwService: `${base}-rw`,
    roService: `${base}-ro`,
    rService: `${base}-r`,
    pooler: `${base}-pooler`,
    objectStore: `${base}-backups`,
    restoreObjectStore: `${base}-restore-source`,
    scheduledBackup: `${base}-daily`,
    podMonitor: base,
    operatorNetworkPolicy: `${base}-operator`,
    poolerNetworkPolicy: `${base}-pooler`,
    publicCa: `${base}-server-ca`,
    caPublisher: `${base}-ca-publisher`,
  };
}

/** Every object name this engine derives, with its limit. */
export function cloudNativePgNameRules(n: CommonNames & CloudNativePgNames, pooling: boolean): NameRule[] {
  const rules: NameRule[] = [
    {
      kind: 'Cluster',
      name: n.cluster,
      max: 50,
      why: 'CloudNativePG Cluster names must be DNS-1035 labels of at most 50 characters (its job names add suffixes)',
      dns1035: true,
    },
    { kind: 'Service', name: n.rwService, max: 63, why: SERVICE_NAME_WHY, dns1035: true },
    { kind: 'Service', name: n.service, max: 63, why: SERVICE_NAME_WHY, dns1035: true },
    { kind: 'ConfigMap', name: n.connection, max: 63, why: DNS1123_NAME_WHY },
  ];
  if (pooling) rules.push({ kind: 'Pooler', name: n.pooler, max: 63, why: `${SERVICE_NAME_WHY} (a Pooler's Service takes its name)`, dns1035: true });
  return rules;
}

/**
 * What CloudNativePG v1.30.0's mutating webhook adds to a Cluster before any validating admission
 * runs (api/v1/cluster_defaults.go setDefaults): the parts that touch fields an admission policy
 * may read. defaultRecovery fills database and owner; the anti-affinity type, log level, default
 * monitoring queries (config.MonitoringQueriesConfigmap, cnpg-default-monitoring in the released
 * manifests), replication slots, probes' isolation check; and setDefaultPlugins appends every
 * operator INCLUDE_PLUGINS entry missing from spec.plugins, bare (name, enabled: true).
 */
type Obj = Record<string, any>;

export interface OperatorConfiguration {
  includePlugins?: string[];
  monitoringQueriesConfigMap?: string;
}

export function defaultCluster(cluster: Obj, config: OperatorConfiguration = { monitoringQueriesConfigMap: 'cnpg-default-monitoring' }): Obj {
  const out = structuredClone(cluster);
  const spec = out.spec;
  spec.bootstrap ??= {};
  if (spec.bootstrap.recovery) {
    spec.bootstrap.recovery.database ||= 'app';
    spec.bootstrap.recovery.owner ||= spec.bootstrap.recovery.database;
  } else if (!spec.bootstrap.pg_basebackup) {
    spec.bootstrap.initdb ??= { database: 'app', owner: 'app' };
  }
  spec.affinity ??= {};
  if (spec.affinity.enablePodAntiAffinity !== false && !spec.affinity.podAntiAffinityType) spec.affinity.podAntiAffinityType = 'preferred';
  spec.logLevel ||= 'info';
  if (config.monitoringQueriesConfigMap && !spec.monitoring?.disableDefaultQueries) {
    spec.monitoring ??= {};
    const maps: Obj[] = spec.monitoring.customQueriesConfigMap ?? [];
    if (!maps.some(m => m.name === config.monitoringQueriesConfigMap)) spec.monitoring.customQueriesConfigMap = [{ name: config.monitoringQueriesConfigMap, key: 'queries' }, ...maps];
  }
  spec.replicationSlots ??= {};
  spec.replicationSlots.highAvailability ??= { enabled: true, slotPrefix: '_cnpg_' };
  spec.replicationSlots.synchronizeReplicas ??= { enabled: true };
  const found = new Set((spec.plugins ?? []).map((p: Obj) => p.name));
  for (const name of config.includePlugins ?? []) {
    if (!found.has(name)) (spec.plugins ??= []).push({ name, enabled: true });
  }
  spec.probes ??= {};
  spec.probes.liveness ??= {};
  spec.probes.liveness.isolationCheck ??= { enabled: true, requestTimeout: 1000, connectionTimeout: 1000 };
  return out;
}

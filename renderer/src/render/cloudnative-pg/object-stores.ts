import { PROTECT_FROM_PRUNING } from '../../plan/labels';
import { meta } from '../../plan/metadata';
import type { CloudNativePgPlan as Plan, ObjectStoreConfiguration } from '../../plan/cloudnative-pg/plan';
import type { Manifest } from '../manifest';

function objectStore(plan: Plan, name: string, store: ObjectStoreConfiguration, retentionPolicy?: string): Manifest {
  return {
    apiVersion: 'barmancloud.cnpg.io/v1',
    kind: 'ObjectStore',
    metadata: meta(plan, name, 'backup', PROTECT_FROM_PRUNING),
    spec: {
      configuration: {
        ...store,
        wal: { compression: 'gzip' },
        data: { compression: 'gzip', immediateCheckpoint: true },
      },
      ...(retentionPolicy ? { retentionPolicy } : {}),
      instanceSidecarConfiguration: { resources: plan.sidecarResources },
    },
  };
}

/**
 * Barman Cloud `ObjectStore`s: where this database archives (its own prefix, pruned to the
 * retention window), and, for a restore, where the source database's backups are read from.
 */
export function buildObjectStores(plan: Plan): Manifest[] {
  const stores: Manifest[] = [];
  if (plan.backup) stores.push(objectStore(plan, plan.names.objectStore, plan.backup.store, plan.backup.retentionPolicy));
  if (plan.restore) stores.push(objectStore(plan, plan.names.restoreObjectStore, plan.restore.store));
  return stores;
}

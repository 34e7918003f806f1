import { meta } from '../../plan/metadata';
import { BARMAN_CLOUD_PLUGIN, type CloudNativePgPlan as Plan } from '../../plan/cloudnative-pg/plan';
import type { Manifest } from '../manifest';

/** Base backups on the request's schedule (UTC), through the plugin; the first one right away. */
export function buildScheduledBackup(plan: Plan): Manifest[] {
  if (!plan.backup) return [];
  return [
    {
      apiVersion: 'postgresql.cnpg.io/v1',
      kind: 'ScheduledBackup',
      metadata: meta(plan, plan.names.scheduledBackup, 'backup'),
      spec: {
        schedule: plan.backup.schedule,
        cluster: { name: plan.names.cluster },
        method: 'plugin',
        pluginConfiguration: { name: BARMAN_CLOUD_PLUGIN },
        backupOwnerReference: 'self',
        immediate: true,
      },
    },
  ];
}

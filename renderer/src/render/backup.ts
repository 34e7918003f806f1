import { labels, meta, type Plan } from '../plan/plan';
import { PROTECT_FROM_PRUNING } from '../plan/labels';
import type { Manifest } from './manifest';
import { POSTGRES_UID, restrictedContainerSecurity, podBase } from './pod-security';
import { superuserPasswordRef } from './statefulset';

const BACKUP_DIR = '/backups';

/** CronJob and PVC `{name}-postgresql-backup`: daily pg_dump plus globals, pruned to the retention count. */
export function buildBackup(plan: Plan): Manifest[] {
  if (!plan.spec.backup) return [];
  const { names, spec } = plan;
  const superuser = superuserPasswordRef(plan);
  const pvc: Manifest = {
    apiVersion: 'v1',
    kind: 'PersistentVolumeClaim',
    metadata: meta(plan, names.backup, 'backup', PROTECT_FROM_PRUNING),
    spec: {
      accessModes: ['ReadWriteOnce'],
      ...(spec.storageClass ? { storageClassName: spec.storageClass } : {}),
      resources: { requests: { storage: spec.storageSize } },
    },
  };
  const cronJob: Manifest = {
    apiVersion: 'batch/v1',
    kind: 'CronJob',
    metadata: meta(plan, names.backup, 'backup'),
    spec: {
      schedule: spec.backupSchedule,
      timeZone: 'Etc/UTC',
      concurrencyPolicy: 'Forbid',
      startingDeadlineSeconds: 3600,
      successfulJobsHistoryLimit: 3,
      failedJobsHistoryLimit: 3,
      jobTemplate: {
        metadata: { labels: labels(plan, 'backup') },
        spec: {
          backoffLimit: 2,
          template: {
            metadata: { labels: labels(plan, 'backup') },
            spec: {
              restartPolicy: 'Never',
              ...podBase(plan.platform.imagePullSecrets, POSTGRES_UID),
              containers: [
                {
                  name: 'backup',
                  image: plan.images.postgres,
                  imagePullPolicy: 'IfNotPresent',
                  command: ['/bin/bash', '/scripts/backup.sh'],
                  env: [
                    { name: 'PGHOST', value: plan.hosts.primary },
                    { name: 'PGPORT', value: String(plan.port) },
                    { name: 'PGUSER', value: plan.roles.superuser },
                    { name: 'PGDATABASE', value: spec.database },
                    { name: 'PGSSLMODE', value: spec.ssl ? 'require' : 'prefer' },
                    { name: 'PGPASSWORD', valueFrom: { secretKeyRef: { name: superuser.secret, key: superuser.key } } },
                    { name: 'BACKUP_DIR', value: BACKUP_DIR },
                    { name: 'BACKUP_RETENTION', value: String(spec.backupRetention) },
                  ],
                  resources: {
                    requests: { cpu: plan.size.cpuRequest, memory: plan.size.memoryRequest },
                    limits: { cpu: plan.size.cpuLimit, memory: plan.size.memoryLimit },
                  },
                  securityContext: restrictedContainerSecurity(POSTGRES_UID),
                  volumeMounts: [
                    { name: 'backups', mountPath: BACKUP_DIR },
                    { name: 'scripts', mountPath: '/scripts', readOnly: true },
                    { name: 'tmp', mountPath: '/tmp' },
                  ],
                },
              ],
              volumes: [
                { name: 'backups', persistentVolumeClaim: { claimName: names.backup } },
                { name: 'scripts', configMap: { name: names.scripts, defaultMode: 0o555 } },
                { name: 'tmp', emptyDir: {} },
              ],
            },
          },
        },
      },
    },
  };
  return [pvc, cronJob];
}

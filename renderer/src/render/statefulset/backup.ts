import { PROTECT_FROM_PRUNING } from '../../plan/labels';
import { labels, meta } from '../../plan/metadata';
import type { StatefulSetPlan as Plan } from '../../plan/statefulset/plan';
import type { Manifest } from '../manifest';
import { backupVolumeSize } from '../../plan/statefulset/backup-volume';
import { POSTGRES_UID, podBase, podResources, restrictedContainerSecurity } from '../common/pod-security';
import { SCRIPTS_DIR } from './mounts';
import { rootCertMount } from '../common/root-cert';

const BACKUP_DIR = '/backups';

/** CronJob and PVC `{name}-postgresql-backup`: daily pg_dump plus globals, pruned to the retention count. */
export function buildBackup(plan: Plan): Manifest[] {
  if (!plan.spec.backup) return [];
  const { names, spec } = plan;
  const superuser = plan.superuserPassword;
  const ca = rootCertMount(plan);
  const pvc: Manifest = {
    apiVersion: 'v1',
    kind: 'PersistentVolumeClaim',
    metadata: meta(plan, names.backup, 'backup', PROTECT_FROM_PRUNING),
    spec: {
      accessModes: ['ReadWriteOnce'],
      ...(spec.storageClass ? { storageClassName: spec.storageClass } : {}),
      resources: { requests: { storage: backupVolumeSize(spec.storageSize, spec.backupRetention) } },
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
                  command: ['/bin/bash', `${SCRIPTS_DIR}/backup.sh`],
                  env: [
                    { name: 'PGHOST', value: plan.connection.host },
                    { name: 'PGPORT', value: String(plan.port) },
                    { name: 'PGUSER', value: plan.roles.superuser },
                    { name: 'PGDATABASE', value: spec.database },
                    { name: 'PGSSLMODE', value: plan.connection.sslmode },
                    ...ca.env,
                    { name: 'PGPASSWORD', valueFrom: { secretKeyRef: { name: superuser.secret, key: superuser.key } } },
                    { name: 'BACKUP_DIR', value: BACKUP_DIR },
                    { name: 'BACKUP_RETENTION', value: String(spec.backupRetention) },
                  ],
                  resources: podResources(plan.size),
                  securityContext: restrictedContainerSecurity(POSTGRES_UID),
                  volumeMounts: [
                    { name: 'backups', mountPath: BACKUP_DIR },
                    { name: 'scripts', mountPath: SCRIPTS_DIR, readOnly: true },
                    { name: 'tmp', mountPath: '/tmp' },
                    ...ca.volumeMounts,
                  ],
                },
              ],
              volumes: [
                { name: 'backups', persistentVolumeClaim: { claimName: names.backup } },
                { name: 'scripts', configMap: { name: names.scripts, defaultMode: 0o555 } },
                { name: 'tmp', emptyDir: {} },
                ...ca.volumes,
              ],
            },
          },
        },
      },
    },
  };
  return [pvc, cronJob];
}

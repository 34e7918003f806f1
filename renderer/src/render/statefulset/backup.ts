import { PROTECT_FROM_PRUNING } from '../../plan/labels';
import { labels, meta } from '../../plan/metadata';
import type { StatefulSetPlan as Plan } from '../../plan/statefulset/plan';
import type { Manifest } from '../manifest';
import { backupVolumeSize } from '../../plan/statefulset/backup-volume';
import { POSTGRES_UID, podBase, podResources, restrictedContainerSecurity } from '../common/pod-security';
import { SCRIPTS_DIR } from './mounts';
import { rootCertMount } from '../common/root-cert';
import { externalSecret, passwordGenerator } from '../common/secrets';

const BACKUP_DIR = '/backups';
/**
 * How long pg_dump waits for a table lock when it begins (a migration holding an ACCESS EXCLUSIVE
 * lock): then it fails, and the next scheduled run tries again.
 */
export const LOCK_WAIT_TIMEOUT_MS = 10 * 60 * 1000;
/**
 * The most a backup job may run before the Job controller stops it: under a day, so that with
 * concurrencyPolicy Forbid a hung dump (a lost connection, a stuck volume) costs at most one
 * daily run, and PostgreSQLBackupStale (26 hours) fires for it.
 */
export const BACKUP_DEADLINE_SECONDS = 23 * 3600;

/** `{name}-postgresql-backup-credentials`: the backup role's password, generated in the cluster (PostgreSQL 14 and later). */
export function buildBackupCredentials(plan: Plan): Manifest[] {
  const role = plan.backupRole;
  if (!role?.ownSecret || plan.platform.credentials.source === 'existing-secret') return [];
  return [passwordGenerator(plan, role.secret, [role.key]), externalSecret(plan, role.secret, role.secret)];
}

/** CronJob and PVC `{name}-postgresql-backup`: daily pg_dump plus globals, pruned to the retention count. */
export function buildBackup(plan: Plan): Manifest[] {
  const role = plan.backupRole;
  if (!plan.spec.backup || !role) return [];
  const { names, spec } = plan;
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
          activeDeadlineSeconds: BACKUP_DEADLINE_SECONDS,
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
                    { name: 'PGUSER', value: role.user },
                    { name: 'PGDATABASE', value: spec.database },
                    { name: 'PGSSLMODE', value: plan.connection.sslmode },
                    ...ca.env,
                    { name: 'PGPASSWORD', valueFrom: { secretKeyRef: { name: role.secret, key: role.key } } },
                    { name: 'BACKUP_DIR', value: BACKUP_DIR },
                    { name: 'LOCK_WAIT_TIMEOUT_MS', value: String(LOCK_WAIT_TIMEOUT_MS) },
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

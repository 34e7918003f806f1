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
const DRILL_DIR = '/drill-data';
/** The drill's verdicts: a directory of the backup volume, the only part of it the drill may write. */
const VERDICT_DIR = '/drill-verdicts';
const VERDICT_SUBPATH = 'drill-verdicts';
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

/**
 * The restore drill after each backup, in the same pod (spec.restoreDrill): the backup becomes the
 * init container (its credentials stay there) and the drill (plan/statefulset/drill-scripts.ts)
 * the container, with the same image (pg_restore and a server of the same major) and no
 * credentials, no PG* variable, nothing to reach the live server with. It sees the backups
 * read-only (restored code never gets to them; review 2 B2) and writes its verdict to its own
 * directory of the volume. Its throwaway server lives in an emptyDir bounded by the data volume's
 * size (sizeLimit: the kubelet evicts it beyond); the pod requests no ephemeral storage for it, so
 * the backup schedules wherever it did without a drill (review 2 M1), and a node short of disk
 * fails the drill, never the backup. A failed drill fails the Job at once (podFailurePolicy,
 * batch/v1, GA in Kubernetes 1.31: a retry would dump and prune again); a pod evicted or preempted
 * (DisruptionTarget: a node drain) is ignored and retried within backoffLimit (review 2 m3).
 */
function drillContainer(plan: Plan) {
  const { spec, size, tuning } = plan;
  const resources = podResources(size);
  const cpuLimit = size.cpuLimit.endsWith('m') ? Number(size.cpuLimit.slice(0, -1)) / 1000 : Number(size.cpuLimit);
  return {
    name: 'drill',
    image: plan.images.postgres,
    imagePullPolicy: 'IfNotPresent',
    command: ['/bin/bash', `${SCRIPTS_DIR}/drill.sh`],
    env: [
      { name: 'BACKUP_DIR', value: BACKUP_DIR },
      { name: 'VERDICT_DIR', value: VERDICT_DIR },
      { name: 'DRILL_DIR', value: DRILL_DIR },
      { name: 'APP_DATABASE', value: spec.database },
      { name: 'RESTORE_JOBS', value: String(Math.max(1, Math.floor(cpuLimit))) },
      { name: 'MAINTENANCE_WORK_MEM', value: `${tuning.maintenanceWorkMemMb}MB` },
      // The live server's WAL bound (a quarter of the volume at most): the restore's WAL fits the scratch space beside the data.
      { name: 'MAX_WAL_SIZE', value: `${tuning.maxWalSizeMb}MB` },
    ],
    resources,
    securityContext: restrictedContainerSecurity(POSTGRES_UID),
    volumeMounts: [
      { name: 'backups', mountPath: BACKUP_DIR, readOnly: true },
      // backup.sh, the init container, makes the directory before this container's mounts are set up.
      { name: 'backups', mountPath: VERDICT_DIR, subPath: VERDICT_SUBPATH },
      { name: 'scripts', mountPath: SCRIPTS_DIR, readOnly: true },
      { name: 'drill-data', mountPath: DRILL_DIR },
      { name: 'tmp', mountPath: '/tmp' },
    ],
  };
}

/** CronJob and PVC `{name}-postgresql-backup`: daily pg_dump plus globals, pruned to the retention count; with a restore drill after each. */
export function buildBackup(plan: Plan): Manifest[] {
  const role = plan.backupRole;
  if (!plan.spec.backup || !role) return [];
  const { names, spec } = plan;
  const drill = spec.restoreDrill;
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
          ...(drill
            ? {
                podFailurePolicy: {
                  rules: [
                    { action: 'Ignore', onPodConditions: [{ type: 'DisruptionTarget', status: 'True' }] },
                    { action: 'FailJob', onExitCodes: { containerName: 'drill', operator: 'NotIn', values: [0] } },
                  ],
                },
              }
            : {}),
          template: {
            metadata: { labels: labels(plan, 'backup') },
            spec: {
              restartPolicy: 'Never',
              ...podBase(plan.platform.imagePullSecrets, POSTGRES_UID),
              [drill ? 'initContainers' : 'containers']: [
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
              ...(drill ? { containers: [drillContainer(plan)] } : {}),
              volumes: [
                { name: 'backups', persistentVolumeClaim: { claimName: names.backup } },
                { name: 'scripts', configMap: { name: names.scripts, defaultMode: 0o555 } },
                { name: 'tmp', emptyDir: {} },
                ...(drill ? [{ name: 'drill-data', emptyDir: { sizeLimit: spec.storageSize } }] : []),
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

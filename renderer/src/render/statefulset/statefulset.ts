import { ANNOTATION_CONFIG_CHECKSUM, APP_NAME, LABEL_INSTANCE, LABEL_NAME } from '../../plan/labels';
import { labels, meta, selectorLabels } from '../../plan/metadata';
import { SOCKET_DIR, TLS_DIR } from '../../plan/postgres-settings';
import { INTERNAL_KEYS, PASSWORD_KEY } from '../../plan/secret-keys';
import { ROOT_CERT_KEY } from '../../plan/base';
import type { StatefulSetPlan as Plan } from '../../plan/statefulset/plan';
import type { Manifest } from '../manifest';
import { POSTGRES_UID, podBase, podResources, restrictedContainerSecurity } from '../common/pod-security';
import { CONFIG_DIR, SCRIPTS_DIR } from './mounts';

const DATA_DIR = '/var/lib/postgresql/data';
/** PGDATA in a subdirectory: a volume's root may hold lost+found, and PostgreSQL 18 moved its default. */
export const PGDATA = `${DATA_DIR}/pgdata`;

type Role = 'primary' | 'read';

const rotates = (plan: Plan, role: Role) => role === 'primary' && plan.passwordRotation !== undefined;

const secretEnv = (name: string, secret: string, key: string) => ({ name, valueFrom: { secretKeyRef: { name: secret, key } } });

/** Server environment. The libpq variables stay out: PGHOST here would point pg_isready at the Service. */
function serverEnv(plan: Plan, role: Role) {
  const { names } = plan;
  const env: unknown[] = [
    { name: 'PGDATA', value: PGDATA },
    { name: 'PGPORT_SERVER', value: String(plan.port) },
    { name: 'PGSOCKET', value: SOCKET_DIR },
  ];
  if (role === 'primary') {
    const superuser = plan.superuserPassword;
    env.push(
      secretEnv('POSTGRES_PASSWORD', superuser.secret, superuser.key),
      { name: 'APP_USER', value: plan.spec.username },
      { name: 'APP_DATABASE', value: plan.spec.database },
      secretEnv('APP_PASSWORD', names.secret, PASSWORD_KEY),
      { name: 'STANDBY_HOST', value: plan.connection.readOnlyHost ?? '' },
      { name: 'STANDBY_PORT', value: String(plan.port) },
    );
    if (plan.spec.monitoring) env.push(secretEnv('MONITORING_PASSWORD', names.internalSecret, INTERNAL_KEYS.monitoring));
  } else {
    env.push({ name: 'PRIMARY_HOST', value: plan.connection.host }, { name: 'PRIMARY_PORT', value: String(plan.port) });
    // The standby verifies the primary against the CA beside its own certificate, already mounted.
    if (plan.spec.ssl) env.push({ name: 'PGSSLMODE', value: plan.connection.sslmode }, { name: 'PGSSLROOTCERT', value: `${TLS_DIR}/${ROOT_CERT_KEY}` });
  }
  if (plan.standbys > 0) env.push(secretEnv('REPLICATION_PASSWORD', names.internalSecret, INTERNAL_KEYS.replication));
  return env;
}

function pgIsReady(plan: Plan) {
  return { exec: { command: ['pg_isready', '-q', '-h', '127.0.0.1', '-p', String(plan.port)] } };
}

/** Where the password-sync sidecar reads the application password; the kubelet updates it on rotation. */
const APP_SECRET_DIR = '/var/run/secrets/postgres-gitops/app';
const PASSWORD_SYNC_INTERVAL_SECONDS = 10;

/** Applies a rotated application password live (scripts.ts PASSWORD_SYNC_SH); only with rotation, only on the primary. */
function passwordSyncContainer(plan: Plan) {
  return {
    name: 'password-sync',
    image: plan.images.postgres,
    imagePullPolicy: 'IfNotPresent',
    command: ['/bin/bash', `${SCRIPTS_DIR}/credential-sync.sh`],
    env: [
      { name: 'APP_USER', value: plan.spec.username },
      { name: 'APP_PASSWORD_FILE', value: `${APP_SECRET_DIR}/${PASSWORD_KEY}` },
      { name: 'PGSOCKET', value: SOCKET_DIR },
      { name: 'PGPORT_SERVER', value: String(plan.port) },
      { name: 'SYNC_INTERVAL_SECONDS', value: String(PASSWORD_SYNC_INTERVAL_SECONDS) },
    ],
    resources: { requests: { cpu: '5m', memory: '16Mi' }, limits: { cpu: '50m', memory: '32Mi' } },
    securityContext: restrictedContainerSecurity(POSTGRES_UID),
    volumeMounts: [
      { name: 'scripts', mountPath: SCRIPTS_DIR, readOnly: true },
      { name: 'run', mountPath: SOCKET_DIR },
      { name: 'app-secret', mountPath: APP_SECRET_DIR, readOnly: true },
      { name: 'tmp', mountPath: '/tmp' },
    ],
  };
}

function volumes(plan: Plan, role: Role) {
  const list: unknown[] = [
    { name: 'config', configMap: { name: plan.names.config } },
    { name: 'scripts', configMap: { name: plan.names.scripts, defaultMode: 0o555 } },
    { name: 'shm', emptyDir: { medium: 'Memory', sizeLimit: `${plan.tuning.shmSizeMb}Mi` } },
    { name: 'run', emptyDir: {} },
    { name: 'tmp', emptyDir: {} },
  ];
  if (plan.spec.ssl) list.push({ name: 'tls', secret: { secretName: plan.names.tlsSecret, defaultMode: 0o600 } });
  if (!plan.spec.persistence) list.push({ name: plan.names.dataVolumeTemplate, emptyDir: {} });
  if (rotates(plan, role)) list.push({ name: 'app-secret', secret: { secretName: plan.names.secret, items: [{ key: PASSWORD_KEY, path: PASSWORD_KEY }], defaultMode: 0o440 } });
  return list;
}

function volumeMounts(plan: Plan) {
  const mounts: unknown[] = [
    { name: plan.names.dataVolumeTemplate, mountPath: DATA_DIR },
    { name: 'config', mountPath: CONFIG_DIR, readOnly: true },
    { name: 'scripts', mountPath: SCRIPTS_DIR, readOnly: true },
    { name: 'shm', mountPath: '/dev/shm' },
    { name: 'run', mountPath: SOCKET_DIR },
    { name: 'tmp', mountPath: '/tmp' },
  ];
  if (plan.spec.ssl) mounts.push({ name: 'tls', mountPath: TLS_DIR, readOnly: true });
  return mounts;
}

function antiAffinity(plan: Plan) {
  const term = {
    labelSelector: { matchLabels: { [LABEL_NAME]: APP_NAME, [LABEL_INSTANCE]: plan.name } },
    topologyKey: 'kubernetes.io/hostname',
  };
  return plan.profile.requiredAntiAffinity
    ? { podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [term] } }
    : { podAntiAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 100, podAffinityTerm: term }] } };
}

function podTemplate(plan: Plan, role: Role) {
  const serverArgs = ['postgres', '-c', `config_file=${CONFIG_DIR}/postgresql.conf`, '-c', `hba_file=${CONFIG_DIR}/pg_hba.conf`];
  const command =
    role === 'primary'
      ? ['/bin/bash', `${SCRIPTS_DIR}/primary.sh`, 'docker-entrypoint.sh', ...serverArgs]
      : ['/bin/bash', `${SCRIPTS_DIR}/standby.sh`, ...serverArgs];
  return {
    metadata: {
      labels: labels(plan, role),
      annotations: { [ANNOTATION_CONFIG_CHECKSUM]: plan.configChecksum },
    },
    spec: {
      ...podBase(plan.platform.imagePullSecrets, POSTGRES_UID),
      terminationGracePeriodSeconds: 60,
      affinity: antiAffinity(plan),
      containers: [
        {
          name: 'postgresql',
          image: plan.images.postgres,
          imagePullPolicy: 'IfNotPresent',
          command,
          env: serverEnv(plan, role),
          ports: [{ name: 'postgresql', containerPort: plan.port, protocol: 'TCP' }],
          startupProbe: { ...pgIsReady(plan), periodSeconds: 10, timeoutSeconds: 5, failureThreshold: 90 },
          livenessProbe: { ...pgIsReady(plan), periodSeconds: 10, timeoutSeconds: 5, failureThreshold: 6 },
          readinessProbe: { ...pgIsReady(plan), periodSeconds: 5, timeoutSeconds: 5, failureThreshold: 3 },
          resources: podResources(plan.size),
          securityContext: restrictedContainerSecurity(POSTGRES_UID),
          volumeMounts: volumeMounts(plan),
        },
        ...(rotates(plan, role) ? [passwordSyncContainer(plan)] : []),
      ],
      volumes: volumes(plan, role),
    },
  };
}

function statefulSet(plan: Plan, role: Role): Manifest {
  const { names, spec } = plan;
  const name = role === 'primary' ? names.statefulSet : names.readStatefulSet;
  return {
    apiVersion: 'apps/v1',
    kind: 'StatefulSet',
    metadata: meta(plan, name, role),
    spec: {
      replicas: role === 'primary' ? 1 : plan.standbys,
      serviceName: role === 'primary' ? names.headless : names.readHeadless,
      selector: { matchLabels: selectorLabels(plan, role) },
      podManagementPolicy: 'OrderedReady',
      updateStrategy: { type: 'RollingUpdate' },
      // Deleting or scaling down never deletes a volume: the data outlives the manifests.
      persistentVolumeClaimRetentionPolicy: { whenDeleted: 'Retain', whenScaled: 'Retain' },
      template: podTemplate(plan, role),
      ...(spec.persistence
        ? {
            volumeClaimTemplates: [
              {
                apiVersion: 'v1',
                kind: 'PersistentVolumeClaim',
                // Claim templates are immutable: only labels that never change (no version).
                metadata: { name: names.dataVolumeTemplate, labels: selectorLabels(plan, role) },
                spec: {
                  accessModes: ['ReadWriteOnce'],
                  ...(spec.storageClass ? { storageClassName: spec.storageClass } : {}),
                  resources: { requests: { storage: spec.storageSize } },
                },
              },
            ],
          }
        : {}),
    },
  };
}

/** The primary StatefulSet, and the read-replica StatefulSet when there are standbys. */
export function buildStatefulSets(plan: Plan): Manifest[] {
  return plan.standbys > 0 ? [statefulSet(plan, 'primary'), statefulSet(plan, 'read')] : [statefulSet(plan, 'primary')];
}

import { ANNOTATION_CONFIG_CHECKSUM, PROTECT_FROM_PRUNING } from '../../plan/labels';
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

/**
 * How long an empty primary keeps asking its standbys before it initialises (scripts.ts
 * PRIMARY_SH): after a restart of every pod a standby's server may answer later than the
 * primary starts. At first creation no standby ever answers, so the first start waits this long.
 */
export const STANDBY_WAIT_SECONDS = 60;

/**
 * Where the primary's empty-volume guard finds the standbys (review 3 B1): the headless read
 * Service's name, never the `-replicas` Service, which routes only to standbys that stream. The
 * headless Service publishes not-ready addresses, so its name resolves to every standby pod with
 * an address, streaming or not, and pg_isready tries each address of a name in turn until one
 * answers (libpq fe-connect.c: a refused connection moves on to the next address). One name, the
 * same for any number of standbys: scaling them leaves the primary's pod template as it was, so
 * the primary does not restart.
 */
export function standbyHosts(plan: Plan): string[] {
  const { names, namespace } = plan;
  return plan.standbys > 0 ? [`${names.readHeadless}.${namespace}.svc`] : [];
}

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
      { name: 'STANDBY_HOSTS', value: standbyHosts(plan).join(' ') },
      { name: 'STANDBY_PORT', value: String(plan.port) },
      { name: 'STANDBY_WAIT_SECONDS', value: String(STANDBY_WAIT_SECONDS) },
    );
    if (plan.spec.monitoring) env.push(secretEnv('MONITORING_PASSWORD', names.internalSecret, INTERNAL_KEYS.monitoring));
    if (plan.standbys > 0) env.push(secretEnv('REPLICATION_PASSWORD', names.internalSecret, INTERNAL_KEYS.replication));
    if (plan.backupRole?.ownSecret) env.push(secretEnv('BACKUP_PASSWORD', plan.backupRole.secret, plan.backupRole.key));
  } else {
    // The standby reports its pod name to the primary (standby.sh: cluster_name, the walreceiver's application_name).
    env.push({ name: 'POD_NAME', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } });
  }
  return env;
}

/** The clone init container's environment: where the primary is, how to verify it, the replication password. */
function cloneEnv(plan: Plan) {
  const env: unknown[] = [
    { name: 'PGDATA', value: PGDATA },
    { name: 'PRIMARY_HOST', value: plan.connection.host },
    { name: 'PRIMARY_PORT', value: String(plan.port) },
  ];
  // The standby verifies the primary against the CA beside its own certificate, already mounted.
  if (plan.spec.ssl) env.push({ name: 'PGSSLMODE', value: plan.connection.sslmode }, { name: 'PGSSLROOTCERT', value: `${TLS_DIR}/${ROOT_CERT_KEY}` });
  env.push(secretEnv('REPLICATION_PASSWORD', plan.names.internalSecret, INTERNAL_KEYS.replication));
  return env;
}

function pgIsReady(plan: Plan) {
  return { exec: { command: ['pg_isready', '-q', '-h', '127.0.0.1', '-p', String(plan.port)] } };
}

/**
 * A standby is ready while its WAL receiver streams from the primary. One that fell behind the
 * WAL the primary keeps loops "requested WAL segment has already been removed" while pg_isready
 * still answers, and would serve ever staler reads on the read Service. Through the local socket
 * as the container's user (peer authentication as postgres).
 */
function standbyStreaming(plan: Plan) {
  const query = "SELECT count(*) FROM pg_stat_wal_receiver WHERE status = 'streaming'";
  return { exec: { command: ['/bin/bash', '-c', `[ "$(psql -X -qtA -h ${SOCKET_DIR} -p ${plan.port} -U postgres -d postgres -c "${query}")" = 1 ]`] } };
}

/** Where the reload loop reads the application password with rotation; the kubelet updates it in place. */
const APP_SECRET_DIR = '/var/run/secrets/postgres-gitops/app';
/** The primary's reload loop reads the access list and the access roles' passwords here (plan/statefulset/role-sync.ts). */
const ACCESS_DIR = '/etc/postgres-gitops/access';
const ROLE_PASSWORDS_DIR = '/var/run/secrets/postgres-gitops/roles';
/** The role sync runs on every change, and this often besides (for tables other roles created). */
export const ROLE_RESYNC_SECONDS = 3600;
/**
 * How often the reload loop looks for changed files. The kubelet's update of a mounted Secret or
 * ConfigMap takes about a minute; cert-manager renews 360h before a certificate expires
 * (common/certificates.ts), so a renewed certificate is served minutes after renewal, never late.
 */
export const RELOAD_INTERVAL_SECONDS = 10;
/** Requests at the limits: the sidecar never keeps a prod pod out of the Guaranteed QoS class. */
const RELOAD_RESOURCES = { requests: { cpu: '20m', memory: '32Mi' }, limits: { cpu: '20m', memory: '32Mi' } };

/**
 * Beside every PostgreSQL container (scripts.ts RELOAD_SH): reloads the server when its
 * configuration or certificate changes on disk, and with rotation applies the new application
 * password on the primary.
 */
function reloadContainer(plan: Plan, role: Role) {
  const files = [`${CONFIG_DIR}/postgresql.conf`, `${CONFIG_DIR}/pg_hba.conf`, ...(plan.spec.ssl ? [`${TLS_DIR}/tls.crt`, `${TLS_DIR}/tls.key`] : [])];
  const env: unknown[] = [
    { name: 'PGSOCKET', value: SOCKET_DIR },
    { name: 'PGPORT_SERVER', value: String(plan.port) },
    { name: 'RELOAD_INTERVAL_SECONDS', value: String(RELOAD_INTERVAL_SECONDS) },
    { name: 'RELOAD_FILES', value: files.join(' ') },
  ];
  if (rotates(plan, role)) env.push({ name: 'APP_USER', value: plan.spec.username }, { name: 'APP_PASSWORD_FILE', value: `${APP_SECRET_DIR}/${PASSWORD_KEY}` });
  if (role === 'primary') {
    // Always, with access roles or without: adding or removing one later changes only the mounted list and Secret.
    env.push(
      ...(rotates(plan, role) ? [] : [{ name: 'APP_USER', value: plan.spec.username }]),
      { name: 'APP_DATABASE', value: plan.spec.database },
      { name: 'ACCESS_FILE', value: `${ACCESS_DIR}/roles.tsv` },
      { name: 'ROLE_PASSWORDS_DIR', value: ROLE_PASSWORDS_DIR },
      { name: 'READ_GROUP', value: plan.access.groups.read },
      { name: 'WRITE_GROUP', value: plan.access.groups.write },
      { name: 'BACKUP_ROLE', value: plan.backupRole?.ownSecret ? plan.backupRole.user : '' },
      { name: 'RESYNC_SECONDS', value: String(ROLE_RESYNC_SECONDS) },
    );
  }
  return {
    name: 'reload',
    image: plan.images.postgres,
    imagePullPolicy: 'IfNotPresent',
    command: ['/bin/bash', `${SCRIPTS_DIR}/reload.sh`],
    env,
    resources: RELOAD_RESOURCES,
    securityContext: restrictedContainerSecurity(POSTGRES_UID),
    volumeMounts: [
      { name: 'config', mountPath: CONFIG_DIR, readOnly: true },
      { name: 'scripts', mountPath: SCRIPTS_DIR, readOnly: true },
      { name: 'run', mountPath: SOCKET_DIR },
      { name: 'tmp', mountPath: '/tmp' },
      ...(plan.spec.ssl ? [{ name: 'tls', mountPath: TLS_DIR, readOnly: true }] : []),
      ...(rotates(plan, role) ? [{ name: 'app-secret', mountPath: APP_SECRET_DIR, readOnly: true }] : []),
      ...(role === 'primary' ? [{ name: 'access', mountPath: ACCESS_DIR, readOnly: true }, { name: 'roles', mountPath: ROLE_PASSWORDS_DIR, readOnly: true }] : []),
    ],
  };
}

/**
 * Standbys clone the primary in an init container (scripts.ts STANDBY_SH): init containers have
 * no probes (the API server refuses probes on them), so a clone of a large volume is never cut
 * short by the server container's startup probe.
 */
function cloneContainer(plan: Plan) {
  return {
    name: 'clone',
    image: plan.images.postgres,
    imagePullPolicy: 'IfNotPresent',
    command: ['/bin/bash', `${SCRIPTS_DIR}/standby.sh`, 'clone'],
    env: cloneEnv(plan),
    resources: podResources(plan.size),
    securityContext: restrictedContainerSecurity(POSTGRES_UID),
    volumeMounts: [
      { name: plan.names.dataVolumeTemplate, mountPath: DATA_DIR },
      { name: 'scripts', mountPath: SCRIPTS_DIR, readOnly: true },
      { name: 'tmp', mountPath: '/tmp' },
      ...(plan.spec.ssl ? [{ name: 'tls', mountPath: TLS_DIR, readOnly: true }] : []),
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
  if (role === 'primary') {
    // Optional: they exist only while the request has access roles; the kubelet fills a mount once its object
    // appears and updates it in place (kubernetes pkg/volume/secret and configmap: SetUpAt tolerates a missing
    // optional object, and RequiresRemount lets the volume manager write the payload again on every sync).
    list.push(
      { name: 'access', configMap: { name: plan.names.accessConfig, optional: true } },
      { name: 'roles', secret: { secretName: plan.names.roles, optional: true, defaultMode: 0o440 } },
    );
  }
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

/**
 * One database server per node. The selector names the server pods only (component primary or
 * read): the exporter and the backup job carry the same name and instance labels, and the
 * scheduler applies an existing pod's required anti-affinity to every incoming pod it matches
 * (kubernetes pkg/scheduler/framework/plugins/interpodaffinity/filtering.go
 * satisfyExistingPodsAntiAffinity), so a wider selector would keep them Pending.
 */
function antiAffinity(plan: Plan) {
  const term = {
    labelSelector: plan.databasePods,
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
      ...(role === 'read' ? { initContainers: [cloneContainer(plan)] } : {}),
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
          // A standby leaves the read Service after a minute without streaming (a primary restart takes less).
          readinessProbe: role === 'read'
            ? { ...standbyStreaming(plan), periodSeconds: 5, timeoutSeconds: 5, failureThreshold: 12 }
            : { ...pgIsReady(plan), periodSeconds: 5, timeoutSeconds: 5, failureThreshold: 3 },
          resources: podResources(plan.size),
          securityContext: restrictedContainerSecurity(POSTGRES_UID),
          volumeMounts: volumeMounts(plan),
        },
        reloadContainer(plan, role),
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
                // Claim templates are immutable: only labels that never change (no version), and the size
                // the database was created with. The claims themselves are rendered (buildDataClaims) and grow.
                metadata: { name: names.dataVolumeTemplate, labels: selectorLabels(plan, role) },
                spec: claimSpec(plan, plan.claimTemplateSize),
              },
            ],
          }
        : {}),
    },
  };
}

function claimSpec(plan: Plan, storage: string) {
  return {
    accessModes: ['ReadWriteOnce'],
    ...(plan.spec.storageClass ? { storageClassName: plan.spec.storageClass } : {}),
    resources: { requests: { storage } },
  };
}

/** `data-<statefulset>-<ordinal>`: the name the StatefulSet controller gives a pod's claim (stateful_set_utils.go getPersistentVolumeClaimName). */
export function dataClaimNames(plan: Plan): { role: Role; name: string }[] {
  if (!plan.spec.persistence) return [];
  const { names } = plan;
  return [
    { role: 'primary' as const, name: `${names.dataVolumeTemplate}-${names.statefulSet}-0` },
    ...Array.from({ length: plan.standbys }, (_, i) => ({ role: 'read' as const, name: `${names.dataVolumeTemplate}-${names.readStatefulSet}-${i}` })),
  ];
}

/**
 * The data volumes, one PersistentVolumeClaim per pod under the name the StatefulSet controller
 * looks for. The controller creates a pod's claim from the template only when none of that name
 * exists and never touches an existing one (kubernetes pkg/controller/statefulset/
 * stateful_pod_control.go createPersistentVolumeClaims), so these are the claims the pods mount.
 * A claim's storage request may grow once it is bound (pkg/apis/core/validation/validation.go
 * ValidatePersistentVolumeClaimUpdate), while the StatefulSet's claim template may not change at
 * all: growing spec.storageSize grows these in place and leaves the template as created. Never
 * pruned: a scale-down or a retirement leaves the data where it is.
 */
export function buildDataClaims(plan: Plan): Manifest[] {
  return dataClaimNames(plan).map(({ role, name }) => ({
    apiVersion: 'v1',
    kind: 'PersistentVolumeClaim',
    metadata: meta(plan, name, role, PROTECT_FROM_PRUNING),
    spec: claimSpec(plan, plan.spec.storageSize),
  }));
}

/** The primary StatefulSet, and the read-replica StatefulSet when there are standbys. */
export function buildStatefulSets(plan: Plan): Manifest[] {
  return plan.standbys > 0 ? [statefulSet(plan, 'primary'), statefulSet(plan, 'read')] : [statefulSet(plan, 'primary')];
}

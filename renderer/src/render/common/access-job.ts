import { sha256Hex } from '../../hash';
import type { PlanBase } from '../../plan/base';
import { ACCESS_GRANTS_SQL, ACCESS_READY_SQL, GRANTS_SH } from '../../plan/access-sql';
import { NO_FLUX_SUBSTITUTION } from '../../plan/labels';
import { labels, meta } from '../../plan/metadata';
import type { Manifest } from '../manifest';
import { podBase, restrictedContainerSecurity } from './pod-security';

/** uid of the postgres user in CloudNativePG's operand images (ghcr.io/cloudnative-pg/postgresql). */
export const CNPG_IMAGE_UID = 26;
const ACCESS_DIR = '/access';
/** The Job stops waiting for the operator (group roles, schema public) after this long, and is retried. */
export const GRANTS_WAIT_SECONDS = 600;
/**
 * A restore or a slow first start (image pulls, volume provisioning, a quota) can keep the
 * database away for hours: each attempt waits GRANTS_WAIT_SECONDS, the Job controller retries with
 * its backoff (10 s doubling to 6 min, Kubernetes "Pod backoff failure policy"), and only a day
 * without the database fails the Job for good (review 2 M3), which PostgreSQLAccessGrantsFailed
 * then reports.
 */
export const GRANTS_DEADLINE_SECONDS = 24 * 3600;
export const GRANTS_BACKOFF_LIMIT = 100;
export const GRANTS_RESOURCES = { requests: { cpu: '10m', memory: '32Mi' }, limits: { cpu: '100m', memory: '64Mi' } };

export interface GrantsJobOptions {
  /** The primary's Service, never a pooler: the grants set session state. */
  host: string;
  /**
   * Where the Job and its ConfigMap live when not in the database's namespace, and their names
   * there: a shared-server tenant's run in the server's namespace (render/shared-server/access.ts).
   */
  placement?: { namespace: string; configMap: string; jobPrefix: string };
  /** The owner's password, in a Secret of the Job's namespace. */
  passwordSecret: { name: string; key: string };
  /** An image with bash and psql. */
  image: string;
  /** With access roles: the groups' privileges; without, only who may connect (a shared server's tenants). */
  withGroups: boolean;
  /** A tenant with access roles: fail (exit 3) while any other database of the server lets PUBLIC connect (review 2 M2). */
  checkOpenDatabases?: boolean;
  /** The CA to verify the server against, mounted alone (render/common/root-cert.ts). */
  ca: { volumes: unknown[]; volumeMounts: unknown[]; env: { name: string; value: string }[] };
}

/**
 * The grants of access roles, where PostgreSQL is the operator's (cloudnative-pg, shared-server):
 * CloudNativePG 1.30 declares roles but no privileges (cloudnative-pg#7872 and #10826 are open),
 * and postInitSQL runs once, at bootstrap, as the superuser. So a Job runs access-grants.sql as
 * the database owner, with the owner's Secret: no superuser, no ServiceAccount token, nothing it
 * could not do as the application. Its name carries a digest of its scripts and its pod template:
 * any change is a new Job (a Job's template is immutable), the old one pruned by GitOps.
 */
export function grantsJob(plan: PlanBase, options: GrantsJobOptions): Manifest[] {
  const { names, access } = plan;
  const { ca } = options;
  const namespace = options.placement?.namespace ?? plan.namespace;
  const configName = options.placement?.configMap ?? names.accessConfig;
  const scripts = { 'access-grants.sql': ACCESS_GRANTS_SQL, 'access-ready.sql': ACCESS_READY_SQL, 'grants.sh': GRANTS_SH };
  const configMap: Manifest = {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { ...meta(plan, configName, 'access', NO_FLUX_SUBSTITUTION), namespace },
    data: scripts,
  };
  const template = {
    metadata: { labels: labels(plan, 'access') },
    spec: {
      restartPolicy: 'Never',
      ...podBase(plan.platform.imagePullSecrets, CNPG_IMAGE_UID),
      containers: [
        {
          name: 'grants',
          image: options.image,
          imagePullPolicy: 'IfNotPresent',
          command: ['/bin/bash', `${ACCESS_DIR}/grants.sh`],
          env: [
            { name: 'PGHOST', value: options.host },
            { name: 'PGPORT', value: String(plan.port) },
            { name: 'PGDATABASE', value: access.database },
            { name: 'PGUSER', value: access.owner },
            { name: 'PGPASSWORD', valueFrom: { secretKeyRef: options.passwordSecret } },
            // The operator's servers always speak TLS; with a CA to check, the host is verified too.
            { name: 'PGSSLMODE', value: plan.connection.rootCert ? 'verify-full' : 'require' },
            ...ca.env,
            { name: 'PGCONNECT_TIMEOUT', value: '10' },
            { name: 'READ_GROUP', value: access.groups.read },
            { name: 'WRITE_GROUP', value: access.groups.write },
            { name: 'WITH_GROUPS', value: String(options.withGroups) },
            { name: 'WAIT_SECONDS', value: String(GRANTS_WAIT_SECONDS) },
            ...(options.checkOpenDatabases ? [{ name: 'CHECK_OPEN_DATABASES', value: 'true' }] : []),
          ],
          resources: GRANTS_RESOURCES,
          securityContext: restrictedContainerSecurity(CNPG_IMAGE_UID),
          volumeMounts: [{ name: 'access', mountPath: ACCESS_DIR, readOnly: true }, { name: 'tmp', mountPath: '/tmp' }, ...ca.volumeMounts],
        },
      ],
      volumes: [{ name: 'access', configMap: { name: configName, defaultMode: 0o555 } }, { name: 'tmp', emptyDir: {} }, ...ca.volumes],
    },
  };
  const digest = sha256Hex(JSON.stringify([scripts, template])).slice(0, 8);
  const job: Manifest = {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: { ...meta(plan, `${options.placement?.jobPrefix ?? plan.name}-access-${digest}`, 'access'), namespace },
    spec: {
      backoffLimit: GRANTS_BACKOFF_LIMIT,
      activeDeadlineSeconds: GRANTS_DEADLINE_SECONDS,
      ...(options.checkOpenDatabases ? { podFailurePolicy: { rules: [{ action: 'FailJob', onExitCodes: { containerName: 'grants', operator: 'In', values: [3] } }] } } : {}),
      template,
    },
  };
  return [configMap, job];
}

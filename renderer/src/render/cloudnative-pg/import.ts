import { sha256Hex } from '../../hash';
import { NO_FLUX_SUBSTITUTION } from '../../plan/labels';
import { labels, meta } from '../../plan/metadata';
import type { CloudNativePgPlan as Plan } from '../../plan/cloudnative-pg/plan';
import { IMPORT_SH } from '../../plan/cloudnative-pg/import-script';
import { PASSWORD_KEY } from '../../plan/secret-keys';
import type { Manifest } from '../manifest';
import { CNPG_IMAGE_UID, GRANTS_BACKOFF_LIMIT, GRANTS_DEADLINE_SECONDS, GRANTS_WAIT_SECONDS } from '../common/access-job';
import { podBase, restrictedContainerSecurity } from '../common/pod-security';
import { rootCertMount } from '../common/root-cert';

const SCRIPT_DIR = '/import';
const SOURCE_CA_DIR = '/etc/postgres-gitops/import-source-ca';
/** pg_dump piped into psql: no copy on disk, a few hundred MiB at most for large rows. */
export const IMPORT_RESOURCES = { requests: { cpu: '100m', memory: '128Mi' }, limits: { cpu: '1', memory: '512Mi' } };

/**
 * The engine migration's copy (importFrom): a Job that pg_dumps the source as its owner and
 * restores into the new, empty database as the new owner, once (plan/cloudnative-pg/import-script.ts
 * has why and how). Both passwords come from Secrets of this namespace (the source's application
 * Secret, the new database's); no ServiceAccount token. The target major's image: its pg_dump reads
 * the source's major or any older one. It waits for the new Cluster like the grants Job, and fails
 * for good only on exit 3 (something else already in the new database, or a newer source). Its name
 * carries a digest of its script and pod template: a changed Job is a new one (a Job's template is
 * immutable), which finds the marker and does nothing. Pods of this namespace reach both servers
 * (the databases' NetworkPolicies admit their own namespace, render/common/network.ts); no egress
 * policy is rendered.
 */
export function buildImport(plan: Plan): Manifest[] {
  const source = plan.importFrom;
  if (!source) return [];
  const { names, spec, namespace } = plan;
  const configName = `${names.base}-import`;
  const scripts = { 'import.sh': IMPORT_SH };
  const target = rootCertMount(plan);
  const sourceCa = source.rootCert
    ? {
        volumes: [{ name: 'import-source-ca', secret: { secretName: source.rootCert.secret, items: [{ key: source.rootCert.key, path: source.rootCert.key }], defaultMode: 0o444 } }],
        volumeMounts: [{ name: 'import-source-ca', mountPath: SOURCE_CA_DIR, readOnly: true }],
        env: [{ name: 'SOURCE_SSLROOTCERT', value: `${SOURCE_CA_DIR}/${source.rootCert.key}` }],
      }
    : { volumes: [], volumeMounts: [], env: [] };
  const template = {
    metadata: { labels: labels(plan, 'import') },
    spec: {
      restartPolicy: 'Never',
      ...podBase(plan.platform.imagePullSecrets, CNPG_IMAGE_UID),
      containers: [
        {
          name: 'import',
          image: plan.images.postgres,
          imagePullPolicy: 'IfNotPresent',
          command: ['/bin/bash', `${SCRIPT_DIR}/import.sh`],
          env: [
            { name: 'SOURCE_HOST', value: source.host },
            { name: 'SOURCE_PORT', value: String(plan.port) },
            { name: 'SOURCE_DATABASE', value: source.database },
            { name: 'SOURCE_USER', value: source.user },
            { name: 'SOURCE_PASSWORD', valueFrom: { secretKeyRef: source.passwordSecret } },
            // A source without ssl speaks plain text only (its pg_hba); with ssl, its certificate and host name are verified.
            { name: 'SOURCE_SSLMODE', value: source.rootCert ? 'verify-full' : 'disable' },
            ...sourceCa.env,
            { name: 'TARGET_HOST', value: `${names.rwService}.${namespace}.svc` },
            { name: 'TARGET_PORT', value: String(plan.port) },
            { name: 'TARGET_DATABASE', value: spec.database },
            { name: 'TARGET_USER', value: spec.username },
            { name: 'TARGET_PASSWORD', valueFrom: { secretKeyRef: { name: names.secret, key: PASSWORD_KEY } } },
            // The operator's servers always speak TLS; with a CA to check, the host is verified too.
            { name: 'TARGET_SSLMODE', value: plan.connection.rootCert ? 'verify-full' : 'require' },
            ...target.env.map(e => ({ ...e, name: 'TARGET_SSLROOTCERT' })),
            { name: 'IMPORT_SOURCE', value: source.source },
            { name: 'WAIT_SECONDS', value: String(GRANTS_WAIT_SECONDS) },
          ],
          resources: IMPORT_RESOURCES,
          securityContext: restrictedContainerSecurity(CNPG_IMAGE_UID),
          volumeMounts: [{ name: 'import', mountPath: SCRIPT_DIR, readOnly: true }, { name: 'tmp', mountPath: '/tmp' }, ...target.volumeMounts, ...sourceCa.volumeMounts],
        },
      ],
      volumes: [{ name: 'import', configMap: { name: configName, defaultMode: 0o555 } }, { name: 'tmp', emptyDir: {} }, ...target.volumes, ...sourceCa.volumes],
    },
  };
  const digest = sha256Hex(JSON.stringify([scripts, template])).slice(0, 8);
  return [
    { apiVersion: 'v1', kind: 'ConfigMap', metadata: meta(plan, configName, 'import', NO_FLUX_SUBSTITUTION), data: scripts },
    {
      apiVersion: 'batch/v1',
      kind: 'Job',
      metadata: meta(plan, `${plan.name}-import-${digest}`, 'import'),
      spec: {
        backoffLimit: GRANTS_BACKOFF_LIMIT,
        activeDeadlineSeconds: GRANTS_DEADLINE_SECONDS,
        podFailurePolicy: { rules: [{ action: 'FailJob', onExitCodes: { containerName: 'import', operator: 'In', values: [3] } }] },
        template,
      },
    },
  ];
}

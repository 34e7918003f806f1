import { APP_NAME, LABEL_COMPONENT, LABEL_INSTANCE, LABEL_NAME } from '../labels';
import { EXPORTER_IMAGE, imageRef, POSTGRES_IMAGE } from '../images';
import { checkNameRules, type CommonNames } from '../names';
import { BACKUP_PASSWORD_KEY, INTERNAL_KEYS, PASSWORD_KEY } from '../secret-keys';
import { BACKUP_ROLE } from '../../request/names';
import { ANNOTATION_CLAIM_TEMPLATE_SIZE } from '../../request/annotations';
import { QUANTITY } from '../../request/quantity';
import { rootCertificate, type PlanBase, type PlanCommon } from '../base';
import type { FieldIssue } from '../../request/errors';
import { configChecksum, configFiles, scriptFiles } from './config-files';
import { statefulSetNameRules, statefulSetNames, type StatefulSetNames } from './names';

/** The statefulset engine: a primary StatefulSet, streaming standbys, scripts it runs itself. */
export interface StatefulSetPlan extends PlanBase {
  engine: 'statefulset';
  names: CommonNames & StatefulSetNames;
  images: { postgres: string; exporter: string };
  configFiles: Record<string, string>;
  scriptFiles: Record<string, string>;
  configChecksum: string;
  /** Where the superuser's password lives: the application Secret when the application is the superuser. */
  superuserPassword: { secret: string; key: string };
  /** Internal roles (superuser, replication, monitoring) get their own Secret, out of the application's envFrom. */
  internalSecret: boolean;
  /**
   * Who the backup job dumps as. From PostgreSQL 14, a role that reads everything and changes
   * nothing (pg_read_all_data, BYPASSRLS), with a password of its own; 13 has no such role, so
   * there it dumps as the application's role, which owns the database.
   */
  backupRole?: { user: string; secret: string; key: string; ownSecret: boolean };
  /**
   * The size in the StatefulSets' volume claim templates: the size the database was created with,
   * kept for good, because the API server refuses any change to a claim template. The claims
   * themselves are rendered as PersistentVolumeClaims at spec.storageSize and grow in place.
   */
  claimTemplateSize: string;
}

/** The engine's part of the plan, from the common part; returns the name-limit issues instead when there are any. */
export function planStatefulSet(base: PlanCommon): StatefulSetPlan | FieldIssue[] {
  const names = { ...base.names, ...statefulSetNames(base.names.base) };
  const issues = checkNameRules(base.name, statefulSetNameRules(names, base.spec));
  const claimTemplateSize = base.request.metadata.annotations[ANNOTATION_CLAIM_TEMPLATE_SIZE] ?? base.spec.storageSize;
  if (!QUANTITY.test(claimTemplateSize)) {
    issues.push({
      path: `metadata.annotations.${ANNOTATION_CLAIM_TEMPLATE_SIZE}`,
      message: `must be the storage size the database was created with, a whole Mi/Gi/Ti quantity (got "${claimTemplateSize}"); the renderer keeps it, do not edit it`,
    });
  }
  if (issues.length > 0) return issues;
  const mirror = base.platform.imageRegistry;
  const config = configFiles(base);
  const scripts = scriptFiles(base);
  const podLabels = { [LABEL_NAME]: APP_NAME, [LABEL_INSTANCE]: base.name };
  return {
    ...base,
    engine: 'statefulset',
    names,
    images: {
      postgres: imageRef(POSTGRES_IMAGE.registry, POSTGRES_IMAGE.repository, base.postgresVersion, mirror),
      exporter: imageRef(EXPORTER_IMAGE.registry, EXPORTER_IMAGE.repository, EXPORTER_IMAGE.tag, mirror),
    },
    connection: {
      ...base.connection,
      ...(base.standbys > 0 ? { readOnlyHost: `${names.replicasService}.${base.namespace}.svc` } : {}),
      // cert-manager writes the issuing CA beside the server's key: clients verify the host name against it.
      ...(base.spec.ssl ? { sslmode: 'verify-full', rootCert: rootCertificate(names.tlsSecret) } : {}),
    },
    catalogLabelSelector: `${LABEL_NAME}=${APP_NAME},${LABEL_INSTANCE}=${base.name}`,
    catalogAnnotations: {},
    databasePods: { matchLabels: podLabels, matchExpressions: [{ key: LABEL_COMPONENT, operator: 'In', values: ['primary', 'read'] }] },
    applicationSecret: { type: 'Opaque', extraData: {}, labels: {} },
    configFiles: config,
    scriptFiles: scripts,
    configChecksum: configChecksum(base, scripts),
    superuserPassword: base.roles.appIsSuperuser
      ? { secret: names.secret, key: PASSWORD_KEY }
      : { secret: names.internalSecret, key: INTERNAL_KEYS.superuser },
    internalSecret: !base.roles.appIsSuperuser || base.standbys > 0 || base.spec.monitoring,
    ...(base.spec.backup
      ? {
          backupRole: Number(base.spec.version) >= 14
            ? { user: BACKUP_ROLE, secret: names.backupCredentials, key: BACKUP_PASSWORD_KEY, ownSecret: true }
            : { user: base.spec.username, secret: names.secret, key: PASSWORD_KEY, ownSecret: false },
        }
      : {}),
    claimTemplateSize,
  };
}

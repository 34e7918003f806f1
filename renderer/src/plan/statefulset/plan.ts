import { APP_NAME, LABEL_COMPONENT, LABEL_INSTANCE, LABEL_NAME } from '../labels';
import { EXPORTER_IMAGE, imageRef, POSTGRES_IMAGE } from '../images';
import { checkNameRules, type CommonNames } from '../names';
import { INTERNAL_KEYS, PASSWORD_KEY } from '../secret-keys';
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
}

/** The engine's part of the plan, from the common part; returns the name-limit issues instead when there are any. */
export function planStatefulSet(base: PlanCommon): StatefulSetPlan | FieldIssue[] {
  const names = { ...base.names, ...statefulSetNames(base.names.base) };
  const issues = checkNameRules(base.name, statefulSetNameRules(names, base.spec));
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
    configChecksum: configChecksum(config, scripts),
    superuserPassword: base.roles.appIsSuperuser
      ? { secret: names.secret, key: PASSWORD_KEY }
      : { secret: names.internalSecret, key: INTERNAL_KEYS.superuser },
    internalSecret: !base.roles.appIsSuperuser || base.standbys > 0 || base.spec.monitoring,
  };
}

import type { FieldIssue } from '../../request/errors';
import { ANNOTATION_DROP_DATA } from '../../request/annotations';
import { rootCertificate, type PlanBase, type PlanCommon } from '../base';
import { LABEL_INSTANCE, LABEL_NAME, APP_NAME } from '../labels';
import { planAccess } from '../access';
import { cnpgImage } from '../images';
import { SUPPORTED_VERSIONS } from '../../request/schema';
import { checkNameRules, type CommonNames } from '../names';
import { CNPG_CLUSTER_LABEL, CNPG_POD_ROLE_LABEL } from '../cloudnative-pg/names';
import { serverObjectNames, sharedServerNameRules, sharedServerNames, type SharedServerNames } from './names';

/** A database and owner role on an existing cloudnative-pg server: no pods of its own. */
export interface SharedServerPlan extends PlanBase {
  engine: 'shared-server';
  names: CommonNames & SharedServerNames;
  server: { name: string; namespace: string; cluster: string; rwService: string; publicCa: string };
  connectionLimit: number;
  /**
   * The image of the grants Job: psql of the newest major this renderer knows (the server's own
   * major is the server's business; psql talks to every older server).
   */
  grantsImage: string;
  /** Retired and dropped for good: the Database is ensured absent, the DatabaseRole drops its role when it goes. */
  dropData: boolean;
}

export function planSharedServer(common: PlanCommon): SharedServerPlan | FieldIssue[] {
  const { spec, namespace, platform } = common;
  const ref = spec.server!;
  const server = { name: ref.name, namespace: ref.namespace, ...serverObjectNames(ref.name) };
  const names = { ...common.names, ...sharedServerNames(namespace, common.names.base), service: server.rwService };
  const issues = checkNameRules(common.name, sharedServerNameRules(names));
  if (issues.length > 0) return issues;
  return {
    ...common,
    engine: 'shared-server',
    names,
    server,
    // The server's image and major are the server's business: the tenant's objects carry no version.
    postgresVersion: '',
    images: { postgres: '' },
    // CloudNativePG always serves TLS; the server's certificate names its -rw Service in every form
    // (GetClusterAltDNSNames, or the cert-manager Certificate), and the server publishes its CA for tenants.
    connection: {
      host: `${server.rwService}.${server.namespace}.svc.${platform.clusterDomain}`,
      sslmode: 'verify-full',
      rootCert: rootCertificate(names.secret),
      ...(ref.userSuffix ? { user: `${spec.username}${ref.userSuffix}` } : {}),
    },
    access: planAccess(spec, common.names.base, { tenantRole: spec.username, ...(ref.userSuffix ? { userSuffix: ref.userSuffix } : {}) }),
    databasePods: { matchLabels: { [CNPG_CLUSTER_LABEL]: server.cluster, [CNPG_POD_ROLE_LABEL]: 'instance' } },
    catalogLabelSelector: `${LABEL_NAME}=${APP_NAME},${LABEL_INSTANCE}=${common.name}`,
    catalogAnnotations: { 'postgres-gitops.dev/engine': 'shared-server', 'postgres-gitops.dev/server': `${server.namespace}/${server.name}` },
    applicationSecret: { type: 'Opaque', extraData: {}, labels: {} },
    connectionLimit: spec.connectionLimit ?? 20,
    grantsImage: cnpgImage(platform.postgres.newestMinor[SUPPORTED_VERSIONS[SUPPORTED_VERSIONS.length - 1]], platform.cloudnativePg.imageFlavour, platform.imageRegistry),
    dropData: common.retired && common.request.metadata.annotations[ANNOTATION_DROP_DATA] === 'true',
  };
}

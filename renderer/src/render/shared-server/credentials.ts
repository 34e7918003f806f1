import { CNPG_RELOAD_LABEL } from '../../plan/cloudnative-pg/names';
import { ROOT_CERT_KEY } from '../../plan/base';
import { NO_FLUX_SUBSTITUTION } from '../../plan/labels';
import { meta } from '../../plan/metadata';
import type { SharedServerPlan as Plan } from '../../plan/shared-server/plan';
import type { Manifest } from '../manifest';
import { applicationSecretData, passwordGenerator, refreshOf } from '../common/secrets';
import { COPY_REFRESH, inServerNamespace } from './helpers';
import { accessSecretName } from '../../plan/access';
import { EXTERNAL_SECRETS_API, kubernetesSecretStore } from '../common/secret-store';


/**
 * One password, generated once in the server's namespace (where the DatabaseRole reads it), and
 * copied into the tenant's namespace with the server's published CA (render/cloudnative-pg/public-ca.ts)
 * by a SecretStore that may read those two Secrets and nothing else (a Role with resourceNames).
 * No password in git, no cluster-wide store.
 */
export function buildTenantCredentials(plan: Plan): Manifest[] {
  const { names, spec } = plan;
  const generator = { ...passwordGenerator(plan, names.ownerSecret), metadata: inServerNamespace(plan, names.ownerSecret, 'credentials') };
  const ownerSecret: Manifest = {
    apiVersion: EXTERNAL_SECRETS_API,
    kind: 'ExternalSecret',
    metadata: inServerNamespace(plan, names.ownerSecret, 'credentials', NO_FLUX_SUBSTITUTION),
    spec: {
      ...refreshOf(plan.passwordRotation),
      target: {
        name: names.ownerSecret,
        // Retiring the tenant removes the ExternalSecret and with it this Secret.
        creationPolicy: 'Owner',
        deletionPolicy: 'Delete',
        template: {
          engineVersion: 'v2',
          type: 'kubernetes.io/basic-auth',
          metadata: { labels: { ...inServerNamespace(plan, names.ownerSecret, 'credentials').labels, [CNPG_RELOAD_LABEL]: 'true' } },
          data: { password: '{{ .password }}', username: spec.username },
        },
      },
      dataFrom: [{ sourceRef: { generatorRef: { apiVersion: generator.apiVersion, kind: 'Password', name: names.ownerSecret } } }],
    },
  };
  const reader: Manifest[] = [
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'Role',
      metadata: inServerNamespace(plan, names.ownerReader, 'credentials'),
      // The access roles' passwords too (render/shared-server/access.ts): one Role covers what the tenant copies.
      rules: [{ apiGroups: [''], resources: ['secrets'], resourceNames: [names.ownerSecret, plan.server.publicCa, ...plan.access.roles.map(r => accessSecretName(names.serverAccessPrefix, r.role))], verbs: ['get'] }],
    },
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'RoleBinding',
      metadata: inServerNamespace(plan, names.ownerReader, 'credentials'),
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: names.ownerReader },
      subjects: [{ kind: 'ServiceAccount', name: names.serviceAccount, namespace: plan.namespace }],
    },
  ];
  const copy: Manifest[] = [
    { apiVersion: 'v1', kind: 'ServiceAccount', metadata: meta(plan, names.serviceAccount, 'credentials'), automountServiceAccountToken: false },
    kubernetesSecretStore(plan, names.secretStore, 'credentials', plan.server.namespace, names.serviceAccount),
    {
      apiVersion: EXTERNAL_SECRETS_API,
      kind: 'ExternalSecret',
      metadata: meta(plan, names.secret, 'credentials', NO_FLUX_SUBSTITUTION),
      spec: {
        refreshPolicy: 'Periodic',
        refreshInterval: COPY_REFRESH,
        secretStoreRef: { kind: 'SecretStore', name: names.secretStore },
        target: {
          name: names.secret,
          creationPolicy: 'Owner',
          deletionPolicy: 'Delete',
          template: {
            engineVersion: 'v2',
            type: 'Opaque',
            metadata: { labels: meta(plan, names.secret, 'credentials').labels },
            // The server's CA beside the password: applications mount that key alone (PGSSLROOTCERT, sslmode verify-full).
            data: applicationSecretData(plan, { [ROOT_CERT_KEY]: '{{ .ca }}' }),
          },
        },
        data: [
          { secretKey: 'password', remoteRef: { key: names.ownerSecret, property: 'password' } },
          { secretKey: 'ca', remoteRef: { key: plan.server.publicCa, property: ROOT_CERT_KEY } },
        ],
      },
    },
  ];
  return [generator, ownerSecret, ...reader, ...copy];
}


import { NO_FLUX_SUBSTITUTION } from '../../plan/labels';
import { meta } from '../../plan/metadata';
import type { CloudNativePgPlan as Plan } from '../../plan/cloudnative-pg/plan';
import type { Manifest } from '../manifest';
import { EXTERNAL_SECRETS_API, kubernetesSecretStore } from '../common/secret-store';

/** How soon the copy follows a renewed CA (the operator renews its own 7 days before expiry). */
const REFRESH = '1h0m0s';

/**
 * A server with tenants publishes the CA its server certificate chains to, alone, in Secret
 * `{name}-postgresql-server-ca` of its namespace: tenants, in other namespaces, verify the server
 * (sslmode verify-full) against it. The Secrets that hold that CA also hold a key no tenant may
 * read: the operator's `{cluster}-ca` holds `ca.key`, which signs streaming_replica's certificate;
 * cert-manager's holds the server's own `tls.key`. So an ExternalSecret of the server's namespace,
 * through a SecretStore whose ServiceAccount may read that one Secret, copies `ca.crt` only, and
 * tenants' stores may read the copy.
 */
export function buildPublicServerCa(plan: Plan): Manifest[] {
  if (!plan.spec.tenants) return [];
  const { names } = plan;
  const source = plan.certificates === 'cert-manager' ? names.tlsSecret : names.operatorCa;
  return [
    { apiVersion: 'v1', kind: 'ServiceAccount', metadata: meta(plan, names.caPublisher, 'tls'), automountServiceAccountToken: false },
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'Role',
      metadata: meta(plan, names.caPublisher, 'tls'),
      rules: [{ apiGroups: [''], resources: ['secrets'], resourceNames: [source], verbs: ['get'] }],
    },
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'RoleBinding',
      metadata: meta(plan, names.caPublisher, 'tls'),
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: names.caPublisher },
      subjects: [{ kind: 'ServiceAccount', name: names.caPublisher, namespace: plan.namespace }],
    },
    kubernetesSecretStore(plan, names.caPublisher, 'tls', plan.namespace, names.caPublisher),
    {
      apiVersion: EXTERNAL_SECRETS_API,
      kind: 'ExternalSecret',
      metadata: meta(plan, names.publicCa, 'tls', NO_FLUX_SUBSTITUTION),
      spec: {
        refreshPolicy: 'Periodic',
        refreshInterval: REFRESH,
        secretStoreRef: { kind: 'SecretStore', name: names.caPublisher },
        target: {
          name: names.publicCa,
          creationPolicy: 'Owner',
          deletionPolicy: 'Delete',
          template: { engineVersion: 'v2', type: 'Opaque', metadata: { labels: meta(plan, names.publicCa, 'tls').labels }, data: { 'ca.crt': '{{ .ca }}' } },
        },
        data: [{ secretKey: 'ca', remoteRef: { key: source, property: 'ca.crt' } }],
      },
    },
  ];
}

import { NO_FLUX_SUBSTITUTION } from '../../plan/labels';
import { meta, unversionedLabels } from '../../plan/metadata';
import { PASSWORD_KEY } from '../../plan/secret-keys';
import type { StatefulSetPlan as Plan } from '../../plan/statefulset/plan';
import type { Manifest } from '../manifest';
import { accessRoleSecret, accessSecretData } from '../common/secrets';
import { EXTERNAL_SECRETS_API, kubernetesSecretStore } from '../common/secret-store';

/** How soon a role's new (or rotated) password reaches the primary's mounted copy: then the role sync applies it. */
const COPY_REFRESH = '1m0s';

/**
 * Access roles on the statefulset engine (spec.access). Each role: its own generated password and
 * Secret `{name}-postgresql-role-<role>` with the application Secret's keys (rotated like the
 * application's). For the primary's role sync (plan/statefulset/role-sync.ts), which the reload
 * loop runs without a restart: the list (ConfigMap `{name}-postgresql-access`, roles.tsv), and every
 * role's password copied into one Secret `{name}-postgresql-roles` (keys: the roles) by a SecretStore
 * of the namespace whose ServiceAccount may read those Secrets and nothing else. One Secret of a
 * fixed name, mounted optional, gains and loses keys in place: the pod template never changes
 * with the roles. Nothing here is protected from pruning: a removed role's Secret goes with it.
 */
export function buildAccess(plan: Plan): Manifest[] {
  const { access, names } = plan;
  if (access.roles.length === 0) return [];
  const generated = plan.platform.credentials.source === 'existing-secret'
    ? []
    : access.roles.flatMap(role =>
        accessRoleSecret(plan, role.secret, { type: 'Opaque', metadata: { labels: unversionedLabels(plan, 'access') }, data: accessSecretData(plan, role.user) }),
      );
  return [
    ...generated,
    {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: meta(plan, names.accessConfig, 'access'),
      data: { 'roles.tsv': access.roles.map(r => `${r.dbRole}\t${r.privileges}\n`).join('') },
    },
    { apiVersion: 'v1', kind: 'ServiceAccount', metadata: meta(plan, names.roles, 'access'), automountServiceAccountToken: false },
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'Role',
      metadata: meta(plan, names.roles, 'access'),
      rules: [{ apiGroups: [''], resources: ['secrets'], resourceNames: access.roles.map(r => r.secret), verbs: ['get'] }],
    },
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'RoleBinding',
      metadata: meta(plan, names.roles, 'access'),
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: names.roles },
      subjects: [{ kind: 'ServiceAccount', name: names.roles, namespace: plan.namespace }],
    },
    kubernetesSecretStore(plan, names.roles, 'access', plan.namespace, names.roles),
    {
      apiVersion: EXTERNAL_SECRETS_API,
      kind: 'ExternalSecret',
      metadata: meta(plan, names.roles, 'access', NO_FLUX_SUBSTITUTION),
      spec: {
        refreshPolicy: 'Periodic',
        refreshInterval: COPY_REFRESH,
        secretStoreRef: { kind: 'SecretStore', name: names.roles },
        target: { name: names.roles, creationPolicy: 'Owner', deletionPolicy: 'Delete' },
        data: access.roles.map(r => ({ secretKey: r.dbRole, remoteRef: { key: r.secret, property: PASSWORD_KEY } })),
      },
    },
  ];
}

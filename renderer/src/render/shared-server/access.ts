import { accessSecretName, type AccessRolePlan } from '../../plan/access';
import { ROOT_CERT_KEY } from '../../plan/base';
import { CNPG_RELOAD_LABEL } from '../../plan/cloudnative-pg/names';
import { NO_FLUX_SUBSTITUTION } from '../../plan/labels';
import { meta, unversionedLabels } from '../../plan/metadata';
import { BASIC_AUTH_PASSWORD_KEY } from '../../plan/secret-keys';
import type { SharedServerPlan as Plan } from '../../plan/shared-server/plan';
import { ACCESS_SERVER_GROUP } from '../../request/names';
import type { Manifest } from '../manifest';
import { grantsJob } from '../common/access-job';
import { accessDatabaseRoles } from '../common/access-roles';
import { rootCertMount } from '../common/root-cert';
import { accessRoleSecret, accessSecretData } from '../common/secrets';
import { COPY_REFRESH, inServerNamespace } from './helpers';

/** Where an access role's password lives on the server's side: `{ns}-{base}-role-<role>`, beside the owner's. */
export const serverAccessSecret = (plan: Plan, role: AccessRolePlan) => accessSecretName(plan.names.serverAccessPrefix, role.role);


/**
 * A tenant's access roles, limited to its own database. In the server's namespace (the tenant's
 * directory, never the server's): its two groups, and each role named `<tenant>__<role>`, a member
 * of its group and of the server's postgres_gitops_access (what the server's pg_hba admits; CONNECT,
 * which the tenant's grants Job gives its groups only, decides the database), its password
 * generated there. In the tenant's namespace: each role's Secret, the application
 * Secret's keys for that user with the server's CA, copied by the tenant's SecretStore. And always,
 * with access roles or without, the grants Job: it revokes CONNECT from PUBLIC on the tenant's
 * database, so no other tenant's access roles get in. The Job and its scripts live in the server's
 * namespace, where the owner's Secret and the server's public CA already are and the server's
 * PostgreSQLAccessGrantsFailed watches (render/cloudnative-pg/monitoring.ts): a tenant cannot know
 * whether its server is monitored, nor render a PrometheusRule where the CRD may be missing. The
 * server's NetworkPolicy admits its own namespace's pods (render/common/network.ts); the Job goes
 * with the tenant's directory when it is retired.
 */
export function buildTenantAccess(plan: Plan): Manifest[] {
  const { access, names } = plan;
  const withRoles = access.roles.length > 0;
  const objects: Manifest[] = [];
  if (withRoles) {
    objects.push(
      ...accessDatabaseRoles(access, plan.server.cluster, (name, component, annotations) => inServerNamespace(plan, name, component, annotations), {
        read: names.serverAccessReadGroup,
        write: names.serverAccessWriteGroup,
      }, { memberOf: [ACCESS_SERVER_GROUP], passwordSecret: role => serverAccessSecret(plan, role) }),
    );
    for (const role of access.roles) {
      const serverSecret = serverAccessSecret(plan, role);
      objects.push(
        ...accessRoleSecret(plan, serverSecret, {
          type: 'kubernetes.io/basic-auth',
          metadata: { labels: { ...unversionedLabels(plan, 'access'), [CNPG_RELOAD_LABEL]: 'true' } },
          data: { password: '{{ .password }}', username: role.dbRole },
        }, plan.server.namespace),
        {
          apiVersion: 'external-secrets.io/v1',
          kind: 'ExternalSecret',
          metadata: meta(plan, role.secret, 'access', NO_FLUX_SUBSTITUTION),
          spec: {
            refreshPolicy: 'Periodic',
            refreshInterval: COPY_REFRESH,
            secretStoreRef: { kind: 'SecretStore', name: names.secretStore },
            target: {
              name: role.secret,
              creationPolicy: 'Owner',
              deletionPolicy: 'Delete',
              template: {
                engineVersion: 'v2',
                type: 'Opaque',
                metadata: { labels: meta(plan, role.secret, 'access').labels },
                data: accessSecretData(plan, role.user, { [ROOT_CERT_KEY]: '{{ .ca }}' }),
              },
            },
            data: [
              { secretKey: 'password', remoteRef: { key: serverSecret, property: 'password' } },
              { secretKey: 'ca', remoteRef: { key: plan.server.publicCa, property: ROOT_CERT_KEY } },
            ],
          },
        },
      );
    }
  }
  objects.push(
    ...grantsJob(plan, {
      placement: { namespace: plan.server.namespace, configMap: names.serverAccessConfig, jobPrefix: names.serverAccessJobPrefix },
      host: plan.connection.host,
      passwordSecret: { name: names.ownerSecret, key: BASIC_AUTH_PASSWORD_KEY },
      image: plan.grantsImage,
      withGroups: withRoles,
      checkOpenDatabases: withRoles,
      ca: rootCertMount(plan, plan.server.publicCa),
    }),
  );
  return objects;
}

import { PROTECT_FROM_PRUNING, type Component } from '../../plan/labels';
import { meta, unversionedLabels } from '../../plan/metadata';
import { CNPG_RELOAD_LABEL, type CloudNativePgPlan as Plan } from '../../plan/cloudnative-pg/plan';
import { PASSWORD_KEY } from '../../plan/secret-keys';
import { ACCESS_SERVER_GROUP } from '../../request/names';
import type { Manifest } from '../manifest';
import { grantsJob } from '../common/access-job';
import { accessDatabaseRoles, ROLE_ATTRIBUTES } from '../common/access-roles';
import { rootCertMount } from '../common/root-cert';
import { accessRoleSecret, accessSecretData } from '../common/secrets';

/**
 * Access roles of a cloudnative-pg database (spec.access), and the hardening of a server with
 * tenants: DatabaseRoles (roles and groups), each role's password in a basic-auth Secret the
 * operator reads (cnpg.io/reload: applied when it changes, so rotation works as the application's
 * does) that also carries the application Secret's keys for the role, on PostgreSQL 14 a Database
 * object that hands schema public to the owner (CREATE on it is then revoked from PUBLIC, as 15
 * does), and the grants Job (render/common/access-job.ts).
 */
export function buildAccess(plan: Plan): Manifest[] {
  const { access, names, spec, namespace } = plan;
  const withRoles = access.roles.length > 0;
  const here = (name: string, component: Component, annotations?: Record<string, string>) => meta(plan, name, component, annotations);
  const objects: Manifest[] = [];
  if (withRoles) {
    objects.push(...accessDatabaseRoles(access, names.cluster, here, { read: names.accessReadGroup, write: names.accessWriteGroup }));
    if (plan.platform.credentials.source !== 'existing-secret') {
      for (const role of access.roles) {
        objects.push(
          ...accessRoleSecret(plan, role.secret, {
            type: 'kubernetes.io/basic-auth',
            metadata: { labels: { ...unversionedLabels(plan, 'access'), [CNPG_RELOAD_LABEL]: 'true' } },
            data: accessSecretData(plan, role.user, { username: role.dbRole, password: '{{ .password }}' }),
          }),
        );
      }
    }
    if (spec.version === '14') {
      objects.push({
        apiVersion: 'postgresql.cnpg.io/v1',
        kind: 'Database',
        metadata: meta(plan, names.database, 'access', PROTECT_FROM_PRUNING),
        spec: {
          cluster: { name: names.cluster },
          name: spec.database,
          owner: spec.username,
          ensure: 'present',
          databaseReclaimPolicy: 'retain',
          // internal/management/controller/database_controller_sql.go updateDatabaseSchema: ALTER SCHEMA public OWNER TO the owner.
          schemas: [{ name: 'public', owner: spec.username }],
        },
      });
    }
  }
  if (spec.tenants) {
    objects.push({
      apiVersion: 'postgresql.cnpg.io/v1',
      kind: 'DatabaseRole',
      metadata: meta(plan, names.tenantAccessGroup, 'access', PROTECT_FROM_PRUNING),
      spec: {
        cluster: { name: names.cluster },
        name: ACCESS_SERVER_GROUP,
        comment: 'postgres-gitops: every tenant\'s access roles, through their read groups; pg_hba admits them to any database but postgres and template1, CONNECT decides which',
        login: false,
        ...ROLE_ATTRIBUTES,
        databaseRoleReclaimPolicy: 'retain',
      },
    });
  }
  if (withRoles || spec.tenants) {
    objects.push(
      ...grantsJob(plan, {
        host: `${names.rwService}.${namespace}.svc`,
        passwordSecret: { name: names.secret, key: PASSWORD_KEY },
        image: plan.images.postgres,
        withGroups: withRoles,
        ca: rootCertMount(plan),
      }),
    );
  }
  return objects;
}

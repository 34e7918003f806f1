import { PROTECT_FROM_PRUNING } from '../../plan/labels';
import { meta } from '../../plan/metadata';
import type { AccessPlan, AccessRolePlan } from '../../plan/access';
import type { Component } from '../../plan/labels';
import type { Manifest } from '../manifest';

export const ROLE_ATTRIBUTES = { inherit: true, superuser: false, createdb: false, createrole: false, replication: false, bypassrls: false };

/** The comment that marks an access role (and its groups) as this renderer's, in the database too. */
export const accessRoleComment = (access: AccessPlan, role: Pick<AccessRolePlan, 'privileges'>) => `postgres-gitops access role of database ${access.database}: ${role.privileges}`;
export const accessGroupComment = (access: AccessPlan, privileges: 'read' | 'write') => `postgres-gitops access group of database ${access.database}: ${privileges}`;

type Metadata = ReturnType<typeof meta>;

/**
 * The DatabaseRoles of access roles and their groups, for a Cluster (`cluster`), with metadata from
 * `where` (the database's namespace, or a shared server's). An access role is dropped when its
 * object goes (reclaim policy delete): it holds only a membership, so DROP ROLE succeeds
 * (internal/management/controller/databaserole_controller.go handleDeletion, roles/postgres.go
 * Delete, CloudNativePG v1.30.0). The groups hold the privileges and are kept (retain, protected
 * from pruning). `memberOf` adds every access role to other roles too (a shared server's tenant group);
 * `passwordSecret` names each role's object and password Secret where it is not the role's own
 * Secret (a shared server's namespace).
 */
export function accessDatabaseRoles(
  access: AccessPlan,
  cluster: string,
  where: (name: string, component: Component, annotations?: Record<string, string>) => Metadata,
  names: { read: string; write: string },
  options: { memberOf?: string[]; passwordSecret?: (role: AccessRolePlan) => string } = {},
): Manifest[] {
  const secretOf = options.passwordSecret ?? ((role: AccessRolePlan) => role.secret);
  const group = (name: string, role: string, privileges: 'read' | 'write', inRoles: string[]): Manifest => ({
    apiVersion: 'postgresql.cnpg.io/v1',
    kind: 'DatabaseRole',
    metadata: where(name, 'access', PROTECT_FROM_PRUNING),
    spec: {
      cluster: { name: cluster },
      name: role,
      comment: accessGroupComment(access, privileges),
      login: false,
      ...(inRoles.length > 0 ? { inRoles } : {}),
      ...ROLE_ATTRIBUTES,
      databaseRoleReclaimPolicy: 'retain',
    },
  });
  return [
    group(names.read, access.groups.read, 'read', []),
    group(names.write, access.groups.write, 'write', [access.groups.read]),
    ...access.roles.map(
      (role): Manifest => ({
        apiVersion: 'postgresql.cnpg.io/v1',
        kind: 'DatabaseRole',
        metadata: where(secretOf(role), 'access'),
        spec: {
          cluster: { name: cluster },
          name: role.dbRole,
          comment: accessRoleComment(access, role),
          login: true,
          passwordSecret: { name: secretOf(role) },
          inRoles: [role.group, ...(options.memberOf ?? [])],
          ...ROLE_ATTRIBUTES,
          databaseRoleReclaimPolicy: 'delete',
        },
      }),
    ),
  ];
}

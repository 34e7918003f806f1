import { accessGroupNames, accessRoleDnsPart, tenantAccessRoleName, type AccessPrivilege } from '../request/names';
import type { ResolvedSpec } from '../request/types';

/** One access role: what the request names, what PostgreSQL holds, and where its credentials live. */
export interface AccessRolePlan {
  /** As the request names it. */
  role: string;
  /** The role in PostgreSQL: the same, or on a shared server the tenant's owner role, "__", the role. */
  dbRole: string;
  privileges: AccessPrivilege;
  /** The group role it is a member of (and nothing else). */
  group: string;
  /** The Secret applications use, with the application Secret's keys: `{base}-role-<role, "_" as "-">`. */
  secret: string;
  /** The user name applications send (a proxy's suffix appended on a shared server). */
  user: string;
}

/**
 * Access roles of the application database (spec.access). The privileges belong to two NOLOGIN
 * group roles per database, `<db>__read` and `<db>__write` (write a member of read); an access
 * role is only a member of one, so removing it drops a membership and nothing else, and switching
 * read and write is a membership change (docs/access-roles.md).
 */
export interface AccessPlan {
  roles: AccessRolePlan[];
  groups: { read: string; write: string };
  database: string;
  owner: string;
}

/** The access part of a plan; `tenantRole` is the owner role of a shared-server database, whose access roles take its name as a prefix. */
export function planAccess(spec: ResolvedSpec, base: string, options: { tenantRole?: string; userSuffix?: string } = {}): AccessPlan {
  const groups = accessGroupNames(spec.database);
  return {
    groups,
    database: spec.database,
    owner: spec.username,
    roles: spec.access.map(({ role, privileges }) => {
      const dbRole = options.tenantRole ? tenantAccessRoleName(options.tenantRole, role) : role;
      return {
        role,
        dbRole,
        privileges,
        group: groups[privileges],
        secret: accessSecretName(base, role),
        user: `${dbRole}${options.userSuffix ?? ''}`,
      };
    }),
  };
}

export function accessSecretName(base: string, role: string): string {
  return `${base}-role-${accessRoleDnsPart(role)}`;
}

/** Naming rules shared by the request schema and the builders. */

export const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
export const DNS1035_LABEL = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;
/** PostgreSQL identifiers we accept unquoted-safe: lower case, digits, underscore. */
export const SQL_IDENTIFIER = /^[a-z_][a-z0-9_]*$/;

/** Roles the renderer creates for itself; an application role must not take these names. */
export const REPLICATION_ROLE = 'replicator';
export const MONITORING_ROLE = 'postgres_exporter';
export const SUPERUSER_ROLE = 'postgres';
/** The statefulset engine's backups dump as this role: it reads everything (pg_read_all_data) and may change nothing. */
export const BACKUP_ROLE = 'postgres_backup';

export const RESERVED_DATABASES = ['template0', 'template1'];
/** Role names PostgreSQL itself refuses (CREATE ROLE "public" fails) or that we reserve. */
export const RESERVED_ROLES = ['public', 'none', 'current_user', 'session_user', 'current_role', REPLICATION_ROLE, MONITORING_ROLE, BACKUP_ROLE];

/**
 * Access roles: extra login roles of the application database (spec.access). A name starts with a
 * letter and ends with a letter or digit, so that "_" -> "-" gives a DNS label part for its
 * Secret; "__" is refused because it separates a shared server's tenant from its roles and groups.
 */
export const ACCESS_ROLE = /^[a-z](?:[a-z0-9_]*[a-z0-9])?$/;
export const ACCESS_PRIVILEGES = ['read', 'write'] as const;
export type AccessPrivilege = (typeof ACCESS_PRIVILEGES)[number];
/** The group every shared server's tenant access roles belong to: its pg_hba admits that group, CONNECT decides the database. */
export const ACCESS_SERVER_GROUP = 'postgres_gitops_access';
/**
 * Names an access role cannot take: what RESERVED_ROLES keeps, the roles the engines run
 * (superuser, CloudNativePG's streaming_replica, the statefulset backup role), the shared
 * servers' access group, pg_hba keywords (auth-pg-hba-conf), and "read" and "write", which
 * would be a tenant's group names (<tenant>__read).
 */
export const RESERVED_ACCESS_ROLES = [
  ...RESERVED_ROLES, SUPERUSER_ROLE, 'streaming_replica', 'postgres_backup', ACCESS_SERVER_GROUP,
  'all', 'sameuser', 'samerole', 'samegroup', 'replication', 'read', 'write',
];

/** The two NOLOGIN group roles that hold an application database's access privileges (write is a member of read). */
export function accessGroupNames(database: string): { read: string; write: string } {
  return { read: `${database}__read`, write: `${database}__write` };
}

/** The role a shared server holds for a tenant's access role: the tenant's owner role, "__", the role. */
export function tenantAccessRoleName(tenantRole: string, role: string): string {
  return `${tenantRole}__${role}`;
}

/** An access role in a Kubernetes name: "_" -> "-" (one-to-one, since "-" is no role character). */
export function accessRoleDnsPart(role: string): string {
  return role.replace(/_/g, '-');
}

/** Namespaces Kubernetes keeps for itself; a database never goes there (platforms may add their own). */
export const SYSTEM_NAMESPACES: readonly string[] = ['kube-system', 'kube-public', 'kube-node-lease'];

/**
 * A Backstage entity reference, `[kind:][namespace/]name`, with the catalog's own rules for each
 * part (kind: letters and digits; namespace: a DNS label; name: letters, digits, "-", "_", ".",
 * starting and ending with a letter or digit; each at most 63 characters).
 */
export const ENTITY_REF = /^(?:([A-Za-z][A-Za-z0-9]{0,62}):)?(?:([a-z0-9]+(?:-+[a-z0-9]+)*)\/)?([A-Za-z0-9](?:[-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?)$/;

/** The first characters of a value a message echoes back, so that a huge value makes a short error. */
export function echo(value: string, max = 64): string {
  const characters = [...value];
  return characters.length <= max ? value : `${characters.slice(0, max).join('')}... (${characters.length} characters)`;
}

/** Bytes, not characters: PostgreSQL's NAMEDATALEN limit is 63 bytes. */
export function utf8Length(value: string): number {
  return new TextEncoder().encode(value).length;
}

/**
 * The database and owner role of a shared-server database, from its namespace and name. "-"
 * becomes "_" and "__" separates the two, so different namespace/name pairs never meet on one
 * server (names with "--" are refused, the one way two pairs could map to the same text).
 */
export function tenantRoleName(namespace: string, name: string): string {
  return `${namespace.replace(/-/g, '_')}__${name.replace(/-/g, '_')}`;
}

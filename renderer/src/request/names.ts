/** Naming rules shared by the request schema and the builders. */

export const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
export const DNS1035_LABEL = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;
/** PostgreSQL identifiers we accept unquoted-safe: lower case, digits, underscore. */
export const SQL_IDENTIFIER = /^[a-z_][a-z0-9_]*$/;

/** Roles the renderer creates for itself; an application role must not take these names. */
export const REPLICATION_ROLE = 'replicator';
export const MONITORING_ROLE = 'postgres_exporter';
export const SUPERUSER_ROLE = 'postgres';

export const RESERVED_DATABASES = ['template0', 'template1'];
/** Role names PostgreSQL itself refuses (CREATE ROLE "public" fails) or that we reserve. */
export const RESERVED_ROLES = ['public', 'none', 'current_user', 'session_user', 'current_role', REPLICATION_ROLE, MONITORING_ROLE];

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

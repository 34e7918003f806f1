import { createPermission, isResourcePermission, type Permission, type ResourcePermission } from '@backstage/plugin-permission-common';

/**
 * The permissions of postgres-gitops. Each is about a database's catalog entity (resource type
 * catalog-entity), so a policy can make it conditional on the catalog's own rules, above all
 * isEntityOwner; the actions ask for them for the initiator of the task.
 */
const databasePermission = (name: string, action: 'update' | 'delete' | 'read'): ResourcePermission<'catalog-entity'> =>
  createPermission({ name, attributes: { action }, resourceType: 'catalog-entity' });

/** postgres:update (and postgres:create with update: true) on this database. */
export const postgresDatabaseUpdatePermission = databasePermission('postgres.database.update', 'update');
/** postgres:decommission of this database. */
export const postgresDatabaseDecommissionPermission = databasePermission('postgres.database.decommission', 'delete');
/** A new database restored from this database's backups (restore, restoreFrom): a copy of its data. */
export const postgresDatabaseRestorePermission = databasePermission('postgres.database.restore', 'read');
/** A new database that imports this one with pg_dump (importFrom): a copy of its data. */
export const postgresDatabaseImportPermission = databasePermission('postgres.database.import', 'read');
/** A shared-server database (a tenant) placed on this server. */
export const postgresServerTenantPermission = databasePermission('postgres.server.tenant.create', 'update');

export const postgresGitopsPermissions: ResourcePermission<'catalog-entity'>[] = [
  postgresDatabaseUpdatePermission,
  postgresDatabaseDecommissionPermission,
  postgresDatabaseRestorePermission,
  postgresDatabaseImportPermission,
  postgresServerTenantPermission,
];

const NAMES = new Set(postgresGitopsPermissions.map(p => p.name));

/** Whether a policy is asked about one of ours. */
export function isPostgresGitopsPermission(permission: Permission): permission is ResourcePermission<'catalog-entity'> {
  return NAMES.has(permission.name) && isResourcePermission(permission, 'catalog-entity');
}

/**
 * Backstage scaffolder module: the postgres:create, postgres:update and postgres:decommission
 * actions; the permissions they ask for and a default policy for them.
 *
 * @packageDocumentation
 */
import { scaffolderModulePostgres } from './module';

export default scaffolderModulePostgres;
export { scaffolderModulePostgres };
export {
  createPostgresCreateAction,
  createPostgresDecommissionAction,
  createPostgresUpdateAction,
  type PostgresCreateActionOptions,
  type PostgresDecommissionActionOptions,
  type PostgresUpdateActionOptions,
} from './actions';
export { AccessControl, type AccessServices } from './access/authorize';
export {
  isPostgresGitopsPermission,
  postgresDatabaseDecommissionPermission,
  postgresDatabaseImportPermission,
  postgresDatabaseRestorePermission,
  postgresDatabaseUpdatePermission,
  postgresGitopsPermissions,
  postgresServerTenantPermission,
} from './access/permissions';
export { postgresGitopsDecision, PostgresGitopsPermissionPolicy, postgresGitopsPermissionPolicyModule } from './access/policy';

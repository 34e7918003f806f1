/**
 * Backstage scaffolder module: the postgres:create action.
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

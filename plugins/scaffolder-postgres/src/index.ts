/**
 * Backstage scaffolder module: the postgres:create action.
 *
 * @packageDocumentation
 */
import { scaffolderModulePostgres } from './module';

export default scaffolderModulePostgres;
export { scaffolderModulePostgres };
export { createPostgresCreateAction, createPostgresUpdateAction, type PostgresCreateActionOptions, type PostgresUpdateActionOptions } from './actions';

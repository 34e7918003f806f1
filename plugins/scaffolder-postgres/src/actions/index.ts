export { createPostgresCreateAction, type PostgresCreateActionOptions } from './create/action';
export { createPostgresUpdateAction, type PostgresUpdateActionOptions } from './update/action';
export { createPostgresDecommissionAction, type PostgresDecommissionActionOptions } from './decommission/action';

export { createPostgresCreateAction, branchFor, type PostgresCreateActionOptions } from './create/action';

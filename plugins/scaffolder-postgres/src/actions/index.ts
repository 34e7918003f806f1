export { createPostgresCreateAction, type PostgresCreateActionOptions } from './create/action';

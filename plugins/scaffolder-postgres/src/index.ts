/**
 * Backstage scaffolder module: the postgres:create action.
 *
 * @packageDocumentation
 */
import { scaffolderModulePostgres } from './module';

export default scaffolderModulePostgres;
export { scaffolderModulePostgres };
export { createPostgresCreateAction, branchFor, type PostgresCreateActionOptions } from './actions';
export { GitHubPublisher, type GitHubPublisherOptions } from './publish/github-publisher';
export { GitPublisher, type GitPublisherOptions, type MergeRequestMode } from './publish/git-publisher';
export type { Publisher, PublishSession, PublishTarget, ChangeSet, PublishResult } from './publish/types';

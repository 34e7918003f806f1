/**
 * The publish port: open or update a pull request with a directory of files, on GitHub (Git Data
 * API) or any git remote. No Backstage dependency: the scaffolder action and the CLI share it.
 *
 * @packageDocumentation
 */
export type { ChangeSet, FileSet, PublishedChange, PublishResult, PublishSession, PublishTarget, Publisher, PullRequestRef, UnchangedResult } from './types';
export { GitHubPublisher, type GitHubPublisherOptions } from './github-publisher';
export { ChangedMeanwhileError } from './errors';
export { GitPublisher, normalizeRemote, type GitPublisherOptions, type MergeRequestMode } from './git-publisher';
export type { GitRunner, GitRunnerFactory } from './git-runner';
export { isGitRemote, parseGitHubRepoUrl } from './remotes';
export { redact, redactError } from './redact';
export { gitBlobSha } from './git-blob';
export { wouldChange } from './changes';
export { readProposedRequest, readStoredRequest, storedRequestReader } from './read';

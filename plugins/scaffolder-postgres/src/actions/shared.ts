import { createHash } from 'node:crypto';
import type { BackstageCredentials } from '@backstage/backend-plugin-api';
import type { GithubCredentialsProvider, ScmIntegrationRegistry } from '@backstage/integration';
import type { CatalogService } from '@backstage/plugin-catalog-node';
import type { JsonObject, JsonValue } from '@backstage/types';
import { ChangedMeanwhileError, type PublishResult, type PublishSession, type PublishTarget, type Publisher } from '@postgres-gitops/publish';
import {
  ANNOTATION_STATE_PATH,
  baseBranchPlatform,
  ChangeRefusedError,
  REQUEST_FILE,
  databaseDirectory,
  parseDatabaseDirectory,
  formFieldOf,
  RequestValidationError,
  decideChange,
  type DecideOptions,
  type PlatformSettings,
  type RenderedDatabase,
} from '@postgres-gitops/renderer';
import type { AccessControl } from '../access/authorize';
import { databaseEntityRef } from '../access/database-refs';
import { resolvePublisher, type ResolvedPublisher, type ResolveOptions } from '../resolve-publisher';
import { chooseStateStore, type StateStores } from '../state-stores';
import { userError } from '../user-error';

export { userError };

/** What every postgres action gets from the backend module: integrations, platform settings, the state stores, the catalog, access control. */
export interface PostgresActionOptions {
  integrations: ScmIntegrationRegistry;
  githubCredentials: GithubCredentialsProvider;
  platform: PlatformSettings;
  /** The state stores app-config names; an input names one of them or none. */
  stateStore?: StateStores & { targetBranch?: string };
  author?: { name: string; email: string };
  paceGitHubWrites?: boolean;
  /** Resolves entity refs (restoreFrom, entityRef); without it the actions take names. */
  catalog?: CatalogService;
  /** Who may do what: checked for the task's initiator before anything is written. */
  access: AccessControl;
  /** scaffolder.requireScmUserCredentials: GitHub and GitLab stores take the requester's own token only. */
  requireScmUserCredentials?: boolean;
}

/** The state store an action may use: the input's only when app-config names it exactly (see chooseStateStore). No I/O. */
export function stateStoreOf(repoUrl: string | undefined, options: PostgresActionOptions): string {
  return chooseStateStore(repoUrl, options.stateStore ?? { allowed: [] });
}

/** The publisher of a chosen state store: with the requester's own token when the template passes one, else the integration's. */
export function stateStorePublisher(repoUrl: string, options: PostgresActionOptions, input: { token?: string; mergeRequest?: ResolveOptions['mergeRequest'] } = {}): Promise<ResolvedPublisher> {
  return resolvePublisher({
    repoUrl,
    integrations: options.integrations,
    githubCredentials: options.githubCredentials,
    mergeRequest: input.mergeRequest,
    paceGitHubWrites: options.paceGitHubWrites,
    userToken: input.token || undefined,
    requireUserToken: options.requireScmUserCredentials,
  });
}

/** The settings the state store renders with: its platform.yaml on the base branch, else app-config's postgresGitops.platform. */
export async function platformOf(publisher: Publisher, baseBranch: string, options: PostgresActionOptions): Promise<PlatformSettings> {
  try {
    return (await baseBranchPlatform(publisher, baseBranch, options.platform)).platform;
  } catch (error) {
    throw asInputError(error);
  }
}

/** The branch pull requests target: the input's, else app-config's postgresGitops.stateStore.targetBranch, else main. */
export function targetBranchOf(targetBranch: string | undefined, options: PostgresActionOptions): string {
  return targetBranch ?? options.stateStore?.targetBranch ?? 'main';
}

export const DEFAULT_AUTHOR = { name: 'postgres-gitops', email: 'postgres-gitops@backstage.local' };

export type Change = 'create' | 'update' | 'unchanged' | 'unknown';

/** A user's mistake becomes a userError naming the field; anything else passes through. */
export function asInputError(error: unknown): unknown {
  if (error instanceof RequestValidationError) {
    // Field names are the action's own (spec.size is the input "size").
    return userError(new RequestValidationError(error.issues.map(i => ({ ...i, path: formFieldOf(i.path) }))).message);
  }
  if (error instanceof ChangeRefusedError || error instanceof ChangedMeanwhileError) return userError(error.message);
  return error;
}

export interface PublishRequest {
  publisher: Publisher;
  rendered: RenderedDatabase;
  baseBranch: string;
  branch: string;
  decide: Omit<DecideOptions, 'rendered' | 'existingRequest' | 'baseBranch'>;
  pullRequest: { author: { name: string; email: string }; draft: boolean; reviewers: string[]; labels: string[] };
  /** The "Who asked" section the pull request ends with. */
  whoAsked: string;
}

export type PublishOutcome = PublishResult & { update: boolean; summary: string; change: Change };

type Checkpoint = <T extends JsonObject>(opts: { key: string; fn: () => Promise<T> }) => Promise<T>;

/**
 * One read of the state store and one publish, in a checkpoint: a retried task with the same key
 * (branch and content) repeats nothing. The session is always closed; a user's mistake becomes a
 * userError.
 */
export async function publishOnce<R>(checkpoint: Checkpoint, key: string, publisher: Publisher, target: PublishTarget, write: (session: PublishSession) => Promise<R>): Promise<R> {
  const stored = await checkpoint<JsonObject>({
    key,
    fn: async () => {
      const session = await publisher.open(target);
      try {
        // Checkpoints store JSON: no undefined values.
        return JSON.parse(JSON.stringify(await write(session))) as JsonObject;
      } catch (error) {
        throw asInputError(error);
      } finally {
        await session.close();
      }
    },
  });
  return stored as unknown as R;
}

/** Decide and publish inside one read of the state store (publishOnce), keyed by branch and content. */
export async function publishInCheckpoint(checkpoint: Checkpoint, request: PublishRequest): Promise<PublishOutcome> {
  const { publisher, rendered, baseBranch, branch } = request;
  const fingerprint = createHash('sha256').update(JSON.stringify(rendered.files)).digest('hex').slice(0, 16);
  const target = { baseBranch, branch, directory: rendered.directory, requestFile: REQUEST_FILE };
  const result = await publishOnce(checkpoint, `postgres-gitops.publish.v1.${branch}.${fingerprint}`, publisher, target, async session => {
    const decision = decideChange({ ...request.decide, rendered, existingRequest: session.existingRequest, baseBranch });
    const body = decision.body + request.whoAsked;
    const published = await session.publish({ files: decision.rendered.files, title: decision.title, body, commitMessage: decision.commitMessage, ...request.pullRequest });
    return { ...published, update: decision.update, summary: body };
  });
  return { ...result, change: !result.changed ? 'unchanged' : result.update ? 'update' : 'create' };
}

/** Which database an action is about: a catalog entity, or name, namespace and cluster. */
export interface DatabaseIdentity {
  entityRef?: string;
  name?: string;
  namespace?: string;
  cluster?: JsonValue;
}

/** Whether a catalog entity is the one the renderer names for that directory (so its annotation cannot point at another team's database). */
export function assertEntityOfDirectory(field: string, entityRef: string, directory: string): void {
  const expected = databaseEntityRef(directory);
  const given = /^[^:]+:/.test(entityRef) ? entityRef : `resource:${entityRef.includes('/') ? entityRef : `default/${entityRef}`}`;
  if (given.toLocaleLowerCase('en-US') !== expected) {
    throw userError(`${field}: ${entityRef} claims the state-store directory ${directory}, whose database is ${expected}; pick that entity`);
  }
}

/** The database's directory: from its catalog entity, or from name, namespace and cluster. */
export async function directoryOf(input: DatabaseIdentity, options: PostgresActionOptions, credentials: () => Promise<BackstageCredentials>): Promise<string> {
  if (input.entityRef) {
    if (!options.catalog) throw userError('entityRef: this backend has no catalog to look the database up in; give name, namespace and cluster');
    const entity = await options.catalog.getEntityByRef(input.entityRef, { credentials: await credentials() });
    const path = entity?.metadata.annotations?.[ANNOTATION_STATE_PATH];
    if (!entity || !path || !parseDatabaseDirectory(path)) throw userError(`entityRef: ${input.entityRef} is not a database in the catalog (no ${ANNOTATION_STATE_PATH} annotation)`);
    assertEntityOfDirectory('entityRef', input.entityRef, path);
    return path;
  }
  if (!input.name) throw userError('name: required (or entityRef)');
  return databaseDirectory(String(input.cluster ?? options.platform.defaultCluster), input.namespace ?? 'default', input.name);
}

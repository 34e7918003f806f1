import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import { readProposedRequest, storedRequestReader, wouldChange, type Publisher } from '@postgres-gitops/publish';
import {
  CATALOG_FILE,
  REQUEST_FILE,
  assertWorld,
  checkRequestShape,
  readWorld,
  type World,
  pullRequestBranch,
  renderDatabase,
  reviewBody,
  withStoredMemory,
  type PlatformSettings,
  type RenderedDatabase,
} from '@postgres-gitops/renderer';
import { authorizeSources } from '../../access/authorize-sources';
import { storedOwner } from '../../access/database-refs';
import { postgresDatabaseUpdatePermission } from '../../access/permissions';
import { whoAsked } from '../../access/who-asked';
import { asInputError, type Change, DEFAULT_AUTHOR, platformOf, type PostgresActionOptions, publishInCheckpoint, stateStoreOf, stateStorePublisher, targetBranchOf, userError } from '../shared';
import { examples } from './examples';
import { requestFromInput } from './request-input';
import { restoreSourceOf } from './restore-from';
import { inputSchema, outputSchema } from './schema';

export type PostgresCreateActionOptions = PostgresActionOptions;

function render(input: Record<string, unknown>, platform: PlatformSettings, requestedBy?: string): RenderedDatabase {
  try {
    return renderDatabase(requestFromInput(input, requestedBy), platform);
  } catch (error) {
    throw asInputError(error);
  }
}

/** What can be checked before the platform is read from the state store: a malformed request does no I/O. */
function checkShape(input: Record<string, unknown>, requestedBy?: string): void {
  try {
    checkRequestShape(requestFromInput(input, requestedBy));
  } catch (error) {
    throw asInputError(error);
  }
}

/**
 * What the world says about the request's sources (a restore or import source, a shared server),
 * for a create its namesakes, and with update the database's own stored request, read from the
 * state store together.
 */
async function readWorldOf(publisher: Publisher, rendered: RenderedDatabase, baseBranch: string, branch: string, update: boolean): Promise<{ world: World; existing?: string | null }> {
  // The sources, the namesakes and the database itself go out as one read (storedRequestReader).
  const read = storedRequestReader(publisher, baseBranch, REQUEST_FILE);
  const target = { baseBranch, branch, directory: rendered.directory, requestFile: REQUEST_FILE };
  const [world, existing, proposed] = await Promise.all([readWorld(rendered.request, read, undefined, { create: !update }), update ? read(rendered.directory) : undefined, readProposedRequest(publisher, target)]);
  return { world: { ...world, proposed }, existing };
}

/** Refuses, before anything is written, what only the world can tell: a source that is not there, a time to come. */
function checkWorld(rendered: RenderedDatabase, world: World, platform: PlatformSettings): void {
  try {
    assertWorld(rendered.request, world, platform);
  } catch (error) {
    throw asInputError(error);
  }
}

/** What publishing would do, read from the state store without writing; "unknown" when it cannot be read. */
async function previewChange(publisher: Publisher, rendered: RenderedDatabase, baseBranch: string, branch: string): Promise<Change> {
  const session = await publisher.open({ baseBranch, branch, directory: rendered.directory, requestFile: REQUEST_FILE });
  try {
    if (session.existingRequest === undefined) return 'create';
    return wouldChange(rendered.files, rendered.directory, session.existingBlobs) ? 'update' : 'unchanged';
  } finally {
    await session.close();
  }
}

/**
 * postgres:create: validate the request with the renderer's schema, render the database's
 * directory, and open (or update) a pull request to the GitOps state store.
 */
export function createPostgresCreateAction(options: PostgresCreateActionOptions) {
  return createTemplateAction({
    id: 'postgres:create',
    description: 'Renders a PostgreSQL database and opens a pull request with its manifests to a GitOps state store.',
    examples,
    supportsDryRun: true,
    schema: { input: inputSchema, output: outputSchema },
    async handler(ctx) {
      // The state store is the platform's choice: an input outside app-config's list stops here, before any I/O.
      const repoUrl = stateStoreOf(ctx.input.repoUrl, options);
      const requester = await options.access.requester(await ctx.getInitiatorCredentials());
      const input = { ...(ctx.input as Record<string, unknown>) };
      delete input.token;
      if (ctx.input.restoreFrom) {
        if (input.restore) throw userError('restoreFrom: give restoreFrom or restore, not both');
        const source = await restoreSourceOf(ctx.input.restoreFrom, options.catalog, requester.credentials);
        input.restore = { ...source, ...(ctx.input.restoreTargetTime ? { targetTime: ctx.input.restoreTargetTime } : {}) };
      }
      const requestedBy = ctx.user?.ref;
      checkShape(input, requestedBy);
      const baseBranch = targetBranchOf(ctx.input.targetBranch, options);
      const resolve = () => stateStorePublisher(repoUrl, options, { token: ctx.input.token, mergeRequest: ctx.input.mergeRequest });
      // A dry run still renders when the state store cannot be read (app-config's settings then).
      const resolved = ctx.isDryRun ? await resolve().catch(() => undefined) : await resolve();
      const reading = resolved ? platformOf(resolved.publisher, baseBranch, options) : Promise.resolve(options.platform);
      const platform = ctx.isDryRun ? await reading.catch(() => options.platform) : await reading;
      const rendered = render(input, platform, requestedBy);
      const branch = pullRequestBranch(rendered.plan.spec.cluster, rendered.plan.namespace, rendered.plan.name);
      const catalogInfoPath = `${rendered.directory}/${CATALOG_FILE}`;
      const update = ctx.input.update ?? false;
      ctx.output('branch', branch);
      ctx.output('directory', rendered.directory);
      ctx.output('entityRef', rendered.entityRef);
      ctx.output('catalogInfoPath', catalogInfoPath);
      ctx.output('connectionHost', rendered.plan.connection.host);

      // Read what the request reaches (its sources, the database itself when updating), then who may: before anything is written.
      const publisher = resolved?.publisher;
      const unread = (): { world: World; existing?: string | null } => ({ world: { now: new Date() } });
      const looking = publisher ? readWorldOf(publisher, rendered, baseBranch, branch, update) : Promise.resolve(unread());
      const { world, existing } = ctx.isDryRun ? await looking.catch(unread) : await looking;
      const grants = [
        update && existing
          ? await options.access.onDatabase(requester, postgresDatabaseUpdatePermission, { what: 'the database', entityRef: rendered.entityRef }, platform.access, storedOwner(existing, platform))
          : options.access.inNamespace(requester, rendered.plan.namespace, platform.access),
        ...(await authorizeSources(options.access, requester, rendered.request, platform, world)),
      ];
      const who = whoAsked(requester, grants, resolved?.openedAs ?? { kind: 'platform' });
      // Only then what the world says of the sources: someone refused learns nothing of them.
      checkWorld(rendered, world, platform);

      if (ctx.isDryRun) {
        // The template editor previews the workspace: the real files, and what would change, read-only.
        for (const [path, content] of Object.entries(rendered.files)) {
          await mkdir(dirname(join(ctx.workspacePath, path)), { recursive: true });
          await writeFile(join(ctx.workspacePath, path), content);
        }
        // An update is previewed with what the store remembers of the database (its creation, say), as publishing would.
        const previewed = typeof existing === 'string' ? withStoredMemory(rendered, existing, platform) : rendered;
        const change = publisher ? await previewChange(publisher, previewed, baseBranch, branch).catch((): Change => 'unknown') : 'unknown';
        ctx.logger.info(`dry run: rendered ${Object.keys(rendered.files).length} files into ${rendered.directory}/; would ${change === 'unknown' ? 'change an unknown amount (the state store could not be read)' : change}; no pull request opened`);
        ctx.output('pullRequestUrl', '');
        ctx.output('catalogInfoUrl', '');
        ctx.output('change', change);
        if (change !== 'unknown') ctx.output('changed', change !== 'unchanged');
        ctx.output('summary', reviewBody(rendered, { requestedBy }) + who);
        return;
      }

      const { browseUrl } = resolved!;
      const result = await publishInCheckpoint(ctx.checkpoint, {
        publisher: publisher!,
        rendered,
        baseBranch,
        branch,
        decide: {
          update,
          allowDestructiveChanges: ctx.input.allowDestructiveChanges ?? false,
          platform,
          requestedBy,
          world,
        },
        pullRequest: { author: options.author ?? DEFAULT_AUTHOR, draft: ctx.input.draft ?? false, reviewers: ctx.input.reviewers ?? [], labels: ctx.input.labels ?? [] },
        whoAsked: who,
      });

      const where = `${rendered.directory} on branch ${branch} of ${publisher!.description}${result.pullRequest ? `: ${result.pullRequest.url}` : ''}`;
      ctx.logger.info(
        !result.changed
          ? `nothing changed: ${publisher!.description} already holds this database${result.pullRequest ? ` (${result.pullRequest.url})` : ''}`
          : result.update
            ? `update: changed ${where}`
            : result.branchExisted
              ? `re-run before the merge: replaced the not yet merged pull request's choices with these, ${where}`
              : `create: proposed ${where}`,
      );
      ctx.output('pullRequestUrl', result.pullRequest?.url ?? '');
      if (result.pullRequest) ctx.output('pullRequestNumber', result.pullRequest.number);
      ctx.output('catalogInfoUrl', browseUrl ? browseUrl(baseBranch, catalogInfoPath) : '');
      ctx.output('change', result.change);
      ctx.output('changed', result.changed);
      ctx.output('summary', result.summary);
    },
  });
}

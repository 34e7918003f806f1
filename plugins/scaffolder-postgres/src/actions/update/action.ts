import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import { readStoredRequest } from '@postgres-gitops/publish';
import {
  REQUEST_FILE,
  decideChange,
  parseDatabaseDirectory,
  parseRequest,
  parseYamlInput,
  readWorld,
  importSourceDirectory,
  restoreSourceDirectory,
  sharedServerDirectory,
  pullRequestBranch,
  renderDatabase,
  SPEC_FIELDS,
  withChanges,
} from '@postgres-gitops/renderer';
import { authorizeSources } from '../../access/authorize-sources';
import { databaseEntityRef, storedOwner } from '../../access/database-refs';
import { postgresDatabaseUpdatePermission } from '../../access/permissions';
import { whoAsked } from '../../access/who-asked';
import { asInputError, DEFAULT_AUTHOR, directoryOf, platformOf, type PostgresActionOptions, publishInCheckpoint, stateStoreOf, stateStorePublisher, targetBranchOf, userError } from '../shared';
import { examples } from './examples';
import { inputSchema, outputSchema } from './schema';

export type PostgresUpdateActionOptions = PostgresActionOptions;

/**
 * postgres:update: start from the request.yaml stored in the state store, apply only the fields
 * given, re-render, and open a pull request whose body is the semantic diff (what changes, what
 * restarts, what needs volume expansion, what is destructive). The change rules refuse, naming
 * the field, before anything is written.
 */
export function createPostgresUpdateAction(options: PostgresUpdateActionOptions) {
  return createTemplateAction({
    id: 'postgres:update',
    description: 'Changes an existing PostgreSQL database from its stored request and opens a pull request with the semantic diff.',
    examples,
    supportsDryRun: true,
    schema: { input: inputSchema, output: outputSchema },
    async handler(ctx) {
      const input = ctx.input;
      // The state store is the platform's choice: an input outside app-config's list stops here, before any I/O.
      const repoUrl = stateStoreOf(input.repoUrl, options);
      const requester = await options.access.requester(await ctx.getInitiatorCredentials());
      const directory = await directoryOf(input, options, async () => requester.credentials);
      const identity = parseDatabaseDirectory(directory)!;
      const baseBranch = targetBranchOf(input.targetBranch, options);
      const branch = pullRequestBranch(identity.cluster, identity.namespace, identity.name);
      const { publisher, openedAs } = await stateStorePublisher(repoUrl, options, { token: input.token });
      const platform = await platformOf(publisher, baseBranch, options);

      const read = (dir: string) => readStoredRequest(publisher, { baseBranch, branch, directory: dir, requestFile: REQUEST_FILE });
      const stored = await read(directory);
      if (stored === null) throw userError(`${directory}: no such database on ${baseBranch} of ${publisher.description}; create it with postgres:create`);

      const changes = Object.fromEntries(SPEC_FIELDS.map(f => [f, (input as Record<string, unknown>)[f]]));
      let rendered;
      let previous;
      try {
        previous = parseRequest(parseYamlInput(stored, 'the stored request.yaml'), platform);
        rendered = renderDatabase(withChanges(parseYamlInput(stored, 'the stored request.yaml'), changes, ctx.user?.ref), platform);
      } catch (error) {
        throw asInputError(error);
      }
      if (rendered.directory !== directory) throw userError(`cluster: stays ${identity.cluster}: a database does not move; create it on the other cluster instead`);
      const named = new Set([restoreSourceDirectory(previous), importSourceDirectory(previous), sharedServerDirectory(previous)]);
      // Who may: the database's owner (or its group, or a platform group), and the right to any source the change names anew.
      const grants = [
        await options.access.onDatabase(requester, postgresDatabaseUpdatePermission, { what: 'the database', entityRef: databaseEntityRef(directory) }, platform.access, storedOwner(stored, platform)),
        ...(await authorizeSources(options.access, requester, rendered.request, platform, await readWorld(rendered.request, dir => (named.has(dir) ? Promise.resolve(undefined) : read(dir))), previous)),
      ];
      const who = whoAsked(requester, grants, openedAs);
      const decide = {
        update: true,
        allowDestructiveChanges: input.allowDestructiveChanges ?? false,
        allowMajorUpgrade: input.allowMajorUpgrade ?? false,
        platform,
        requestedBy: ctx.user?.ref,
      };
      ctx.output('branch', branch);
      ctx.output('directory', directory);
      ctx.output('entityRef', rendered.entityRef);

      if (ctx.isDryRun) {
        let decision;
        try {
          decision = decideChange({ ...decide, rendered, existingRequest: stored, baseBranch });
        } catch (error) {
          throw asInputError(error);
        }
        for (const [path, content] of Object.entries(rendered.files)) {
          await mkdir(dirname(join(ctx.workspacePath, path)), { recursive: true });
          await writeFile(join(ctx.workspacePath, path), content);
        }
        ctx.logger.info(`dry run: ${directory} would change as the summary says; no pull request opened`);
        ctx.output('pullRequestUrl', '');
        ctx.output('change', 'update');
        ctx.output('summary', decision.body + who);
        return;
      }

      const result = await publishInCheckpoint(ctx.checkpoint, {
        publisher,
        rendered,
        baseBranch,
        branch,
        decide,
        pullRequest: { author: options.author ?? DEFAULT_AUTHOR, draft: input.draft ?? false, reviewers: input.reviewers ?? [], labels: input.labels ?? [] },
        whoAsked: who,
      });
      ctx.logger.info(result.changed ? `updated ${directory} on branch ${branch}${result.pullRequest ? `: ${result.pullRequest.url}` : ''}` : `nothing changed: ${directory} already holds this`);
      ctx.output('pullRequestUrl', result.pullRequest?.url ?? '');
      if (result.pullRequest) ctx.output('pullRequestNumber', result.pullRequest.number);
      ctx.output('change', result.changed ? 'update' : 'unchanged');
      ctx.output('summary', result.summary);
    },
  });
}

import { createHash } from 'node:crypto';
import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import { readStoredRequest } from '@postgres-gitops/publish';
import { REQUEST_FILE, parseDatabaseDirectory, parseYamlInput, retirement, retireBranch } from '@postgres-gitops/renderer';
import { databaseEntityRef, storedOwner } from '../../access/database-refs';
import { postgresDatabaseDecommissionPermission } from '../../access/permissions';
import { whoAsked } from '../../access/who-asked';
import { asInputError, DEFAULT_AUTHOR, directoryOf, platformOf, type PostgresActionOptions, publishOnce, stateStoreOf, stateStorePublisher, targetBranchOf, userError } from '../shared';
import { examples } from './examples';
import { inputSchema, outputSchema } from './schema';

export type PostgresDecommissionActionOptions = PostgresActionOptions;

/**
 * postgres:decommission: a pull request that removes the database's directory (and so its
 * catalog entity) from the state store, and never its data: the PR says what stays and how to
 * delete it for good. A database that is not there (never was, or already retired) is refused.
 */
export function createPostgresDecommissionAction(options: PostgresDecommissionActionOptions) {
  return createTemplateAction({
    id: 'postgres:decommission',
    description: 'Retires a PostgreSQL database: removes its manifests from the state store through a pull request, keeping its data.',
    examples,
    supportsDryRun: true,
    schema: { input: inputSchema, output: outputSchema },
    async handler(ctx) {
      // The state store is the platform's choice: an input outside app-config's list stops here, before any I/O.
      const repoUrl = stateStoreOf(ctx.input.repoUrl, options);
      const requester = await options.access.requester(await ctx.getInitiatorCredentials());
      const directory = await directoryOf(ctx.input, options, async () => requester.credentials);
      const { cluster, namespace, name } = parseDatabaseDirectory(directory)!;
      const baseBranch = targetBranchOf(ctx.input.targetBranch, options);
      const branch = retireBranch(cluster, namespace, name);
      const { publisher, openedAs } = await stateStorePublisher(repoUrl, options, { token: ctx.input.token });
      const platform = await platformOf(publisher, baseBranch, options);

      const stored = await readStoredRequest(publisher, { baseBranch, branch, directory, requestFile: REQUEST_FILE });
      if (stored === null) throw userError(`${directory}: no such database on ${baseBranch} of ${publisher.description} (never created, or already retired)`);
      let retired;
      try {
        retired = retirement(parseYamlInput(stored, 'the stored request.yaml'), platform, ctx.user?.ref);
      } catch (error) {
        throw asInputError(error);
      }
      const grant = await options.access.onDatabase(requester, postgresDatabaseDecommissionPermission, { what: 'the database', entityRef: databaseEntityRef(directory) }, platform.access, storedOwner(stored, platform));
      const { files, ...retirementText } = retired;
      const text = { ...retirementText, body: retirementText.body + whoAsked(requester, [grant], openedAs) };
      ctx.output('branch', branch);
      ctx.output('directory', directory);
      ctx.output('summary', text.body);
      if (ctx.isDryRun) {
        ctx.logger.info(`dry run: would remove ${directory}/ (its data stays); no pull request opened`);
        ctx.output('pullRequestUrl', '');
        return;
      }

      const key = `postgres-gitops.retire.v1.${branch}.${createHash('sha256').update(stored).digest('hex').slice(0, 16)}`;
      const result = await publishOnce(ctx.checkpoint, key, publisher, { baseBranch, branch, directory, requestFile: REQUEST_FILE }, session =>
        // No files: the directory is removed as a whole (a shared-server database keeps its retired record).
        session.publish({ files, ...text, author: options.author ?? DEFAULT_AUTHOR, draft: false, reviewers: ctx.input.reviewers ?? [], labels: ctx.input.labels ?? [] }),
      );
      ctx.logger.info(`${result.changed ? 'opened the retirement of' : 'already proposed: the retirement of'} ${directory} on branch ${branch}${result.pullRequest ? `: ${result.pullRequest.url}` : ''}`);
      ctx.output('pullRequestUrl', result.pullRequest?.url ?? '');
    },
  });
}

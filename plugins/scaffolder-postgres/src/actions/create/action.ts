import { createHash } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { GithubCredentialsProvider, ScmIntegrationRegistry } from '@backstage/integration';
import type { JsonObject } from '@backstage/types';
import { InputError } from '@backstage/errors';
import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import { CATALOG_FILE, RequestValidationError, renderDatabase, reviewBody, type PlatformSettings, type RenderedDatabase } from '@postgres-gitops/renderer';
import { resolvePublisher } from '../../publish/resolve';
import type { PublishResult } from '../../publish/types';
import { decideChange } from './decide';
import { examples } from './examples';
import { requestFromInput } from './request-input';
import { inputSchema, outputSchema } from './schema';

export interface PostgresCreateActionOptions {
  integrations: ScmIntegrationRegistry;
  githubCredentials: GithubCredentialsProvider;
  platform: PlatformSettings;
  stateStore?: { repoUrl?: string; targetBranch?: string };
  author?: { name: string; email: string };
  paceGitHubWrites?: boolean;
}

const DEFAULT_AUTHOR = { name: 'postgres-gitops', email: 'postgres-gitops@backstage.local' };

/** The pull-request branch of a database: the same request always lands on the same branch. */
export function branchFor(db: RenderedDatabase): string {
  return `postgres/${db.plan.spec.cluster}/${db.plan.namespace}/${db.plan.name}`;
}

function render(input: Record<string, unknown>, platform: PlatformSettings, requestedBy?: string): RenderedDatabase {
  try {
    return renderDatabase(requestFromInput(input, requestedBy), platform);
  } catch (error) {
    if (error instanceof RequestValidationError) {
      // Field names are the action's own (spec.size is the input "size").
      throw new InputError(error.message.replace(/ {2}- spec\./g, '  - ').replace(/ {2}- metadata\./g, '  - '));
    }
    throw error;
  }
}

/**
 * postgres:create: validate the request with the renderer's schema, render the database's
 * directory, and open (or update) a pull request to the GitOps state store.
 */
export function createPostgresCreateAction(options: PostgresCreateActionOptions) {
  return createTemplateAction({
    id: 'postgres:create',
    description: 'Renders a PostgreSQL database (StatefulSet engine) and opens a pull request with its manifests to a GitOps state store.',
    examples,
    supportsDryRun: true,
    schema: { input: inputSchema, output: outputSchema },
    async handler(ctx) {
      const input = ctx.input as Record<string, unknown>;
      const requestedBy = ctx.user?.ref;
      const rendered = render(input, options.platform, requestedBy);
      const baseBranch = (ctx.input.targetBranch ?? options.stateStore?.targetBranch ?? 'main') as string;
      const branch = branchFor(rendered);
      const catalogInfoPath = `${rendered.directory}/${CATALOG_FILE}`;
      ctx.output('branch', branch);
      ctx.output('directory', rendered.directory);
      ctx.output('entityRef', rendered.entityRef);
      ctx.output('catalogInfoPath', catalogInfoPath);
      ctx.output('connectionHost', rendered.plan.connection.host);

      if (ctx.isDryRun) {
        // The template editor previews the workspace: show the real files, touch no network.
        for (const [path, content] of Object.entries(rendered.files)) {
          await mkdir(dirname(join(ctx.workspacePath, path)), { recursive: true });
          await writeFile(join(ctx.workspacePath, path), content);
        }
        ctx.logger.info(`dry run: rendered ${Object.keys(rendered.files).length} files into ${rendered.directory}/; no pull request opened`);
        ctx.output('pullRequestUrl', '');
        ctx.output('catalogInfoUrl', '');
        ctx.output('changed', true);
        ctx.output('summary', reviewBody(rendered, { requestedBy }));
        return;
      }

      const repoUrl = (ctx.input.repoUrl ?? options.stateStore?.repoUrl) as string | undefined;
      if (!repoUrl) throw new InputError('repoUrl: required (or set postgresGitops.stateStore.repoUrl in app-config)');
      const { publisher, browseUrl } = await resolvePublisher({
        repoUrl,
        integrations: options.integrations,
        githubCredentials: options.githubCredentials,
        mergeRequest: ctx.input.mergeRequest,
        paceGitHubWrites: options.paceGitHubWrites,
      });
      const fingerprint = createHash('sha256').update(JSON.stringify(rendered.files)).digest('hex').slice(0, 16);

      const result = (await ctx.checkpoint<JsonObject>({
        key: `postgres-gitops.publish.v1.${branch}.${fingerprint}`,
        fn: async () => {
          const session = await publisher.open({ baseBranch, branch, directory: rendered.directory });
          try {
            const decision = decideChange({
              rendered,
              existingRequest: session.existingRequest,
              baseBranch,
              update: ctx.input.update ?? false,
              allowDestructiveChanges: ctx.input.allowDestructiveChanges ?? false,
              platform: options.platform,
              requestedBy,
            });
            const published = await session.publish({
              files: rendered.files,
              title: decision.title,
              body: decision.body,
              commitMessage: decision.commitMessage,
              author: options.author ?? DEFAULT_AUTHOR,
              draft: ctx.input.draft ?? false,
              reviewers: ctx.input.reviewers ?? [],
              labels: ctx.input.labels ?? [],
            });
            // Checkpoints store JSON: no undefined values.
            return JSON.parse(JSON.stringify({ ...published, update: decision.update, summary: decision.body })) as JsonObject;
          } finally {
            await session.close();
          }
        },
      })) as unknown as PublishResult & { update: boolean; summary: string };

      ctx.logger.info(
        result.changed
          ? `${result.update ? 'updated' : 'created'} ${rendered.directory} on branch ${branch} of ${publisher.description}${result.pullRequest ? `: ${result.pullRequest.url}` : ''}`
          : `nothing changed: ${publisher.description} already holds this database${result.pullRequest ? ` (${result.pullRequest.url})` : ''}`,
      );
      ctx.output('pullRequestUrl', result.pullRequest?.url ?? '');
      if (result.pullRequest) ctx.output('pullRequestNumber', result.pullRequest.number);
      ctx.output('catalogInfoUrl', browseUrl ? browseUrl(baseBranch, catalogInfoPath) : '');
      ctx.output('changed', result.changed);
      ctx.output('summary', result.summary);
    },
  });
}

import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { GitHubPublisher, GitPublisher, parseGitHubRepoUrl, readProposedRequest, storedRequestReader, type Publisher } from '@postgres-gitops/publish';
import { assertWorld, decideChange, type PlatformSettings, pullRequestBranch, readWorld, renderDatabase, type RenderedDatabase, REQUEST_FILE, type World } from '@postgres-gitops/renderer';
import { UsageError } from './exit-codes';
import { readYamlFile } from './files';
import { remoteStorePlatform } from './platform';

export interface PublishCommandOptions {
  repo: string;
  base: string;
  update: boolean;
  allowDestructive: boolean;
  draft: boolean;
  reviewers: string[];
  labels: string[];
  /** GitHub Enterprise (or a test server): the REST/GraphQL base URL; its host counts as GitHub. */
  githubApiUrl?: string;
  author: { name: string; email: string };
}

/**
 * GitHub URLs (https://github.com/<owner>/<repo>) go through the Git Data API with a token from
 * GITHUB_TOKEN or GH_TOKEN; every other URL or path is a plain git remote.
 */
export function publisherFor(options: PublishCommandOptions, env: NodeJS.ProcessEnv): Publisher {
  const apiUrl = options.githubApiUrl;
  const github = parseGitHubRepoUrl(options.repo, ['github.com', ...(apiUrl ? [new URL(apiUrl).host] : [])]);
  if (!github) return new GitPublisher({ remote: options.repo });
  const token = env.GITHUB_TOKEN ?? env.GH_TOKEN;
  if (!token) throw new UsageError(`--repo ${options.repo}: set GITHUB_TOKEN (or GH_TOKEN) to open a pull request on GitHub`);
  return new GitHubPublisher({ owner: github.owner, repo: github.repo, token, baseUrl: apiUrl });
}

/** A request file, or a rendered database directory holding one. */
async function requestPath(path: string): Promise<string> {
  const info = await stat(path).catch(() => undefined);
  return info?.isDirectory() ? join(path, REQUEST_FILE) : path;
}

/** Renders the request and opens (or updates) the same pull request the Backstage action would. */
export async function publishCommand(path: string, platformFlag: string | undefined, options: PublishCommandOptions, env: NodeJS.ProcessEnv) {
  const request = await readYamlFile(await requestPath(path));
  const publisher = publisherFor(options, env);
  const platform = await remoteStorePlatform(publisher, options.base, platformFlag);
  const rendered = renderDatabase(request, platform);
  const branch = pullRequestBranch(rendered.plan.spec.cluster, rendered.plan.namespace, rendered.plan.name);
  const world = await readWorld(rendered.request, storedRequestReader(publisher, options.base, REQUEST_FILE), undefined, { create: !options.update });
  assertWorld(rendered.request, world, platform);
  // What an earlier run proposed on the branch, so that a re-run records the same creation.
  const proposed = await readProposedRequest(publisher, { baseBranch: options.base, branch, directory: rendered.directory, requestFile: REQUEST_FILE });
  const published = await decideAndPublish(publisher, rendered, platform, options, { update: options.update, world: { ...world, proposed } });
  return { rendered: published.decision.rendered, publisher, ...published };
}

/** Decides create or update against the stored database and publishes, in one read of the state store. */
export async function decideAndPublish(
  publisher: Publisher,
  rendered: RenderedDatabase,
  platform: PlatformSettings,
  options: PublishCommandOptions,
  change: { update: boolean; allowMajorUpgrade?: boolean; world?: World },
) {
  const branch = pullRequestBranch(rendered.plan.spec.cluster, rendered.plan.namespace, rendered.plan.name);
  const session = await publisher.open({ baseBranch: options.base, branch, directory: rendered.directory, requestFile: REQUEST_FILE });
  try {
    const decision = decideChange({
      rendered,
      existingRequest: session.existingRequest,
      baseBranch: options.base,
      update: change.update,
      allowDestructiveChanges: options.allowDestructive,
      allowMajorUpgrade: change.allowMajorUpgrade,
      platform,
      world: change.world,
    });
    const result = await session.publish({
      files: decision.rendered.files,
      title: decision.title,
      body: decision.body,
      commitMessage: decision.commitMessage,
      author: options.author,
      draft: options.draft,
      reviewers: options.reviewers,
      labels: options.labels,
    });
    return { decision, result };
  } finally {
    await session.close();
  }
}

import type { GithubCredentialsProvider, ScmIntegrationRegistry } from '@backstage/integration';
import { parseRepoUrl } from '@backstage/plugin-scaffolder-node';
import { GitHubPublisher, GitPublisher, isGitRemote, type MergeRequestMode, type Publisher } from '@postgres-gitops/publish';
import { userError } from './user-error';

export interface ResolvedPublisher {
  publisher: Publisher;
  /** Where catalog-info.yaml can be read on a branch after merge, when the host serves it. */
  browseUrl?: (branch: string, path: string) => string;
}

export interface ResolveOptions {
  repoUrl: string;
  integrations: ScmIntegrationRegistry;
  githubCredentials: GithubCredentialsProvider;
  mergeRequest?: 'auto' | MergeRequestMode;
  /** Pace GitHub writes as GitHub asks (default); off for GitHub Enterprise without secondary limits. */
  paceGitHubWrites?: boolean;
}

/** Picks the publisher for a state-store URL, with credentials from Backstage's integrations. */
export async function resolvePublisher(options: ResolveOptions): Promise<ResolvedPublisher> {
  const { repoUrl, integrations } = options;
  if (isGitRemote(repoUrl)) {
    let remote = repoUrl;
    const secrets: string[] = [];
    let integrationType: string | undefined;
    if (/^https?:\/\//.test(repoUrl)) {
      const url = new URL(repoUrl);
      integrationType = integrations.byHost(url.host)?.type;
      const token =
        integrationType === 'github'
          ? (await options.githubCredentials.getCredentials({ url: repoUrl.replace(/\.git$/, '') })).token
          : integrationType === 'gitlab'
            ? integrations.gitlab.byHost(url.host)?.config.token
            : undefined;
      if (token && !url.username) {
        url.username = integrationType === 'github' ? 'x-access-token' : 'oauth2';
        url.password = token;
        remote = url.toString();
        secrets.push(token);
      }
    }
    const mode = options.mergeRequest && options.mergeRequest !== 'auto' ? options.mergeRequest : integrationType === 'gitlab' ? 'gitlab' : 'none';
    return { publisher: new GitPublisher({ remote, mergeRequest: mode, secrets }) };
  }

  const { host, owner, repo } = parseRepoUrl(repoUrl, integrations);
  const integration = integrations.github.byHost(host);
  if (!integration) {
    throw userError(`repoUrl: no GitHub integration for host "${host}"; configure integrations.github, or give a plain git remote URL for other hosts`);
  }
  if (!owner) throw userError('repoUrl: missing owner (expected host?owner=<owner>&repo=<repo>)');
  const { token } = await options.githubCredentials.getCredentials({ url: `https://${host}/${owner}/${repo}` });
  if (!token) throw userError(`repoUrl: no GitHub credentials for ${host}/${owner}; configure a token or a GitHub App in integrations.github`);
  return {
    publisher: new GitHubPublisher({ owner, repo, token, baseUrl: integration.config.apiBaseUrl, throttle: options.paceGitHubWrites }),
    browseUrl: (branch, path) => `https://${host}/${owner}/${repo}/blob/${branch}/${path}`,
  };
}

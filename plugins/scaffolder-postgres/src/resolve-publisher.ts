import type { GithubCredentialsProvider, ScmIntegrationRegistry } from '@backstage/integration';
import { parseRepoUrl } from '@backstage/plugin-scaffolder-node';
import { GitHubPublisher, GitPublisher, isGitRemote, redact, type MergeRequestMode, type Publisher } from '@postgres-gitops/publish';
import type { OpenedAs } from './access/who-asked';
import { userError } from './user-error';

export interface ResolvedPublisher {
  publisher: Publisher;
  /** Where catalog-info.yaml can be read on a branch after merge, when the host serves it. */
  browseUrl?: (branch: string, path: string) => string;
  /** Whose credentials write: the requester's own token, or the platform's integration. */
  openedAs: OpenedAs;
}

export interface ResolveOptions {
  repoUrl: string;
  integrations: ScmIntegrationRegistry;
  githubCredentials: GithubCredentialsProvider;
  mergeRequest?: 'auto' | MergeRequestMode;
  /** Pace GitHub writes as GitHub asks (default); off for GitHub Enterprise without secondary limits. */
  paceGitHubWrites?: boolean;
  /** The requester's own token (the template's secrets.USER_OAUTH_TOKEN): writes are theirs. */
  userToken?: string;
  /** scaffolder.requireScmUserCredentials: GitHub and GitLab stores take the requester's token only. */
  requireUserToken?: boolean;
}

/** Integration types whose mutations the scaffolder's requireScmUserCredentials covers (plugin-scaffolder-backend 4.2.0, assertScmUserCredentials.ts). */
const USER_TOKEN_TYPES = new Set(['github', 'gitlab']);

function assertUserToken(options: ResolveOptions, host: string, type: string | undefined): void {
  if (options.requireUserToken && !options.userToken && type && USER_TOKEN_TYPES.has(type)) {
    throw userError(
      `token: no user credentials provided for host ${host}, but scaffolder.requireScmUserCredentials is enabled: the template must pass the requester's token (a RepoUrlPicker with requestUserCredentials, and token: \${{ secrets.USER_OAUTH_TOKEN }})`,
    );
  }
}

/** The GitHub login a token belongs to (GET /user), so the pull request can say who opened it; a refused token is the requester's to renew. */
async function githubLogin(apiBaseUrl: string, token: string): Promise<string> {
  let response: Response;
  try {
    response = await fetch(`${apiBaseUrl.replace(/\/$/, '')}/user`, { headers: { Authorization: `token ${token}`, Accept: 'application/vnd.github+json', 'User-Agent': 'postgres-gitops' } });
  } catch (error) {
    throw new Error(redact(`GitHub at ${apiBaseUrl} did not answer: ${(error as Error).message}`, [token]));
  }
  // The scaffolder's task log masks the input's name too (a secret flows into it), so the message also says where it came from.
  if (response.status === 401 || response.status === 403) {
    throw userError(`token: GitHub refused the requester's own credentials (secrets.USER_OAUTH_TOKEN) with ${response.status}; sign in to GitHub again and rerun`);
  }
  if (!response.ok) throw new Error(`GitHub at ${apiBaseUrl} answered ${response.status} to GET /user`);
  const { login } = (await response.json()) as { login?: string };
  return String(login ?? '');
}

/** Picks the publisher for a state-store URL, with the requester's token when given, else Backstage's integration credentials. */
export async function resolvePublisher(options: ResolveOptions): Promise<ResolvedPublisher> {
  const { repoUrl, integrations, userToken } = options;
  if (isGitRemote(repoUrl)) {
    let remote = repoUrl;
    const secrets: string[] = [];
    let integrationType: string | undefined;
    let openedAs: OpenedAs = { kind: 'platform' };
    if (/^https?:\/\//.test(repoUrl)) {
      const url = new URL(repoUrl);
      integrationType = integrations.byHost(url.host)?.type;
      assertUserToken(options, url.host, integrationType);
      const token =
        userToken ??
        (integrationType === 'github'
          ? (await options.githubCredentials.getCredentials({ url: repoUrl.replace(/\.git$/, '') })).token
          : integrationType === 'gitlab'
            ? integrations.gitlab.byHost(url.host)?.config.token
            : undefined);
      if (token && !url.username) {
        url.username = integrationType === 'gitlab' ? 'oauth2' : 'x-access-token';
        url.password = token;
        remote = url.toString();
        secrets.push(token);
      }
      openedAs = userToken ? { kind: 'requester', host: url.host, github: false } : { kind: 'platform', host: url.host };
    }
    const mode = options.mergeRequest && options.mergeRequest !== 'auto' ? options.mergeRequest : integrationType === 'gitlab' ? 'gitlab' : 'none';
    return { publisher: new GitPublisher({ remote, mergeRequest: mode, secrets }), openedAs };
  }

  const { host, owner, repo } = parseRepoUrl(repoUrl, integrations);
  const integration = integrations.github.byHost(host);
  if (!integration) {
    throw userError(`repoUrl: no GitHub integration for host "${host}"; configure integrations.github, or give a plain git remote URL for other hosts`);
  }
  if (!owner) throw userError('repoUrl: missing owner (expected host?owner=<owner>&repo=<repo>)');
  assertUserToken(options, host, 'github');
  const token = userToken ?? (await options.githubCredentials.getCredentials({ url: `https://${host}/${owner}/${repo}` })).token;
  if (!token) throw userError(`repoUrl: no GitHub credentials for ${host}/${owner}; configure a token or a GitHub App in integrations.github`);
  const apiBaseUrl = integration.config.apiBaseUrl ?? 'https://api.github.com';
  return {
    publisher: new GitHubPublisher({ owner, repo, token, baseUrl: apiBaseUrl, throttle: options.paceGitHubWrites }),
    browseUrl: (branch, path) => `https://${host}/${owner}/${repo}/blob/${branch}/${path}`,
    openedAs: userToken ? { kind: 'requester', host, github: true, login: await githubLogin(apiBaseUrl, userToken) } : { kind: 'platform', host },
  };
}

/** A plain git remote (scheme://, scp-like user@host:path, or an absolute path), not Backstage's host?owner=&repo= form. */
export function isGitRemote(repoUrl: string): boolean {
  return /^[a-z][a-z0-9+.-]*:\/\//i.test(repoUrl) || repoUrl.startsWith('/') || /^[\w.-]+@[\w.-]+:/.test(repoUrl);
}

/** `https://github.com/<owner>/<repo>[.git]` (or a GitHub Enterprise host) as owner and repo; undefined for other URLs. */
export function parseGitHubRepoUrl(repoUrl: string, hosts: string[] = ['github.com']): { host: string; owner: string; repo: string } | undefined {
  let url: URL;
  try {
    url = new URL(repoUrl);
  } catch {
    return undefined;
  }
  if (url.protocol !== 'https:' || !hosts.includes(url.host)) return undefined;
  const match = /^\/([A-Za-z0-9_.-]+)\/([A-Za-z0-9_.-]+?)(?:\.git)?\/?$/.exec(url.pathname);
  return match ? { host: url.host, owner: match[1], repo: match[2] } : undefined;
}

import type { ScmIntegrationRegistry } from '@backstage/integration';
import { isGitRemote, redact } from '@postgres-gitops/publish';
import { userError } from './user-error';

/**
 * The state stores the actions may read and write: the platform's choice in app-config
 * (`postgresGitops.stateStore.repoUrl`, and `allowedRepoUrls` for platforms with several), never
 * a template's or a user's.
 */
export interface StateStores {
  /** The store an action uses when its input names none. */
  repoUrl?: string;
  /** Every store an input may name: repoUrl and allowedRepoUrls, exactly as app-config writes them. */
  allowed: readonly string[];
}

/** A URL as a message may show it: no user-info, no control characters, not too long. */
function shown(url: string): string {
  const clean = redact(url).replace(/[\u0000-\u001f\u007f]/g, '?');
  return JSON.stringify(clean.length > 120 ? `${clean.slice(0, 120)}...` : clean);
}

/**
 * The store an action works on. An input is taken only when it is, character for character, one
 * app-config names: any other spelling (user-info, a port, case, a trailing slash, "..",
 * punycode, a second owner= parameter) could reach something else, and none is needed since the
 * configured spelling works. Called before any I/O.
 */
export function chooseStateStore(input: string | undefined, stores: StateStores): string {
  if (input === undefined || input === '') {
    if (!stores.repoUrl) throw userError('repoUrl: no state store is configured; set postgresGitops.stateStore.repoUrl in app-config');
    return stores.repoUrl;
  }
  if (stores.allowed.includes(input)) return input;
  const named = stores.allowed.map(shown).join(', ') || 'none';
  throw userError(
    `repoUrl: ${shown(input)} is not a state store of this platform: the state store is the platform's choice, and an input must be exactly one that app-config names in postgresGitops.stateStore.repoUrl or .allowedRepoUrls (${named}); leave repoUrl out to use ${stores.repoUrl ? shown(stores.repoUrl) : 'the configured one'}`,
  );
}

/** The host of a remote URL or scp-like `user@host:path`, when it has one. */
function remoteHost(url: string): string | undefined {
  const scp = /^[\w.-]+@([\w.-]+):/.exec(url);
  if (scp && !url.includes('://')) return scp[1];
  try {
    return new URL(url).host || undefined;
  } catch {
    return undefined;
  }
}

/**
 * Checks app-config's stores when the backend starts: a store on a host must have a Backstage
 * integration for that host (Backstage's own publish actions reach hosts only through one); a
 * local path or file:// is taken because app-config itself names it.
 */
export function assertConfiguredStateStores(stores: StateStores, integrations: ScmIntegrationRegistry): void {
  for (const url of stores.allowed) {
    const field = url === stores.repoUrl ? 'postgresGitops.stateStore.repoUrl' : 'postgresGitops.stateStore.allowedRepoUrls';
    if (!isGitRemote(url)) {
      // Backstage's form: host?owner=o&repo=r, published through the GitHub integration of that host.
      const host = remoteHost(`https://${url}`);
      if (!host || !integrations.github.byHost(host)) throw new Error(`${field}: ${shown(url)} names no host with a GitHub integration (integrations.github); configure one, or give a git remote URL`);
      continue;
    }
    if (url.startsWith('/') || /^file:\/\//i.test(url)) continue;
    const host = remoteHost(url);
    if (!host) throw new Error(`${field}: ${shown(url)} is not a URL with a host`);
    if (!integrations.byHost(host)) throw new Error(`${field}: ${shown(url)}: no integration for host "${host}" in app-config (integrations.*); a state store on a host needs one`);
  }
}

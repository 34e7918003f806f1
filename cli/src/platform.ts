import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Publisher } from '@postgres-gitops/publish';
import { baseBranchPlatform, PLATFORM_FILE, type PlatformSettings, storePlatform } from '@postgres-gitops/renderer';
import { UsageError } from './exit-codes';
import { loadPlatform } from './files';

/** --platform is for stores that keep no settings: two sources of one fact would let two renders disagree. */
function settingsOf(result: { platform: PlatformSettings; fromStore: boolean }, flag: string | undefined, store: string): PlatformSettings {
  if (flag && result.fromStore) {
    throw new UsageError(`--platform ${flag}: ${store} keeps its settings in ${PLATFORM_FILE}; change them there (through a reviewed pull request) and leave --platform out`);
  }
  return result.platform;
}

/** The settings of a state store on disk: its platform.yaml, else --platform, else the defaults. */
export async function localStorePlatform(root: string, flag: string | undefined): Promise<PlatformSettings> {
  const path = join(root, PLATFORM_FILE);
  const read = () => readFile(path, 'utf8').catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return undefined;
    throw new UsageError(`cannot read ${path}: ${error.code ?? String(error)}`);
  });
  return settingsOf(await storePlatform(read, await loadPlatform(flag), path), flag, root);
}

/** The settings of a remote state store: platform.yaml on its base branch, else --platform, else the defaults. */
export async function remoteStorePlatform(publisher: Publisher, baseBranch: string, flag: string | undefined): Promise<PlatformSettings> {
  return settingsOf(await baseBranchPlatform(publisher, baseBranch, await loadPlatform(flag)), flag, publisher.description);
}

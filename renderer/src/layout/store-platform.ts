import { storePlatform, type PlatformSettings } from '../request/platform';
import { PLATFORM_FILE } from './paths';

/** What a remote state store must offer to be read from: the publish port's reading half. */
export interface BaseFileReader {
  readonly description: string;
  readBaseFile(baseBranch: string, path: string): Promise<string | undefined>;
}

/** The settings of a remote state store: platform.yaml on its base branch, else the fallback. */
export function baseBranchPlatform(store: BaseFileReader, baseBranch: string, fallback: PlatformSettings) {
  return storePlatform(() => store.readBaseFile(baseBranch, PLATFORM_FILE), fallback, `${PLATFORM_FILE} on ${baseBranch} of ${store.description}`);
}

import { layoutDatabase, type RenderedDatabase } from './layout/layout';
import { DEFAULT_PLATFORM, type PlatformSettings } from './platform/settings';
import { parseRequest } from './request/parse';

/** parse -> plan -> render -> layout, in one call: what every caller (action, CLI, Kratix) uses. */
export function renderDatabase(input: unknown, platform: PlatformSettings = DEFAULT_PLATFORM): RenderedDatabase {
  return layoutDatabase(parseRequest(input, platform), platform);
}

import { layoutDatabase, type RenderedDatabase } from './layout/layout';
import { buildPlan } from './plan/plan';
import { renderPlan } from './render/render';
import { parseRequest } from './request/parse';
import { DEFAULT_PLATFORM, type PlatformSettings } from './request/platform';

/** parse -> plan -> render -> layout: what every caller (action, CLI, Kratix, preview) runs. */
export function renderDatabase(input: unknown, platform: PlatformSettings = DEFAULT_PLATFORM): RenderedDatabase {
  const request = parseRequest(input, platform);
  const plan = buildPlan(request, platform);
  const manifests = renderPlan(plan);
  return layoutDatabase(plan, manifests);
}

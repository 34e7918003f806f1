import { layoutDatabase, type RenderedDatabase } from './layout/layout';
import { buildPlan } from './plan/plan';
import { renderPlan } from './render/render';
import { parseRequest } from './request/parse';
import { DEFAULT_PLATFORM, type PlatformSettings } from './request/platform';

/** A database's objects before they are laid out as files. */
export type RenderedObjects = Pick<RenderedDatabase, 'request' | 'plan' | 'manifests'>;

/** parse -> plan -> render: the objects alone, for a review that compares them and writes nothing. */
export function renderObjects(input: unknown, platform: PlatformSettings = DEFAULT_PLATFORM): RenderedObjects {
  const request = parseRequest(input, platform);
  const plan = buildPlan(request, platform);
  return { request, plan, manifests: renderPlan(plan) };
}

/** parse -> plan -> render -> layout: what every caller (action, CLI, Kratix, preview) runs. */
export function renderDatabase(input: unknown, platform: PlatformSettings = DEFAULT_PLATFORM): RenderedDatabase {
  const { plan, manifests } = renderObjects(input, platform);
  return layoutDatabase(plan, manifests);
}

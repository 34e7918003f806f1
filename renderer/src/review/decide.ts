import { parseYamlInput } from '../request/yaml-input';
import type { RenderedDatabase } from '../layout/layout';
import { renderDatabase } from '../render-database';
import { RequestValidationError } from '../request/errors';
import type { PlatformSettings } from '../request/platform';
import { changeIssues } from './change-rules';
import { rememberedAnnotations } from '../request/changes';
import { creationAnnotations, type World } from '../request/world-rules';
import { diffDatabases } from './diff';
import { reviewBody, reviewTitle } from './summary';

/** A change the rules refuse (an existing database without update, a destructive update without the flag). */
export class ChangeRefusedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ChangeRefusedError';
  }
}

export interface Decision {
  /** The database to publish: the one given, or re-rendered with what the stored request remembers. */
  rendered: RenderedDatabase;
  title: string;
  body: string;
  commitMessage: string;
  update: boolean;
}

export interface DecideOptions {
  rendered: RenderedDatabase;
  /** The stored request.yaml on the base branch, when the database exists there. */
  existingRequest?: string;
  baseBranch: string;
  update: boolean;
  allowDestructiveChanges: boolean;
  /** cloudnative-pg's offline in-place major upgrade. */
  allowMajorUpgrade?: boolean;
  platform: PlatformSettings;
  requestedBy?: string;
  /**
   * What the publisher read of the world (its clock, the restore source): a new database records
   * when it was created (creationAnnotations). Left out, nothing is recorded (a preview).
   */
  world?: World;
}

/** The stored request rendered again with today's renderer, for the diff. */
function renderStored(text: string, directory: string, platform: PlatformSettings): RenderedDatabase {
  try {
    return renderDatabase(parseYamlInput(text, `${directory}/request.yaml`), platform);
  } catch (error) {
    if (error instanceof RequestValidationError) {
      throw new ChangeRefusedError(`the stored ${directory}/request.yaml is no longer valid; fix it by hand first:\n${error.message}`);
    }
    throw error;
  }
}

/**
 * A request written afresh for an existing database (postgres:create or publish with update)
 * does not know what the store remembers (rememberedAnnotations): it is rendered again with it,
 * so that, say, the claim templates keep their size.
 */
export function withStoredMemory(rendered: RenderedDatabase, existingRequest: string, platform: PlatformSettings): RenderedDatabase {
  const kept = rememberedAnnotations(parseYamlInput(existingRequest, `${rendered.directory}/request.yaml`));
  const annotations = rendered.request.metadata.annotations;
  if (Object.entries(kept).every(([key, value]) => annotations[key] === value)) return rendered;
  return renderDatabase({ ...rendered.request, metadata: { ...rendered.request.metadata, annotations: { ...annotations, ...kept } } }, platform);
}

/**
 * Create or update, and what the pull request says. Refuses an existing database without
 * `update`, and destructive changes without `allowDestructiveChanges`, before anything is written.
 */
export function decideChange(options: DecideOptions): Decision {
  const { existingRequest } = options;
  let { rendered } = options;
  let diff;
  if (existingRequest === undefined && options.world) {
    const stamped = creationAnnotations(rendered.request, options.world, options.platform);
    if (Object.keys(stamped).length > 0) {
      const metadata = { ...rendered.request.metadata, annotations: { ...rendered.request.metadata.annotations, ...stamped } };
      rendered = renderDatabase({ ...rendered.request, metadata }, options.platform);
    }
  }
  if (existingRequest !== undefined) {
    if (!options.update) {
      throw new ChangeRefusedError(`${rendered.directory} already exists on ${options.baseBranch}: change it with postgres:update (the "Change PostgreSQL" template, or postgres-gitops update), or set update: true`);
    }
    rendered = withStoredMemory(rendered, existingRequest, options.platform);
    const stored = renderStored(existingRequest, rendered.directory, options.platform);
    const refused = changeIssues(stored.request, rendered.request, { allowMajorUpgrade: options.allowMajorUpgrade ?? false }, options.platform);
    if (refused.length > 0) throw new RequestValidationError(refused);
    diff = diffDatabases(stored, rendered);
    const destructive = diff.changes.filter(c => c.destructive);
    if (destructive.length > 0 && !options.allowDestructiveChanges) {
      throw new ChangeRefusedError(
        `this update is destructive and needs allowDestructiveChanges: true:\n${destructive.map(c => `  - ${c.text}`).join('\n')}`,
      );
    }
  }
  const update = diff !== undefined;
  const title = reviewTitle(rendered, update);
  const requestedBy = options.requestedBy ? `\n\nRequested-by: ${options.requestedBy}` : '';
  return {
    rendered,
    title,
    body: reviewBody(rendered, { diff, requestedBy: options.requestedBy }),
    commitMessage: `${title}${requestedBy}`,
    update,
  };
}

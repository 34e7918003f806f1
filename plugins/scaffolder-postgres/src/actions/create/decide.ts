import { InputError } from '@backstage/errors';
import { parse } from 'yaml';
import {
  diffDatabases,
  RequestValidationError,
  renderDatabase,
  reviewBody,
  reviewTitle,
  type DatabaseDiff,
  type PlatformSettings,
  type RenderedDatabase,
} from '@postgres-gitops/renderer';

export interface Decision {
  title: string;
  body: string;
  commitMessage: string;
  update: boolean;
}

export interface DecideOptions {
  rendered: RenderedDatabase;
  existingRequest?: string;
  baseBranch: string;
  update: boolean;
  allowDestructiveChanges: boolean;
  platform: PlatformSettings;
  requestedBy?: string;
}

/**
 * Create or update, and what the pull request says. Refuses an existing database without
 * `update`, and destructive changes without `allowDestructiveChanges`, before anything is written.
 */
export function decideChange(options: DecideOptions): Decision {
  const { rendered, existingRequest } = options;
  let diff: DatabaseDiff | undefined;
  if (existingRequest !== undefined) {
    if (!options.update) {
      throw new InputError(`${rendered.directory} already exists on ${options.baseBranch}: set update: true to change this database`);
    }
    let before: RenderedDatabase;
    try {
      before = renderDatabase(parse(existingRequest), options.platform);
    } catch (error) {
      if (error instanceof RequestValidationError) {
        throw new InputError(`the stored ${rendered.directory}/request.yaml is no longer valid; fix it by hand first:\n${error.message}`);
      }
      throw error;
    }
    diff = diffDatabases(before, rendered);
    const destructive = diff.changes.filter(c => c.destructive);
    if (destructive.length > 0 && !options.allowDestructiveChanges) {
      throw new InputError(
        `this update is destructive and needs allowDestructiveChanges: true:\n${destructive.map(c => `  - ${c.text}`).join('\n')}`,
      );
    }
  }
  const update = diff !== undefined;
  const title = reviewTitle(rendered, update);
  const requestedBy = options.requestedBy ? `\n\nRequested-by: ${options.requestedBy}` : '';
  return {
    title,
    body: reviewBody(rendered, { diff, requestedBy: options.requestedBy }),
    commitMessage: `${title}${requestedBy}`,
    update,
  };
}

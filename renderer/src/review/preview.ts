import { manifestPath } from '../layout/layout';
import { renderDatabase } from '../render-database';
import { formFieldOf, RequestValidationError } from '../request/errors';
import { requestFromFields } from '../request/fields';
import { DEFAULT_PLATFORM, type PlatformSettings } from '../request/platform';
import { formatTotals, resourceTotals } from './totals';
import { reviewWarnings } from './warnings';

/** One object of the preview: what it is, and the file (and so the YAML) the pull request will hold. */
export interface PreviewObject {
  kind: string;
  name: string;
  path: string;
  yaml: string;
}

export type Preview =
  | {
      ok: true;
      directory: string;
      objects: PreviewObject[];
      totals: ReturnType<typeof formatTotals>;
      warnings: string[];
      files: number;
    }
  | { ok: false; issues: { field: string; message: string }[] };

/**
 * What the "Create PostgreSQL" form will produce, from its current fields: the objects and their
 * YAML, byte for byte the pull request's files, the resource totals and the warnings; or the
 * renderer's refusals, each under the form field it names. Pure, so the browser runs it on every
 * change of the form.
 */
export function previewDatabase(fields: Record<string, unknown>, platform: PlatformSettings = DEFAULT_PLATFORM): Preview {
  let db;
  try {
    db = renderDatabase(requestFromFields(fields), platform);
  } catch (error) {
    if (error instanceof RequestValidationError) return { ok: false, issues: error.issues.map(i => ({ field: formFieldOf(i.path), message: i.message })) };
    throw error;
  }
  const objects = db.manifests.map(m => {
    const path = `${db.directory}/${manifestPath(db.plan, m)}`;
    return { kind: m.kind, name: m.metadata.name, path, yaml: db.files[path] };
  });
  return {
    ok: true,
    directory: db.directory,
    objects,
    totals: formatTotals(resourceTotals(db.manifests)),
    warnings: reviewWarnings(db.plan),
    files: Object.keys(db.files).length,
  };
}

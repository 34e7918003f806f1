import { resolveDefaults } from './defaults';
import { RequestValidationError, type FieldIssue } from './errors';
import { DEFAULT_PLATFORM, type PlatformSettings } from './platform';
import { requestObjectSchema } from './schema';
import type { Request } from './types';

/** Rules that involve more than one field, checked after defaults are resolved. */
function crossFieldIssues(request: Request): FieldIssue[] {
  const { spec } = request;
  const issues: FieldIssue[] = [];
  if (spec.engine === 'cloudnative-pg') {
    issues.push({ path: 'spec.engine', message: '"cloudnative-pg" is not available yet; use "statefulset"' });
  }
  if (spec.backup && !spec.persistence) {
    issues.push({ path: 'spec.backup', message: 'requires spec.persistence: true (there is no data volume to back up)' });
  }
  if (spec.replicas > 1 && !spec.persistence) {
    issues.push({ path: 'spec.replicas', message: 'standbys require spec.persistence: true (a standby clone needs a volume)' });
  }
  return issues;
}

/**
 * The single entry point for every input: a request file, Backstage action input shaped as a
 * request, or a Kratix `postgresql` object. Returns a request with every default resolved, or
 * throws RequestValidationError naming each field and rule. Limits on the object names a request
 * derives depend on the engine and are checked when the request is planned.
 */
export function parseRequest(input: unknown, platform: PlatformSettings = DEFAULT_PLATFORM): Request {
  const parsed = requestObjectSchema.safeParse(input);
  if (!parsed.success) throw RequestValidationError.fromZod(parsed.error);
  const request = resolveDefaults(parsed.data, platform);
  const issues = crossFieldIssues(request);
  if (issues.length > 0) throw new RequestValidationError(issues);
  return request;
}

import type { PlatformSettings } from '../platform/settings';
import { DEFAULT_PLATFORM } from '../platform/settings';
import { resolveDefaults, type Request } from './defaults';
import { RequestValidationError, type FieldIssue } from './errors';
import { checkDerivedNames } from './name-limits';
import { requestObjectSchema } from './schema';

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
  issues.push(...checkDerivedNames(request.metadata.name, spec));
  return issues;
}

/**
 * The single entry point for every input: a request file, Backstage action input shaped as a
 * request, or a Kratix `postgresql` object. Returns a request with every default resolved, or
 * throws RequestValidationError naming each field and rule.
 */
export function parseRequest(input: unknown, platform: PlatformSettings = DEFAULT_PLATFORM): Request {
  const parsed = requestObjectSchema.safeParse(input);
  if (!parsed.success) throw RequestValidationError.fromZod(parsed.error);
  const request = resolveDefaults(parsed.data, platform);
  const issues = crossFieldIssues(request);
  if (issues.length > 0) throw new RequestValidationError(issues);
  return request;
}

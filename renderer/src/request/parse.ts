import { resolveDefaults } from './defaults';
import { RequestValidationError, type FieldIssue } from './errors';
import { fromMarketplaceSpec } from './marketplace';
import { DEFAULT_PLATFORM, type PlatformSettings } from './platform';
import { accessGroupNames, SYSTEM_NAMESPACES, tenantAccessRoleName, tenantRoleName, utf8Length } from './names';
import { ENGINE_ONLY_FIELDS, requestObjectSchema, SERVER_DECIDES_FIELDS, type RequestSpecInput } from './schema';
import type { Request } from './types';
import { minorVersionIssue } from './versions';

/** Rules that involve more than one field or the platform, checked after defaults are resolved. */
function crossFieldIssues(request: Request, given: RequestSpecInput, platform: PlatformSettings): FieldIssue[] {
  const { spec } = request;
  const issues: FieldIssue[] = [];
  if (!platform.engines.allowed.includes(spec.engine)) {
    issues.push({ path: 'spec.engine', message: `"${spec.engine}" is not offered by this platform (allowed: ${platform.engines.allowed.join(', ')})` });
  }
  for (const [field, engine] of Object.entries(ENGINE_ONLY_FIELDS)) {
    const value = given[field as keyof RequestSpecInput];
    if (value !== undefined && value !== false && spec.engine !== engine) {
      issues.push({ path: `spec.${field}`, message: `is a ${engine} feature; set spec.engine: ${engine} or leave it out` });
    }
  }
  const minor = spec.minorVersion !== undefined ? minorVersionIssue(spec.version, spec.minorVersion, platform.postgres.newestMinor) : undefined;
  if (minor) issues.push({ path: 'spec.minorVersion', message: minor });
  issues.push(...reservedNamespaceIssues(request, given, platform));
  if (spec.engine === 'shared-server') issues.push(...sharedServerIssues(request, given));
  if (spec.restore && spec.importFrom) {
    issues.push({ path: 'spec.importFrom', message: 'a database starts either from backups (restore) or from an import, not both' });
  }
  if (spec.importFrom?.from === request.metadata.name) {
    issues.push({ path: 'spec.importFrom.from', message: 'a database cannot import itself; give the database it replaces' });
  }
  if (spec.backup && !spec.persistence) {
    issues.push({ path: 'spec.backup', message: 'requires spec.persistence: true (there is no data volume to back up)' });
  }
  if (given.restoreDrill === true && !spec.backup && spec.engine !== 'shared-server') {
    issues.push({ path: 'spec.restoreDrill', message: 'needs spec.backup: true (a drill restores the newest backup; this database has none)' });
  }
  issues.push(...accessIssues(request, given));
  if (spec.replicas > 1 && !spec.persistence) {
    issues.push({ path: 'spec.replicas', message: 'standbys require spec.persistence: true (a standby clone needs a volume)' });
  }
  return issues;
}

/**
 * Access roles are checked as far as the request knows the server's roles: never the application
 * role, never twice; their group roles (<database>__read and __write) and, on a shared server,
 * their derived names must fit PostgreSQL's 63 bytes, and CloudNativePG reserves names starting
 * with "cnpg_" (its DatabaseRole CRD's rules).
 */
function accessIssues(request: Request, given: RequestSpecInput): FieldIssue[] {
  const { spec } = request;
  const issues: FieldIssue[] = [];
  const seen = new Map<string, number>();
  // The order the user wrote (the resolved list is sorted), so each path names their field.
  (given.access ?? []).forEach(({ role }, index) => {
    const path = `spec.access.${index}.role`;
    if (role === spec.username) {
      issues.push({ path, message: `"${role}" is the application role (spec.username) and owns the database; an access role needs a name of its own` });
    }
    const first = seen.get(role);
    if (first !== undefined) issues.push({ path, message: `"${role}" is listed twice (also spec.access.${first})` });
    else seen.set(role, index);
    if (spec.engine === 'shared-server') {
      const derived = tenantAccessRoleName(spec.username, role);
      if (utf8Length(derived) > 63) {
        issues.push({ path, message: `the role on the shared server would be "${derived}" (${utf8Length(derived)} bytes); PostgreSQL allows 63: use at most ${63 - utf8Length(spec.username) - 2} characters` });
      }
    }
  });
  if (spec.access.length === 0) return issues;
  const groups = accessGroupNames(spec.database);
  if (utf8Length(groups.write) > 63) {
    issues.push({ path: 'spec.access', message: `the group role "${groups.write}" would be ${utf8Length(groups.write)} bytes; PostgreSQL allows 63: use a database name of at most 56 bytes, or no access roles` });
  }
  if (spec.username === groups.read || spec.username === groups.write) {
    issues.push({ path: 'spec.access', message: `the application role "${spec.username}" has the name of an access group role (${groups.read}, ${groups.write}); choose another username, or no access roles` });
  }
  if (spec.engine !== 'statefulset' && spec.database.startsWith('cnpg_')) {
    issues.push({ path: 'spec.access', message: `the group roles of database "${spec.database}" would start with "cnpg_", which CloudNativePG reserves; access roles need another database name` });
  }
  return issues;
}

/** Databases stay out of Kubernetes' own namespaces and those the platform reserves, and admit no pods from them. */
function reservedNamespaceIssues(request: Request, given: RequestSpecInput, platform: PlatformSettings): FieldIssue[] {
  const reserved = [...SYSTEM_NAMESPACES, ...platform.reservedNamespaces];
  const used: [string, string | undefined][] = [
    ['metadata.namespace', request.metadata.namespace],
    ['spec.server.namespace', request.spec.server?.namespace],
    ...(given.allowedNamespaces ?? []).map((n, i): [string, string] => [`spec.allowedNamespaces.${i}`, n]),
  ];
  return used
    .filter(([, namespace]) => namespace !== undefined && reserved.includes(namespace))
    .map(([path, namespace]) => ({ path, message: `"${namespace}" is reserved for the cluster or the platform (reserved: ${reserved.join(', ')})` }));
}

function sharedServerIssues(request: Request, given: RequestSpecInput): FieldIssue[] {
  const { spec, metadata } = request;
  if (!spec.server) return [{ path: 'spec.server', message: 'is required for engine shared-server: name the cloudnative-pg database whose server hosts this one' }];
  const where = `${spec.server.namespace}/${spec.server.name}`;
  const issues: FieldIssue[] = SERVER_DECIDES_FIELDS.filter(f => given[f] !== undefined).map(f => ({
    path: `spec.${f}`,
    message:
      f === 'database' || f === 'username'
        ? `is derived on a shared server ("${tenantRoleName(metadata.namespace, metadata.name)}", from namespace and name) so that two tenants never share a database or role; leave it out`
        : f === 'restoreDrill'
          ? `is decided by the shared server ${where} (its drills restore every database on it); leave it out`
          : `is decided by the shared server ${where}; leave it out`,
  }));
  for (const [path, value] of [['metadata.namespace', metadata.namespace], ['metadata.name', metadata.name]] as const) {
    if (value.includes('--')) issues.push({ path, message: 'must not contain "--" on a shared server (the derived database name would be ambiguous)' });
  }
  if (utf8Length(spec.database) > 63) {
    issues.push({ path: 'metadata.name', message: `too long for a shared server: the database and role "${spec.database}" would be ${utf8Length(spec.database)} bytes; PostgreSQL allows 63 (namespace and name together at most 61 characters)` });
  }
  return issues;
}

/** Error paths name the field the user wrote, also when it came in under the marketplace promise's name. */
function renamePaths(error: RequestValidationError, renamed: Record<string, string>): RequestValidationError {
  if (Object.keys(renamed).length === 0) return error;
  return new RequestValidationError(error.issues.map(i => {
    const match = /^spec\.([^.]+)(.*)$/.exec(i.path);
    return match && renamed[match[1]] ? { ...i, path: `spec.${renamed[match[1]]}${match[2]}` } : i;
  }));
}

/** The request's shape against the schema, which no platform setting changes; throws RequestValidationError. */
function parseShape(input: unknown) {
  const object = input !== null && typeof input === 'object' ? (input as Record<string, unknown>) : undefined;
  const mapped = fromMarketplaceSpec(object?.spec);
  if (mapped.issues.length > 0) throw new RequestValidationError(mapped.issues);
  const parsed = requestObjectSchema.safeParse(object && 'spec' in object ? { ...object, spec: mapped.spec } : input);
  if (!parsed.success) throw renamePaths(RequestValidationError.fromZod(parsed.error), mapped.renamed);
  return { parsed: parsed.data, mapped };
}

/**
 * The checks of parseRequest that need no platform (every field's type, format and range, unknown
 * fields): a caller that must read the platform from somewhere first runs these before it reads,
 * so that a malformed request is refused without any I/O. parseRequest runs them again, then the rest.
 */
export function checkRequestShape(input: unknown): void {
  parseShape(input);
}

/**
 * The single entry point for every input: a request file, Backstage action input shaped as a
 * request, or a Kratix `postgresql` object (ours, or the marketplace promise's shape). Returns a
 * request with every default resolved, or throws RequestValidationError naming each field and
 * rule. Limits that depend on the engine (derived names, versions it runs) are checked when the
 * request is planned.
 */
export function parseRequest(input: unknown, platform: PlatformSettings = DEFAULT_PLATFORM): Request {
  const { parsed, mapped } = parseShape(input);
  const request = resolveDefaults(parsed, platform);
  const issues = crossFieldIssues(request, parsed.spec, platform);
  if (issues.length > 0) throw renamePaths(new RequestValidationError(issues), mapped.renamed);
  return request;
}

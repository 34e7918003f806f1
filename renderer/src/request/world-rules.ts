import { parseYamlInput } from './yaml-input';
import { RequestValidationError, type FieldIssue } from './errors';
import { parseRequest } from './parse';
import type { PlatformSettings } from './platform';
import type { Request } from './types';
import { ANNOTATION_CREATED_AT, ANNOTATION_RESTORE_SOURCE_CREATED_AT, ANNOTATION_SCHEMA_VERSION } from './annotations';
import { accessGroupNames } from './names';
import { databaseDirectory } from './directories';
import { argoApplicationName, fluxKustomizationName } from './gitops-names';
import { joinedName, namesakes } from './namesakes';

/** The first schema version whose servers admit tenants' access roles (pg_hba, render/cloudnative-pg/access.ts). */
const TENANT_ACCESS_SCHEMA_VERSION = 2;

/** The schema version a stored request.yaml was written with, read from the text (parsing resolves it to the current one). */
function storedSchemaVersion(text: string): number {
  const stored = parseYamlInput(text, 'the stored request.yaml') as { metadata?: { annotations?: Record<string, unknown> } } | null;
  return Number(stored?.metadata?.annotations?.[ANNOTATION_SCHEMA_VERSION] ?? 1);
}

export interface World {
  now: Date;
  /**
   * The source database's stored request.yaml when the caller looked it up: the text when it
   * exists, null when it does not; leave it out when the state store could not be read.
   */
  restoreSource?: string | null;
  /** The import source's stored request.yaml, likewise. */
  importSource?: string | null;
  /** A shared-server database's server: its stored request.yaml, likewise. */
  server?: string | null;
  /**
   * A create: the request.yaml on its pull request's branch, when an earlier run proposed it and the
   * caller looked. A re-run keeps what that run recorded (creationAnnotations), so it changes nothing.
   */
  proposed?: string | null;
  /**
   * A create: the stored request.yaml (or null) of every other database of the cluster whose
   * `<namespace>-<name>` is this one's (namesakes), by directory; left out when not looked up.
   */
  namesakes?: Record<string, string | null>;
}

/** Where a shared-server database's server lives: the same worker cluster. */
export function sharedServerDirectory(request: Request): string | undefined {
  const server = request.spec.server;
  return server ? databaseDirectory(request.spec.cluster, server.namespace, server.name) : undefined;
}

/** The server must be a cloudnative-pg database that accepts tenants, and not hold the tenant's names itself. */
function serverIssues(request: Request, world: World, platform: PlatformSettings): FieldIssue[] {
  const server = request.spec.server;
  if (!server || world.server === undefined) return [];
  const where = `${server.namespace}/${server.name} on ${request.spec.cluster}`;
  if (world.server === null) return [{ path: 'spec.server.name', message: `no database ${where} in the state store (${sharedServerDirectory(request)}/ does not exist)` }];
  const stored = parseStored(world.server, platform);
  if (!stored) return [{ path: 'spec.server.name', message: `the stored request of ${where} is not valid; fix it first` }];
  if (stored.spec.engine !== 'cloudnative-pg') return [{ path: 'spec.server.name', message: `${where} runs on ${stored.spec.engine}; shared-server databases live on cloudnative-pg servers` }];
  if (!stored.spec.tenants) return [{ path: 'spec.server.name', message: `${where} does not accept tenants; set tenants: true on it first (its own pull request)` }];
  const serverGroups = Object.values(accessGroupNames(stored.spec.database));
  if (stored.spec.database === request.spec.database || stored.spec.username === request.spec.username || serverGroups.includes(request.spec.username)) {
    return [{ path: 'metadata.name', message: `${where} uses "${request.spec.database}" itself; choose another name` }];
  }
  if (request.spec.access.length > 0 && storedSchemaVersion(world.server) < TENANT_ACCESS_SCHEMA_VERSION) {
    return [{
      path: 'spec.access',
      message: `the server ${where} was rendered before access roles for tenants (its pg_hba must admit them); re-render it first (postgres-gitops fleet publish on ${request.spec.cluster}, or any update of it), then ask again`,
    }];
  }
  return [];
}

/** Where the import source's request lives: the same cluster and namespace. */
export function importSourceDirectory(request: Request): string | undefined {
  const source = request.spec.importFrom;
  return source ? databaseDirectory(request.spec.cluster, request.metadata.namespace, source.from) : undefined;
}

/** Where the databases live that would share the request's derived names (namesakes.ts): none for most names, one per further hyphen at most. */
export function namesakeDirectories(request: Request): string[] {
  return namesakes(request.metadata).map(n => databaseDirectory(request.spec.cluster, n.namespace, n.name));
}

/**
 * The World of a request, from a reader of stored requests (the state store's, for the caller's
 * branch): every other database the request names is looked up once, and for a create every
 * namesake too; the reads run together.
 */
export async function readWorld(
  request: Request,
  read: (directory: string) => Promise<string | null | undefined>,
  now = new Date(),
  options: { create?: boolean } = {},
): Promise<World> {
  const lookUp = (directory: string | undefined) => (directory ? read(directory) : Promise.resolve(undefined));
  const namesakeDirs = options.create ? namesakeDirectories(request) : [];
  const [restoreSource, importSource, server, ...found] = await Promise.all([
    lookUp(restoreSourceDirectory(request)),
    lookUp(importSourceDirectory(request)),
    lookUp(sharedServerDirectory(request)),
    ...namesakeDirs.map(lookUp),
  ]);
  const looked = namesakeDirs.flatMap((directory, i) => (found[i] !== undefined ? [[directory, found[i]] as const] : []));
  return {
    now,
    ...(restoreSource !== undefined ? { restoreSource } : {}),
    ...(importSource !== undefined ? { importSource } : {}),
    ...(server !== undefined ? { server } : {}),
    ...(options.create ? { namesakes: Object.fromEntries(looked) } : {}),
  };
}

/**
 * A new database must not share `<namespace>-<name>` with another of its cluster: both would
 * render the same Flux Kustomization (kustomize refuses the cluster's root with both: "may not add
 * resource with an already registered id", api/resmap/reswrangler.go Append), the same Argo CD
 * Application (the ApplicationSet refuses the second: "contains applications with duplicate
 * name", applicationset_controller.go validateGeneratedApplications) and, on one shared server,
 * the same objects in its namespace. Renaming either would make Flux prune what it applied, so
 * the newcomer is refused.
 */
function namesakeIssues(request: Request, world: World): FieldIssue[] {
  const { namespace, name } = request.metadata;
  const joined = joinedName(request.metadata);
  return Object.entries(world.namesakes ?? {})
    .filter(([, text]) => typeof text === 'string')
    .map(([directory]) => {
      const [, , , otherNamespace, otherName] = directory.split('/');
      const { cluster } = request.spec;
      const shared = argoApplicationName(cluster, namespace, name);
      // Past 63 characters a Flux Kustomization's name ends in a digest of cluster/namespace/name: those differ.
      const sameFlux = fluxKustomizationName(cluster, namespace, name) === fluxKustomizationName(cluster, otherNamespace, otherName);
      const objects = sameFlux ? 'their Flux Kustomization and Argo CD Application' : 'their Argo CD Application';
      return {
        path: 'metadata.name',
        message:
          `${namespace}/${name} would share "${joined}" with the database ${otherNamespace}/${otherName} on ${request.spec.cluster} (${directory}/): ` +
          `both would name ${objects} ${shared}, and on one shared server their objects ${joined}-postgresql... in its namespace. ` +
          `<metadata.namespace>-<metadata.name> must be unique on a cluster: choose another metadata.name (or metadata.namespace)`,
      };
    });
}

function parseStored(text: string, platform: PlatformSettings): Request | undefined {
  try {
    return parseRequest(parseYamlInput(text, 'the stored request.yaml'), platform);
  } catch (error) {
    if (!(error instanceof RequestValidationError)) throw error;
    return undefined;
  }
}

/** The import source must exist, and the database and role to dump must be the ones it has. */
function importIssues(request: Request, world: World, platform: PlatformSettings): FieldIssue[] {
  const source = request.spec.importFrom;
  if (!source || world.importSource === undefined) return [];
  const where = `${request.metadata.namespace}/${source.from} on ${request.spec.cluster}`;
  if (world.importSource === null) return [{ path: 'spec.importFrom.from', message: `no database ${where} in the state store (${importSourceDirectory(request)}/ does not exist)` }];
  const stored = parseStored(world.importSource, platform);
  if (!stored) return [{ path: 'spec.importFrom.from', message: `the stored request of ${where} is not valid; fix it first` }];
  const issues: FieldIssue[] = [];
  if (stored.spec.database !== source.database) issues.push({ path: 'spec.importFrom.database', message: `${where} has database "${stored.spec.database}"; set importFrom.database: ${stored.spec.database}` });
  if (stored.spec.username !== source.username) issues.push({ path: 'spec.importFrom.username', message: `${where} connects as "${stored.spec.username}"; set importFrom.username: ${stored.spec.username}` });
  if (stored.spec.ssl !== source.ssl) issues.push({ path: 'spec.importFrom.ssl', message: `${where} has ssl: ${stored.spec.ssl}; set importFrom.ssl: ${stored.spec.ssl}` });
  // The import runs this database's image: its pg_dump dumps servers of its own major or older only (app-pgdump).
  if (Number(stored.spec.version) > Number(request.spec.version)) {
    issues.push({ path: 'spec.version', message: `${where} runs PostgreSQL ${stored.spec.version}; an import needs this database's major to be the same or newer (its pg_dump cannot dump a newer server): set version: ${stored.spec.version} or later` });
  }
  return issues;
}

/** Where the source's request lives, for lookups and messages. */
export function restoreSourceDirectory(request: Request): string | undefined {
  const source = request.spec.restore;
  return source ? databaseDirectory(source.cluster, source.namespace, source.from) : undefined;
}

/**
 * Rules that need more than the request: a restore's target time must have passed, and its source
 * must exist in the state store as a cloudnative-pg database with backups; an import source and a
 * shared server must exist as the request expects them.
 */
export function worldIssues(request: Request, world: World, platform: PlatformSettings): FieldIssue[] {
  const source = request.spec.restore;
  if (!source) return [...namesakeIssues(request, world), ...importIssues(request, world, platform), ...serverIssues(request, world, platform)];
  const issues: FieldIssue[] = [...namesakeIssues(request, world), ...crossNamespaceRestoreIssues(request, platform)];
  if (source.targetTime && Date.parse(source.targetTime) > world.now.getTime()) {
    issues.push({ path: 'spec.restore.targetTime', message: `is in the future (now is ${world.now.toISOString()}); recover to a moment that has passed, or leave it out for the latest point` });
  }
  const where = `${source.namespace}/${source.from} on ${source.cluster}`;
  if (world.restoreSource === null) {
    issues.push({ path: 'spec.restore.from', message: `no database ${where} in the state store (${restoreSourceDirectory(request)}/ does not exist)` });
  } else if (typeof world.restoreSource === 'string') {
    const stored = parseStored(world.restoreSource, platform);
    if (!stored) issues.push({ path: 'spec.restore.from', message: `the stored request of ${where} is not valid; fix it first` });
    else if (stored.spec.engine !== 'cloudnative-pg' || !stored.spec.backup) {
      issues.push({ path: 'spec.restore.from', message: `${where} has no backups to restore from (only cloudnative-pg databases with backup: true archive to the object store)` });
    } else if (source.targetTime) {
      issues.push(...targetTimeIssues(source.targetTime, stored, world.now, where));
    }
  }
  return issues;
}

/**
 * A restore copies the source's data to whoever owns the target namespace, and the state store's
 * review rule (CODEOWNERS from access, wiring/state-store-ci.ts) asks the target namespace's owners
 * and the platform groups only. So a restore into another namespace is refused unless every group
 * owning the source namespace also owns the target one: then the approval the review rule asks for
 * is the source owners' own. Without an access model (no namespaces listed) only platform groups
 * review, and they own both.
 */
function crossNamespaceRestoreIssues(request: Request, platform: PlatformSettings): FieldIssue[] {
  const source = request.spec.restore!;
  const target = request.metadata.namespace;
  const owners = platform.access.namespaces;
  if (source.namespace === target || Object.keys(owners).length === 0) return [];
  const sourceOwners = owners[source.namespace] ?? [];
  const targetOwners = new Set((owners[target] ?? []).map(o => o.toLowerCase()));
  const missing = sourceOwners.filter(o => !targetOwners.has(o.toLowerCase()));
  if (sourceOwners.length > 0 && missing.length === 0) return [];
  const who = sourceOwners.length > 0 ? sourceOwners.join(', ') : 'the platform groups';
  return [
    {
      path: 'spec.restore.namespace',
      message: `restoring ${source.namespace}/${source.from} into ${target} copies ${source.namespace}'s data, and the pull request would be approved by ${target}'s owners alone (CODEOWNERS), not by ${who}, who own ${source.namespace}. Restore into ${source.namespace}, or have the platform team add ${missing.join(', ') || who} to access.namespaces.${target}`,
    },
  ];
}

/**
 * A point in time the source's archive holds: not before the source was created (its created-at,
 * when recorded), nor before its retention window (base backups and WAL older than
 * backupRetention days are pruned by the plugin's retention policy).
 */
function targetTimeIssues(targetTime: string, source: Request, now: Date, where: string): FieldIssue[] {
  const target = Date.parse(targetTime);
  const retentionStart = now.getTime() - source.spec.backupRetention * 24 * 3600 * 1000;
  const createdAt = source.metadata.annotations[ANNOTATION_CREATED_AT];
  const created = createdAt !== undefined ? Date.parse(createdAt) : NaN;
  const earliest = Number.isNaN(created) ? retentionStart : Math.max(created, retentionStart);
  if (target >= earliest) return [];
  const why = earliest === created ? `${where} was created at ${createdAt}` : `${where} keeps ${source.spec.backupRetention} days of backups, so its archive starts about ${new Date(retentionStart).toISOString()}`;
  return [{ path: 'spec.restore.targetTime', message: `${targetTime} is before anything the archive can recover to: ${why}; choose a moment from ${new Date(earliest).toISOString()} until now` }];
}

export function assertWorld(request: Request, world: World, platform: PlatformSettings): void {
  const issues = worldIssues(request, world, platform);
  if (issues.length > 0) throw new RequestValidationError(issues);
}

/** A moment as the created-at annotations hold it: UTC, whole seconds. */
export function createdAtValue(now: Date): string {
  return now.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/**
 * What a new cloudnative-pg database's request records when it is first published: when (the World's clock, or
 * what an earlier run of the same create proposed on its branch), and
 * for a restore when its source was created, as far as the state store says (the source's archive
 * is named after it). Annotations the request already has stay.
 */
export function creationAnnotations(request: Request, world: World, platform: PlatformSettings): Record<string, string> {
  // Only a cloudnative-pg database archives under a name of its own.
  if (request.spec.engine !== 'cloudnative-pg') return {};
  const annotations = request.metadata.annotations;
  const proposed = typeof world.proposed === 'string' ? parseStored(world.proposed, platform)?.metadata.annotations : undefined;
  const stamped: Record<string, string> = {};
  if (annotations[ANNOTATION_CREATED_AT] === undefined) stamped[ANNOTATION_CREATED_AT] = proposed?.[ANNOTATION_CREATED_AT] ?? createdAtValue(world.now);
  if (request.spec.restore && annotations[ANNOTATION_RESTORE_SOURCE_CREATED_AT] === undefined && typeof world.restoreSource === 'string') {
    const sourceCreatedAt = proposed?.[ANNOTATION_RESTORE_SOURCE_CREATED_AT] ?? parseStored(world.restoreSource, platform)?.metadata.annotations[ANNOTATION_CREATED_AT];
    if (sourceCreatedAt !== undefined) stamped[ANNOTATION_RESTORE_SOURCE_CREATED_AT] = sourceCreatedAt;
  }
  return stamped;
}

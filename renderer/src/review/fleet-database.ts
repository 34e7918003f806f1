import { manifestPath, type FileSet, type RenderedDatabase } from '../layout/layout';
import { REQUEST_FILE } from '../layout/paths';
import type { Manifest } from '../render/manifest';
import { renderDatabase, renderObjects, type RenderedObjects } from '../render-database';
import { withChanges } from '../request/changes';
import { RequestValidationError, type FieldIssue } from '../request/errors';
import type { PlatformSettings } from '../request/platform';
import { SERVER_DECIDES_FIELDS } from '../request/schema';
import { parseYamlInput } from '../request/yaml-input';
import { changeIssues } from './change-rules';
import { clientConnectionChange } from './client-connection';
import { CommittedFileError, readCommittedObject } from './committed-objects';
import { fileChanges, semanticChanges } from './diff';
import { engineRestarts } from './engines';
import { PROTECT_FROM_PRUNING } from '../plan/labels';
import { passwordRegenerations } from './password-regeneration';

/** What a fleet run does to one stored database. */
export type FleetOutcome =
  | { directory: string; status: 'unchanged' }
  /** The stored request (or the change asked of it, or a committed file) does not read: reported by file and field. */
  | { directory: string; status: 'invalid'; file: string; issues: FieldIssue[] }
  | {
      directory: string;
      status: 'changed';
      /** Refused by the change rules, or destructive: left out of a pull request unless allowed. */
      destructive: boolean;
      changes: string[];
      restarts: string[];
      /** Image bumps, like "postgres: docker.io/library/postgres:16.9 -> ...:16.11". */
      images: string[];
      files: { added: string[]; removed: string[]; changed: string[] };
      /** Every file of the database directory as rendered now (publish needs them; plan drops them). */
      rendered: FileSet;
    };

/** Kinds whose removal from the store would let a GitOps prune take data or the running server with it. */
const DESTRUCTIVE_REMOVALS = ['persistentvolumeclaim-', 'statefulset-', 'cluster-'];

/** A committed object the GitOps prune leaves in place (Flux and Argo CD both told so): removing its file deletes nothing. */
function pruneProtected(committedText: string, path: string): boolean {
  const annotations = readCommittedObject(committedText, path)?.metadata.annotations ?? {};
  return Object.entries(PROTECT_FROM_PRUNING).every(([key, value]) => annotations[key] === value);
}
/** Files whose objects run pods: the only ones parsed, to find restarts and image bumps. */
const POD_FILES = /\/(statefulset|deployment|cronjob|cluster|pooler)-[^/]+\.yaml$/;

function imagesOf(manifest: Manifest): Record<string, string> {
  const spec = manifest.spec as Record<string, any> | undefined;
  if (manifest.kind === 'Cluster') return { [manifest.metadata.name]: spec?.imageName };
  const pod = manifest.kind === 'CronJob' ? spec?.jobTemplate?.spec?.template?.spec : spec?.template?.spec;
  const containers = [...(pod?.initContainers ?? []), ...(pod?.containers ?? [])] as { name: string; image: string }[];
  return Object.fromEntries(containers.map(c => [`${manifest.metadata.name}/${c.name}`, c.image]));
}

function imageBumps(before: Manifest[], after: Manifest[]): string[] {
  const old: Record<string, string> = Object.assign({}, ...before.map(imagesOf));
  const now: Record<string, string> = Object.assign({}, ...after.map(imagesOf));
  const bumps = new Set<string>();
  for (const [where, image] of Object.entries(now)) {
    if (old[where] !== undefined && old[where] !== image) bumps.add(`${old[where]} -> ${image}`);
  }
  return [...bumps].sort();
}

/**
 * A fleet change only sets what applies: a shared server's tenants take their version from the
 * server, so a minor bump is the server's.
 */
function applicableSets(stored: unknown, sets: Record<string, unknown>): Record<string, unknown> {
  const engine = (stored as { spec?: { engine?: string } })?.spec?.engine;
  if (engine !== 'shared-server') return sets;
  return Object.fromEntries(Object.entries(sets).filter(([field]) => !(SERVER_DECIDES_FIELDS as readonly string[]).includes(field)));
}

/** Restarts and image bumps are read against what runs now: the committed objects, read only where they differ. */
function runningPods(directory: string, committed: FileSet, after: RenderedDatabase): Manifest[] {
  return Object.keys(committed)
    .filter(f => POD_FILES.test(f))
    .map(f => (committed[f] === after.files[f] ? after.manifests.find(m => f === `${directory}/${manifestPath(after.plan, m)}`) : readCommittedObject(committed[f], f)))
    .filter((m): m is Manifest => Boolean(m));
}

/** ExternalSecrets as committed, read only where their file changes: what a renderer upgrade changes in them regenerates rotated passwords too. */
function committedExternalSecrets(directory: string, committed: FileSet, after: RenderedDatabase): Manifest[] {
  return after.manifests
    .filter(m => m.kind === 'ExternalSecret')
    .map(m => `${directory}/${manifestPath(after.plan, m)}`)
    .filter(f => committed[f] !== undefined && committed[f] !== after.files[f])
    .map(f => readCommittedObject(committed[f], f))
    .filter((m): m is Manifest => Boolean(m));
}

/** What applications are told that changes, against the committed connection ConfigMap (not the stored request re-rendered, which already tells the new). */
function clientsChange(directory: string, committed: FileSet, after: RenderedDatabase): string | undefined {
  const now = after.manifests.find(m => m.kind === 'ConfigMap' && m.metadata.name === after.plan.names.connection);
  const file = now && `${directory}/${manifestPath(after.plan, now)}`;
  if (!file || committed[file] === after.files[file]) return undefined;
  return clientConnectionChange(committed[file] === undefined ? undefined : readCommittedObject(committed[file], file), now, after.plan.engine === 'shared-server');
}

function invalid(directory: string, error: unknown, prefix = ''): FleetOutcome {
  if (error instanceof CommittedFileError) return { directory, status: 'invalid', file: error.path, issues: [{ path: '', message: `not readable as YAML (${error.reason})` }] };
  if (!(error instanceof RequestValidationError)) throw error;
  return { directory, status: 'invalid', file: `${directory}/${REQUEST_FILE}`, issues: error.issues.map(i => ({ ...i, path: `${prefix}${i.path}` })) };
}

/**
 * Re-renders one stored database with today's renderer and settings, keeping its request's
 * choices but for the fields in `sets`, and says what that changes against the committed files.
 * Pure: the caller reads the files.
 */
export function reviewStoredDatabase(directory: string, committed: FileSet, platform: PlatformSettings, sets: Record<string, unknown> = {}): FleetOutcome {
  const requestPath = `${directory}/${REQUEST_FILE}`;
  const changing = Object.keys(sets).length > 0;
  let stored: unknown;
  let before: RenderedObjects;
  let after: RenderedDatabase;
  try {
    stored = parseYamlInput(committed[requestPath] ?? '', requestPath);
    // Without a change the stored request renders once, files and all; with one, its objects suffice.
    before = changing ? renderObjects(stored, platform) : renderDatabase(stored, platform);
  } catch (error) {
    return invalid(directory, error);
  }
  try {
    after = changing ? renderDatabase(withChanges(stored, applicableSets(stored, sets)), platform) : (before as RenderedDatabase);
  } catch (error) {
    return invalid(directory, error, '--set: ');
  }
  if (after.directory !== directory) {
    return { directory, status: 'invalid', file: requestPath, issues: [{ path: 'metadata', message: `the request belongs in ${after.directory}/, not ${directory}/ (cluster, namespace and name decide the directory)` }] };
  }

  const files = fileChanges(committed, after.files);
  if (files.added.length + files.removed.length + files.changed.length === 0) return { directory, status: 'unchanged' };

  let committedPods: Manifest[];
  let clients: string | undefined;
  let regenerated: string[];
  try {
    committedPods = runningPods(directory, committed, after);
    clients = clientsChange(directory, committed, after);
    regenerated = passwordRegenerations(committedExternalSecrets(directory, committed, after), after.manifests);
  } catch (error) {
    return invalid(directory, error);
  }
  const semantic = semanticChanges(before, after);
  const changes = [...semantic, ...regenerated.filter(text => !semantic.some(c => c.text === text)).map(text => ({ text, destructive: false }))];
  const refused = changeIssues(before.request, after.request, { allowMajorUpgrade: false }, platform).map(i => `${i.path}: ${i.message}`);
  let removedData: string[];
  try {
    // A claim the prune leaves (a scaled-down standby's, protected) keeps its data; a StatefulSet or Cluster going is destructive either way.
    removedData = files.removed
      .filter(f => DESTRUCTIVE_REMOVALS.some(prefix => f.slice(directory.length + 1).startsWith(prefix)))
      .filter(f => !f.slice(directory.length + 1).startsWith('persistentvolumeclaim-') || !pruneProtected(committed[f], f));
  } catch (error) {
    return invalid(directory, error);
  }
  return {
    directory,
    status: 'changed',
    destructive: refused.length > 0 || removedData.length > 0 || changes.some(c => c.destructive),
    changes: [
      ...refused.map(r => `refused: ${r}`),
      // The manual step too, as a single database's pull request says it (summary.ts): a fleet PR is reviewed the same way (review 2 m4).
      ...changes.map(c => `${c.text}${c.destructive ? ' (destructive)' : ''}${'action' in c && c.action ? ` (manual step: ${c.action})` : ''}`),
      ...(clients ? [clients] : []),
      ...removedData.map(f => `${f}: removed from the store (destructive: a prune would delete it)`),
    ],
    restarts: engineRestarts(after.plan, committedPods, after.manifests),
    images: imageBumps(committedPods, after.manifests),
    files,
    rendered: after.files,
  };
}

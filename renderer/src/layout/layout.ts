import type { Plan } from '../plan/plan';
import type { Manifest } from '../render/manifest';
import { ANNOTATION_RENDERER_VERSION } from '../request/annotations';
import { SERVER_DECIDES_FIELDS } from '../request/schema';
import type { Request } from '../request/types';
import { RENDERER_VERSION } from '../version';
import { buildCatalogEntity, catalogEntityRef } from './catalog';
import { AFTER_GRANTS_DIRECTORY, afterGrants, afterGrantsKustomization } from './access-gate';
import { buildFluxKustomizations } from './flux-kustomization';
import { CATALOG_FILE, databaseDirectory, FLUX_KUSTOMIZATION_FILE, KUSTOMIZATION_FILE, manifestFileName, REQUEST_FILE } from './paths';
import { toYaml, toYamlStream } from './serialize';

/** Relative path in the state store to file content. */
export type FileSet = Record<string, string>;

export interface RenderedDatabase {
  request: Request;
  plan: Plan;
  directory: string;
  manifests: Manifest[];
  /** Files of the database directory, keyed by path relative to the state-store root. */
  files: FileSet;
  entityRef: string;
}

/** The request as stored: every default resolved (but what a shared server decides), with the schema and renderer versions. */
export function storedRequest(request: Request) {
  const spec = request.spec.engine === 'shared-server'
    ? Object.fromEntries(Object.entries(request.spec).filter(([field]) => !(SERVER_DECIDES_FIELDS as readonly string[]).includes(field)))
    : request.spec;
  return {
    ...request,
    spec,
    metadata: {
      ...request.metadata,
      annotations: { ...request.metadata.annotations, [ANNOTATION_RENDERER_VERSION]: RENDERER_VERSION },
    },
  };
}

function sortedFileSet(entries: [string, string][]): FileSet {
  return Object.fromEntries(entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/** Where a manifest's file goes in its database directory: in access/ when it waits for the grants Job (access-gate.ts). */
function placed(manifest: Manifest, waits: boolean): string {
  const file = manifestFileName(manifest);
  return waits ? `${AFTER_GRANTS_DIRECTORY}/${file}` : file;
}

/** A manifest's file, relative to its database directory: a shared-server tenant's login access roles in access/ (access-gate.ts). */
export function manifestPath(plan: Plan, manifest: Manifest): string {
  return placed(manifest, afterGrants(plan, [manifest]).length > 0);
}

/** Lays the rendered objects out as the database's state-store directory. Pure: no I/O, same input, same bytes. */
export function layoutDatabase(plan: Plan, manifests: Manifest[]): RenderedDatabase {
  const { request } = plan;
  const directory = databaseDirectory(plan.spec.cluster, plan.namespace, plan.name);
  // A shared-server tenant's login access roles go to access/, applied after its grants Job (access-gate.ts).
  const waiting = afterGrants(plan, manifests);
  const accessFiles = waiting.map(manifestFileName);
  const kustomization = {
    apiVersion: 'kustomize.config.k8s.io/v1beta1',
    kind: 'Kustomization',
    resources: [...manifests.filter(m => !waiting.includes(m)).map(manifestFileName), ...(waiting.length > 0 ? [AFTER_GRANTS_DIRECTORY] : [])].sort(),
  };
  const files: [string, string][] = [
    ...manifests.map(m => [placed(m, waiting.includes(m)), toYaml(m)] as [string, string]),
    ...(waiting.length > 0 ? [[`${AFTER_GRANTS_DIRECTORY}/${KUSTOMIZATION_FILE}`, toYaml(afterGrantsKustomization(accessFiles))] as [string, string]] : []),
    [KUSTOMIZATION_FILE, toYaml(kustomization)],
    [FLUX_KUSTOMIZATION_FILE, toYamlStream(buildFluxKustomizations(plan, manifests, waiting))],
    [REQUEST_FILE, toYaml(storedRequest(request))],
    // A retired database leaves the catalog; its directory stays only as a record.
    ...(plan.retired ? [] : [[CATALOG_FILE, toYaml(buildCatalogEntity(plan, directory))] as [string, string]]),
  ];
  return {
    request,
    plan,
    directory,
    manifests,
    files: sortedFileSet(files.map(([file, content]) => [`${directory}/${file}`, content])),
    entityRef: catalogEntityRef(plan),
  };
}

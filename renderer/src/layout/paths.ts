import type { Manifest } from '../render/manifest';

// The request's world rules look databases up by directory too: the fact lives below both.
export { databaseDirectory } from '../request/directories';

/** The cluster, namespace and name of a database directory; undefined for any other path. */
export function parseDatabaseDirectory(path: string): { cluster: string; namespace: string; name: string } | undefined {
  const match = /^clusters\/([^/]+)\/postgres\/([^/]+)\/([^/]+)\/?$/.exec(path);
  return match ? { cluster: match[1], namespace: match[2], name: match[3] } : undefined;
}

export function clusterPostgresDirectory(cluster: string): string {
  return `clusters/${cluster}/postgres`;
}

export function manifestFileName(manifest: Manifest): string {
  return `${manifest.kind.toLowerCase()}-${manifest.metadata.name}.yaml`;
}

export const REQUEST_FILE = 'request.yaml';
/** The platform settings of a state store, at its root: one source for every renderer run against it. */
export const PLATFORM_FILE = 'platform.yaml';
export const CATALOG_FILE = 'catalog-info.yaml';
export const KUSTOMIZATION_FILE = 'kustomization.yaml';
/** The database's Flux Kustomization: applied by the cluster's root Kustomization, never by the directory's kustomization.yaml. */
export const FLUX_KUSTOMIZATION_FILE = 'flux-kustomization.yaml';

/** The branch of a pull request that retires a database, apart from its change branch. */
export function retireBranch(cluster: string, namespace: string, name: string): string {
  return `postgres-retire/${cluster}/${namespace}/${name}`;
}

/** The pull-request branch of a database: the same database always lands on the same branch. */
export function pullRequestBranch(cluster: string, namespace: string, name: string): string {
  return `postgres/${cluster}/${namespace}/${name}`;
}

/** The pull-request branch of a fleet change on one cluster: a re-run updates the same pull request. */
export function fleetBranch(cluster: string): string {
  return `postgres-fleet/${cluster}`;
}

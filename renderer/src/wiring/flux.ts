import { clusterPostgresDirectory, FLUX_KUSTOMIZATION_FILE } from '../layout/paths';

export interface FluxWiringOptions {
  cluster: string;
  /** The state store's Git URL, for the index GitRepository. */
  repoUrl: string;
  branch?: string;
  /** Secret with the Git credentials, in the Flux namespace (GitRepository spec.secretRef). */
  secretName?: string;
  /** The Flux namespace: the platform setting flux.namespace, where the databases' Kustomizations live too. */
  namespace?: string;
}

/** What the index GitRepository's artifact keeps of the state store: each database directory's Flux Kustomization, nothing else. */
export function fluxIndexIgnore(cluster: string): string {
  // Each level re-included before its contents are excluded: correct under git's rule (no file
  // re-included below an excluded directory) and go-git's (the last matching pattern wins), which
  // source-controller applies file by file (fluxcd/pkg artifact/storage/archive.go SourceIgnoreFilter).
  const root = clusterPostgresDirectory(cluster);
  const levels = root.split('/').map((_, i, parts) => parts.slice(0, i + 1).join('/'));
  return [
    '/*',
    ...levels.flatMap(level => [`!/${level}/`, `/${level}/*`]).slice(0, -1),
    `/${root}/*/*/*`,
    `!/${root}/*/*/${FLUX_KUSTOMIZATION_FILE}`,
    '',
  ].join('\n');
}

/**
 * Flux has no directory generator, so each database directory carries its own Kustomization
 * (layout/flux-kustomization.ts) and the cluster gets a root that applies only those: an index
 * GitRepository whose artifact keeps nothing but the databases' flux-kustomization.yaml files
 * (source-controller spec.ignore, .gitignore syntax), and a Kustomization over it. With no
 * kustomization.yaml left in the artifact, kustomize-controller generates one over every YAML
 * file below the path (fluxcd/pkg kustomize/kustomize_generator.go scanManifests). The root's
 * objects are small Kustomizations that any API server accepts, so its dry-run never holds back a
 * database; each database then applies, waits and fails on its own.
 */
export function fluxWiring(options: FluxWiringOptions) {
  const namespace = options.namespace ?? 'flux-system';
  const name = `postgres-${options.cluster}`;
  const source = {
    apiVersion: 'source.toolkit.fluxcd.io/v1',
    kind: 'GitRepository',
    metadata: { name: `${name}-index`, namespace },
    spec: {
      interval: '1m',
      url: options.repoUrl,
      ref: { branch: options.branch ?? 'main' },
      ...(options.secretName ? { secretRef: { name: options.secretName } } : {}),
      ignore: fluxIndexIgnore(options.cluster),
    },
  };
  const root = {
    apiVersion: 'kustomize.toolkit.fluxcd.io/v1',
    kind: 'Kustomization',
    metadata: { name: `${name}-databases`, namespace },
    spec: {
      interval: '5m',
      retryInterval: '1m',
      path: `./${clusterPostgresDirectory(options.cluster)}`,
      // A database directory removed from the store takes its Kustomization along, which prunes
      // what is not protected (the data and identity objects carry prune: disabled).
      prune: true,
      sourceRef: { kind: 'GitRepository', name: source.metadata.name },
    },
  };
  return [source, root];
}

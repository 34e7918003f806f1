import { clusterPostgresDirectory } from '../layout/paths';

export interface FluxWiringOptions {
  cluster: string;
  /** GitRepository holding the state store, in the Flux namespace. */
  sourceName?: string;
  namespace?: string;
  /** Flux Kustomizations of the add-ons the manifests need (External Secrets, cert-manager, Prometheus). */
  dependsOn?: string[];
}

/**
 * One Flux Kustomization per cluster over `clusters/<cluster>/postgres`. Each database directory
 * has its own kustomization.yaml, so request.yaml and catalog-info.yaml are never applied.
 */
export function fluxWiring(options: FluxWiringOptions) {
  const dependsOn = options.dependsOn ?? ['external-secrets', 'cert-manager', 'kube-prometheus-stack'];
  return {
    apiVersion: 'kustomize.toolkit.fluxcd.io/v1',
    kind: 'Kustomization',
    metadata: { name: `postgres-${options.cluster}`, namespace: options.namespace ?? 'flux-system' },
    spec: {
      interval: '5m',
      retryInterval: '1m',
      timeout: '10m',
      path: `./${clusterPostgresDirectory(options.cluster)}`,
      prune: true,
      wait: true,
      sourceRef: { kind: 'GitRepository', name: options.sourceName ?? 'state-store' },
      ...(dependsOn.length > 0 ? { dependsOn: dependsOn.map(name => ({ name })) } : {}),
    },
  };
}

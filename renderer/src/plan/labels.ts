/** Label and annotation keys and values shared by every object: one place for each. */
export const LABEL_NAME = 'app.kubernetes.io/name';
export const LABEL_INSTANCE = 'app.kubernetes.io/instance';
export const LABEL_COMPONENT = 'app.kubernetes.io/component';
export const LABEL_PART_OF = 'app.kubernetes.io/part-of';
export const LABEL_MANAGED_BY = 'app.kubernetes.io/managed-by';
export const LABEL_VERSION = 'app.kubernetes.io/version';
export const NAMESPACE_NAME_LABEL = 'kubernetes.io/metadata.name';

export const APP_NAME = 'postgresql';
export const MANAGED_BY = 'postgres-gitops';

export type Component = 'primary' | 'read' | 'database' | 'pooler' | 'backup' | 'metrics' | 'config' | 'credentials' | 'network' | 'tls' | 'access' | 'drill' | 'import';

/** Stop GitOps tools from pruning or deleting objects that hold data or identity. */
export const PROTECT_FROM_PRUNING: Record<string, string> = {
  'kustomize.toolkit.fluxcd.io/prune': 'disabled',
  'argocd.argoproj.io/sync-options': 'Prune=false,Delete=false',
};

/** Flux post-build substitution must leave scripts and templates alone. */
export const NO_FLUX_SUBSTITUTION: Record<string, string> = {
  'kustomize.toolkit.fluxcd.io/substitute': 'disabled',
};

export const ANNOTATION_CONFIG_CHECKSUM = 'postgres-gitops.dev/config-checksum';

import { argoApplicationName } from '../layout/flux-kustomization';
import { clusterPostgresDirectory } from '../layout/paths';

export interface ArgoWiringOptions {
  cluster: string;
  repoUrl: string;
  revision?: string;
  namespace?: string;
  project?: string;
}

/**
 * An ApplicationSet with a git directory generator: one Application per database directory.
 * preserveResourcesOnDeletion keeps a removed Application from cascading into the data.
 */
export function argoWiring(options: ArgoWiringOptions) {
  const root = clusterPostgresDirectory(options.cluster);
  const revision = options.revision ?? 'HEAD';
  return {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'ApplicationSet',
    metadata: { name: `postgres-${options.cluster}`, namespace: options.namespace ?? 'argocd' },
    spec: {
      goTemplate: true,
      goTemplateOptions: ['missingkey=error'],
      generators: [{ git: { repoURL: options.repoUrl, revision, directories: [{ path: `${root}/*/*` }] } }],
      syncPolicy: { preserveResourcesOnDeletion: true },
      template: {
        metadata: {
          name: argoApplicationName(options.cluster, '{{index .path.segments 3}}', '{{.path.basename}}'),
          labels: { 'app.kubernetes.io/managed-by': 'postgres-gitops' },
        },
        spec: {
          project: options.project ?? 'default',
          source: { repoURL: options.repoUrl, targetRevision: revision, path: '{{.path.path}}' },
          destination: { name: options.cluster, namespace: '{{index .path.segments 3}}' },
          syncPolicy: {
            automated: { prune: true, selfHeal: true },
            syncOptions: ['PruneLast=true', 'ServerSideApply=true'],
          },
        },
      },
    },
  };
}

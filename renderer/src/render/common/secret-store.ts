import { meta, type MetadataSource } from '../../plan/metadata';
import type { Component } from '../../plan/labels';
import type { Manifest } from '../manifest';

export const EXTERNAL_SECRETS_API = 'external-secrets.io/v1';

/**
 * A SecretStore that reads Secrets of `remoteNamespace` through the cluster's own API server as
 * `serviceAccount` (External Secrets' kubernetes provider), trusting the API server's CA from the
 * namespace's kube-root-ca.crt ConfigMap.
 */
export function kubernetesSecretStore(plan: MetadataSource, name: string, component: Component, remoteNamespace: string, serviceAccount: string): Manifest {
  return {
    apiVersion: EXTERNAL_SECRETS_API,
    kind: 'SecretStore',
    metadata: meta(plan, name, component),
    spec: {
      provider: {
        kubernetes: {
          remoteNamespace,
          server: { caProvider: { type: 'ConfigMap', name: 'kube-root-ca.crt', key: 'ca.crt' } },
          auth: { serviceAccount: { name: serviceAccount } },
        },
      },
    },
  };
}

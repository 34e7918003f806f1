import type { PlanBase } from '../../plan/base';
import { meta } from '../../plan/metadata';
import type { Manifest } from '../manifest';

/** The names a Service answers to inside the cluster, short to fully qualified. */
export function serviceDnsNames(service: string, namespace: string, clusterDomain: string): string[] {
  return [service, `${service}.${namespace}`, `${service}.${namespace}.svc`, `${service}.${namespace}.svc.${clusterDomain}`];
}

/**
 * A cert-manager server Certificate `{name}-postgresql-tls` from the platform's issuer: ECDSA
 * P-256, rotated keys, 90 days, renewed 15 days before expiry.
 */
export function serverCertificate(plan: PlanBase, commonName: string, dnsNames: string[], secretLabels?: Record<string, string>): Manifest {
  const { names, platform } = plan;
  return {
    apiVersion: 'cert-manager.io/v1',
    kind: 'Certificate',
    metadata: meta(plan, names.tlsCertificate, 'tls'),
    spec: {
      secretName: names.tlsSecret,
      ...(secretLabels ? { secretTemplate: { labels: secretLabels } } : {}),
      commonName,
      dnsNames,
      duration: '2160h',
      renewBefore: '360h',
      privateKey: { algorithm: 'ECDSA', size: 256, rotationPolicy: 'Always' },
      usages: ['server auth', 'digital signature', 'key encipherment'],
      issuerRef: { group: 'cert-manager.io', kind: platform.certIssuer.kind, name: platform.certIssuer.name },
    },
  };
}

import { meta } from '../../plan/metadata';
import type { StatefulSetPlan as Plan } from '../../plan/statefulset/plan';
import type { Manifest } from '../manifest';
import { serviceDnsNames } from '../common/dns';


/** cert-manager Certificate for the Services and the headless wildcards used by replication. */
export function buildTls(plan: Plan): Manifest[] {
  if (!plan.spec.ssl) return [];
  const { names, namespace, platform } = plan;
  const dnsNames = [
    ...serviceDnsNames(names.service, namespace),
    `*.${names.headless}.${namespace}.svc`,
    `*.${names.headless}.${namespace}.svc.cluster.local`,
  ];
  if (plan.standbys > 0) {
    dnsNames.push(
      ...serviceDnsNames(names.replicasService, namespace),
      `*.${names.readHeadless}.${namespace}.svc`,
      `*.${names.readHeadless}.${namespace}.svc.cluster.local`,
    );
  }
  return [
    {
      apiVersion: 'cert-manager.io/v1',
      kind: 'Certificate',
      metadata: meta(plan, names.tlsCertificate, 'tls'),
      spec: {
        secretName: names.tlsSecret,
        commonName: names.service,
        dnsNames,
        duration: '2160h',
        renewBefore: '360h',
        privateKey: { algorithm: 'ECDSA', size: 256, rotationPolicy: 'Always' },
        usages: ['server auth', 'digital signature', 'key encipherment'],
        issuerRef: { group: 'cert-manager.io', kind: platform.certIssuer.kind, name: platform.certIssuer.name },
      },
    },
  ];
}

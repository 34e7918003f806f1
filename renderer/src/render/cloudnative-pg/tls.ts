import { meta } from '../../plan/metadata';
import { CNPG_RELOAD_LABEL, type CloudNativePgPlan as Plan } from '../../plan/cloudnative-pg/plan';
import type { Manifest } from '../manifest';
import { serverCertificate, serviceDnsNames } from '../common/certificates';

const ECDSA_KEY = { algorithm: 'ECDSA', size: 256, rotationPolicy: 'Always' };

/**
 * Certificates from cert-manager, when the platform asks for them; otherwise the operator makes
 * its own. The server certificate covers the operator's Services, `{name}-postgresql` and the
 * pooler. Clients are verified against a CA of the database's own (issued by the platform's
 * issuer), whose namespaced Issuer signs the `streaming_replica` certificate the standbys use.
 * Every key stays in the cluster; the instances reload the Secrets when cert-manager renews them.
 */
export function buildTls(plan: Plan): Manifest[] {
  if (plan.certificates !== 'cert-manager') return [];
  const { names, namespace, platform } = plan;
  const reload = { [CNPG_RELOAD_LABEL]: 'true' };
  const services = [names.rwService, names.roService, names.rService, names.service, ...(plan.pooler ? [names.pooler] : [])];
  return [
    serverCertificate(plan, names.rwService, services.flatMap(s => serviceDnsNames(s, namespace, plan.platform.clusterDomain)), reload),
    {
      apiVersion: 'cert-manager.io/v1',
      kind: 'Certificate',
      metadata: meta(plan, names.clientCa, 'tls'),
      spec: {
        isCA: true,
        commonName: `${names.cluster} client CA`,
        secretName: names.clientCa,
        duration: '87600h',
        renewBefore: '720h',
        privateKey: ECDSA_KEY,
        issuerRef: { group: 'cert-manager.io', kind: platform.certIssuer.kind, name: platform.certIssuer.name },
      },
    },
    {
      apiVersion: 'cert-manager.io/v1',
      kind: 'Issuer',
      metadata: meta(plan, names.clientCa, 'tls'),
      spec: { ca: { secretName: names.clientCa } },
    },
    {
      apiVersion: 'cert-manager.io/v1',
      kind: 'Certificate',
      metadata: meta(plan, names.replicationCertificate, 'tls'),
      spec: {
        secretName: names.replicationCertificate,
        secretTemplate: { labels: reload },
        commonName: 'streaming_replica',
        duration: '2160h',
        renewBefore: '360h',
        privateKey: ECDSA_KEY,
        usages: ['client auth', 'digital signature', 'key encipherment'],
        issuerRef: { group: 'cert-manager.io', kind: 'Issuer', name: names.clientCa },
      },
    },
  ];
}

import { meta } from '../../plan/metadata';
import type { CloudNativePgPlan as Plan } from '../../plan/cloudnative-pg/plan';
import type { Manifest } from '../manifest';
import { serviceDnsNames } from '../common/dns';

/**
 * The server certificate from cert-manager, when the platform asks for it; otherwise the
 * operator makes its own. It covers the operator's Services, `{name}-postgresql` and the pooler.
 */
export function buildTls(plan: Plan): Manifest[] {
  if (plan.certificates !== 'cert-manager') return [];
  const { names, namespace, platform } = plan;
  const dnsNames = [names.rwService, names.roService, names.rService, names.service, ...(plan.pooler ? [names.pooler] : [])].flatMap(s => serviceDnsNames(s, namespace));
  return [
    {
      apiVersion: 'cert-manager.io/v1',
      kind: 'Certificate',
      metadata: meta(plan, names.tlsCertificate, 'tls'),
      spec: {
        secretName: names.tlsSecret,
        secretTemplate: { labels: { 'cnpg.io/reload': 'true' } },
        commonName: names.rwService,
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

import type { StatefulSetPlan as Plan } from '../../plan/statefulset/plan';
import type { Manifest } from '../manifest';
import { serverCertificate, serviceDnsNames } from '../common/certificates';

/** cert-manager Certificate for the Services and the headless wildcards used by replication. */
export function buildTls(plan: Plan): Manifest[] {
  if (!plan.spec.ssl) return [];
  const { names, namespace } = plan;
  const domain = plan.platform.clusterDomain;
  const dnsNames = [
    ...serviceDnsNames(names.service, namespace, domain),
    `*.${names.headless}.${namespace}.svc`,
    `*.${names.headless}.${namespace}.svc.${domain}`,
  ];
  if (plan.standbys > 0) {
    dnsNames.push(
      ...serviceDnsNames(names.replicasService, namespace, domain),
      `*.${names.readHeadless}.${namespace}.svc`,
      `*.${names.readHeadless}.${namespace}.svc.${domain}`,
    );
  }
  return [serverCertificate(plan, names.service, dnsNames)];
}

import type { StatefulSetPlan as Plan } from '../../plan/statefulset/plan';
import type { Manifest } from '../manifest';
import { serverCertificate, serviceDnsNames } from '../common/certificates';

/** cert-manager Certificate for the Services and the headless wildcards used by replication. */
export function buildTls(plan: Plan): Manifest[] {
  if (!plan.spec.ssl) return [];
  const { names, namespace } = plan;
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
  return [serverCertificate(plan, names.service, dnsNames)];
}

import { CNPG_RELOAD_LABEL, type CloudNativePgPlan as Plan } from '../../plan/cloudnative-pg/plan';
import type { Manifest } from '../manifest';
import { serverCertificate, serviceDnsNames } from '../common/certificates';

/**
 * The server certificate from cert-manager, when the platform asks for it; otherwise the operator
 * makes its own. It covers the operator's Services, `{name}-postgresql` and the pooler, and its
 * Secret is labelled so the instances reload it when cert-manager renews it. Client certificates
 * (streaming_replica, the pooler's) stay with the operator's own per-Cluster client CA: see
 * certificates() in cluster.ts for why.
 */
export function buildTls(plan: Plan): Manifest[] {
  if (plan.certificates !== 'cert-manager') return [];
  const { names, namespace } = plan;
  const services = [names.rwService, names.roService, names.rService, names.service, ...(plan.pooler ? [names.pooler] : [])];
  return [serverCertificate(plan, names.rwService, services.flatMap(s => serviceDnsNames(s, namespace, plan.platform.clusterDomain)), { [CNPG_RELOAD_LABEL]: 'true' })];
}

import { CNPG_RELOAD_LABEL, type CloudNativePgPlan as Plan } from '../../plan/cloudnative-pg/plan';
import type { Manifest } from '../manifest';
import { serverCertificate, serviceDnsNames } from '../common/certificates';

/**
 * The server certificate from cert-manager, when the platform asks for it; otherwise the
 * operator makes its own. It covers the operator's Services, `{name}-postgresql` and the pooler,
 * and its Secret is reloaded by the instances when cert-manager renews it.
 */
export function buildTls(plan: Plan): Manifest[] {
  if (plan.certificates !== 'cert-manager') return [];
  const { names, namespace } = plan;
  const services = [names.rwService, names.roService, names.rService, names.service, ...(plan.pooler ? [names.pooler] : [])];
  return [serverCertificate(plan, names.rwService, services.flatMap(s => serviceDnsNames(s, namespace)), { [CNPG_RELOAD_LABEL]: 'true' })];
}

import { NO_FLUX_SUBSTITUTION } from '../../plan/labels';
import { meta } from '../../plan/metadata';
import type { StatefulSetPlan as Plan } from '../../plan/statefulset/plan';
import type { Manifest } from '../manifest';

/** ConfigMaps `{name}-postgresql-config` (postgresql.conf, pg_hba.conf) and `-scripts`, mounted read-only. */
export function buildConfig(plan: Plan): Manifest[] {
  return [
    { apiVersion: 'v1', kind: 'ConfigMap', metadata: meta(plan, plan.names.config, 'config'), data: plan.configFiles },
    {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: meta(plan, plan.names.scripts, 'config', NO_FLUX_SUBSTITUTION),
      data: plan.scriptFiles,
    },
  ];
}

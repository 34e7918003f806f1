import { sha256Hex } from '../hash';
import type { Plan } from '../plan/plan';
import { dayTwoLinks } from './day-two-links';

/** Where the database's directory is in the state store: how a catalog entity leads back to it. */
export const ANNOTATION_STATE_PATH = 'postgres-gitops.dev/state-path';

/** Entity names are at most 63 characters; long ones keep the database name and a stable hash. */
export function catalogEntityName(plan: { name: string; namespace: string; spec: { cluster: string } }): string {
  const full = `${plan.name}-${plan.namespace}-${plan.spec.cluster}`;
  if (full.length <= 63) return full;
  return `${plan.name}-${sha256Hex(`${plan.spec.cluster}/${plan.namespace}`).slice(0, 8)}`;
}

export function catalogEntityRef(plan: Plan): string {
  return `resource:default/${catalogEntityName(plan)}`;
}

/** The CronJob whose Jobs are the database's restore drills, if it has them. */
export function drillCronJob(plan: Plan): string | undefined {
  if (plan.engine === 'cloudnative-pg') return plan.drill ? plan.names.drillCronJob : undefined;
  if (plan.engine === 'statefulset') return plan.spec.restoreDrill && plan.spec.backup ? plan.names.backup : undefined;
  return undefined;
}

/** What the entity says about drills and access roles: where a drill's result shows, which Secret each role uses. */
function featureSentences(plan: Plan): string {
  const cronJob = drillCronJob(plan);
  const drill = cronJob
    ? ` Restore drills: ${plan.engine === 'statefulset' ? 'each backup is restored into a throwaway server' : 'a throwaway Cluster is recovered from the backups'} on the backup schedule; the result is the status of the latest Job of CronJob ${cronJob} and the alerts PostgreSQLRestoreDrillFailed and PostgreSQLRestoreDrillStale.`
    : '';
  const roles = plan.access.roles.length > 0 ? ` Access roles: ${plan.access.roles.map(r => `${r.dbRole} (${r.privileges}, Secret ${r.secret})`).join(', ')}.` : '';
  return `${drill}${roles}`;
}

/** Backstage `Resource` of type database: owner, system, links, and the Kubernetes plugin's annotations. */
export function buildCatalogEntity(plan: Plan, directory: string) {
  const { spec } = plan;
  const browse = plan.platform.stateStore.browseUrl;
  const annotations: Record<string, string> = {
    'backstage.io/kubernetes-namespace': plan.namespace,
    'backstage.io/kubernetes-label-selector': plan.catalogLabelSelector,
    'postgres-gitops.dev/cluster': spec.cluster,
    [ANNOTATION_STATE_PATH]: directory,
    ...plan.catalogAnnotations,
  };
  const cronJob = drillCronJob(plan);
  if (cronJob) annotations['postgres-gitops.dev/restore-drill'] = `cronjob/${cronJob}`;
  if (plan.access.roles.length > 0) annotations['postgres-gitops.dev/access-roles'] = plan.access.roles.map(r => `${r.role}=${r.privileges}`).join(',');
  if (browse) annotations['backstage.io/source-location'] = `url:${browse}/${directory}/`;
  const links = [
    ...(browse ? [{ url: `${browse}/${directory}`, title: 'Manifests in the state store', icon: 'github' }] : []),
    ...dayTwoLinks(plan, catalogEntityRef(plan)),
  ];
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Resource',
    metadata: {
      name: catalogEntityName(plan),
      title: `PostgreSQL ${plan.namespace}/${plan.name} (${spec.cluster})`,
      description:
        plan.engine === 'shared-server'
          ? `PostgreSQL database ${spec.database} on the shared server ${plan.server.namespace}/${plan.server.name} (${spec.cluster}). Connection details: ConfigMap ${plan.names.connection}; credentials: Secret ${plan.names.secret}.${featureSentences(plan)}`
          : `PostgreSQL ${spec.version}, ${spec.size}, ${spec.profile} profile, on ${spec.cluster}${spec.engine === 'statefulset' ? '' : ` (${spec.engine})`}. Connection details: ConfigMap ${plan.names.connection}; credentials: Secret ${plan.names.secret}.${featureSentences(plan)}`,
      annotations,
      tags: plan.engine === 'shared-server' ? ['postgresql', 'shared-server', spec.profile] : ['postgresql', `postgresql-${spec.version}`, spec.size, spec.profile],
      ...(links.length > 0 ? { links } : {}),
    },
    spec: {
      type: 'database',
      owner: spec.owner,
      ...(spec.system ? { system: spec.system } : {}),
      ...(plan.engine === 'shared-server'
        ? { dependsOn: [`resource:default/${catalogEntityName({ name: plan.server.name, namespace: plan.server.namespace, spec })}`] }
        : {}),
    },
  };
}

import { layoutDatabase, type FileSet, type RenderedDatabase } from '../layout/layout';
import { buildPlan, type Plan } from '../plan/plan';
import { renderPlan } from '../render/render';
import { ANNOTATION_DROP_DATA, ANNOTATION_RETIRED } from '../request/annotations';
import { parseRequest } from '../request/parse';
import type { PlatformSettings } from '../request/platform';
import type { Request } from '../request/types';
import { ChangeRefusedError } from './decide';
import { engineRetained } from './engines';

type SharedServerPlan = Extract<Plan, { engine: 'shared-server' }>;

const identity = (plan: Plan) => `${plan.spec.cluster}/${plan.namespace}/${plan.name}`;

function section(heading: string, lines: string[], code = false): string[] {
  if (lines.length === 0) return [];
  return [`### ${heading}`, '', ...(code ? ['```sh', ...lines, '```'] : lines.map(l => `- ${l}`)), ''];
}

/**
 * The pull request that retires a database: its files and catalog entity leave the state store
 * (a cloudnative-pg or shared-server database keeps a retired record), its data does not. Says
 * what to do before merging, what stays, where, and the steps that delete it for good.
 */
export function decommissionText(db: RenderedDatabase, requestedBy?: string) {
  const { plan } = db;
  const title = `Retire PostgreSQL ${plan.namespace}/${plan.name} on ${plan.spec.cluster}`;
  const { before, stays, commands } = engineRetained(plan);
  const what =
    plan.engine === 'shared-server'
      ? `This retires the database \`${plan.spec.database}\` on the shared server \`${plan.server.namespace}/${plan.server.name}\`: its Secrets, the SecretStore that copies the password, the NetworkPolicy that admits \`${plan.namespace}\` and the catalog entity \`${db.entityRef}\` go; its owner role stays but can no longer log in (no login, no password). **The database itself is not deleted** (reclaim policy retain).`
      : plan.engine === 'cloudnative-pg'
        ? `This hibernates the Cluster \`${plan.names.cluster}\`: the operator stops every instance and keeps their volumes, so nothing of the database runs or can be reached. Its pooler, Services, scheduled backups, monitoring and the catalog entity \`${db.entityRef}\` go; its NetworkPolicies stay while it stops. **No data is deleted.**`
        : `This removes \`${db.directory}/\` from the state store: Flux or Argo CD stop managing the database and remove what is not protected (Services, ConfigMaps, NetworkPolicies, monitoring), and the catalog entity \`${db.entityRef}\` goes with its file. **No data is deleted.**`;
  const lines = [
    `## Retire PostgreSQL \`${plan.namespace}/${plan.name}\` on \`${plan.spec.cluster}\``,
    '',
    ...(requestedBy ? [`Requested by \`${requestedBy}\`.`, ''] : []),
    what,
    '',
    ...section('Before merging', before, true),
    ...section('What stays', stays),
    ...section('To delete it for good (after the merge, once nobody needs the data)', commands, true),
  ];
  return { title, body: lines.join('\n'), commitMessage: `${title}${requestedBy ? `\n\nRequested-by: ${requestedBy}` : ''}` };
}

/** The second retirement of a shared-server database: its database and role are dropped through git, then its record goes. */
function dropText(plan: SharedServerPlan, requestedBy?: string) {
  const { spec, server, names } = plan;
  const title = `Drop PostgreSQL ${plan.namespace}/${plan.name} on ${plan.spec.cluster} for good`;
  const body = [
    `## Drop the retired database \`${spec.database}\` and its role \`${spec.username}\` for good`,
    '',
    ...(requestedBy ? [`Requested by \`${requestedBy}\`.`, ''] : []),
    `**Destructive: the data of \`${spec.database}\` on \`${server.namespace}/${server.name}\` is gone once this is applied.** The Database \`${names.database}\` becomes \`ensure: absent\` (the operator drops the database while the object stays); the DatabaseRole \`${names.role}\` takes \`databaseRoleReclaimPolicy: delete\`, so deleting it drops the role. Neither is protected from pruning any more.`,
    '',
    ...section('After the merge', [
      `kubectl -n ${server.namespace} get database ${names.database} -o jsonpath='{.status.applied}'   # true once the operator dropped it`,
      `postgres-gitops decommission ${identity(plan)} --repo <state-store>   # then: a pull request that removes this directory; the GitOps tool deletes both objects and the role is dropped`,
    ], true),
  ].join('\n');
  return { title, body, commitMessage: `${title}${requestedBy ? `\n\nRequested-by: ${requestedBy}` : ''}` };
}

/** The last step for a dropped shared-server database: its record leaves the state store. */
function removeRecordText(plan: SharedServerPlan, requestedBy?: string) {
  const title = `Remove the dropped PostgreSQL ${plan.namespace}/${plan.name} on ${plan.spec.cluster}`;
  const body = [
    `## Remove the record of the dropped database \`${plan.spec.database}\``,
    '',
    ...(requestedBy ? [`Requested by \`${requestedBy}\`.`, ''] : []),
    `The directory goes. Flux or Argo CD delete the Database \`${plan.names.database}\` (already absent in PostgreSQL) and the DatabaseRole \`${plan.names.role}\`, whose deletion drops the role \`${plan.spec.username}\` (reclaim policy delete). Merge it only once the drop was applied.`,
    '',
  ].join('\n');
  return { title, body, commitMessage: `${title}${requestedBy ? `\n\nRequested-by: ${requestedBy}` : ''}` };
}

const withAnnotations = (request: Request, annotations: Record<string, string>): Request => ({
  ...request,
  metadata: { ...request.metadata, annotations: { ...request.metadata.annotations, ...annotations } },
});

export interface RetirementOptions {
  /** A retired shared-server database: drop its database and role for good (destructive). */
  dropData?: boolean;
}

/**
 * What a retirement writes, from the stored request: no files (the directory goes) for a
 * statefulset database; for a cloudnative-pg database, its retired record (the hibernated Cluster,
 * its ObjectStores and NetworkPolicies); for a database on a shared server, the retired set that
 * keeps its database and role on record with the role's login taken away.
 *
 * A retired shared-server database retires in two more steps, both through git: with `dropData`
 * (destructive) its database and role are dropped; after that, its record goes. Any other second
 * retirement is refused, saying what to do.
 */
export function retirement(
  storedRequest: unknown,
  platform: PlatformSettings,
  requestedBy?: string,
  options: RetirementOptions = {},
): { files: FileSet; title: string; body: string; commitMessage: string } {
  const request = parseRequest(storedRequest, platform);
  const plan = buildPlan(request, platform);
  if (plan.retired) {
    if (plan.engine === 'shared-server') {
      if (plan.dropData) return { files: {}, ...removeRecordText(plan, requestedBy) };
      if (!options.dropData) {
        throw new ChangeRefusedError(
          `${identity(plan)} is already retired: its owner role cannot log in and its database stays on the server. To drop the database and the role for good (destructive): postgres-gitops decommission ${identity(plan)} --repo <state-store> --allow-destructive`,
        );
      }
      const dropped = buildPlan(withAnnotations(request, { [ANNOTATION_DROP_DATA]: 'true' }), platform);
      return { files: layoutDatabase(dropped, renderPlan(dropped)).files, ...dropText(plan, requestedBy) };
    }
    const { commands } = engineRetained(plan);
    throw new ChangeRefusedError(`${identity(plan)} is already retired; to delete it for good: ${commands.join('; ')}`);
  }
  const text = decommissionText(layoutDatabase(plan, renderPlan(plan)), requestedBy);
  if (plan.engine === 'statefulset') return { files: {}, ...text };
  const retired = buildPlan(withAnnotations(request, { [ANNOTATION_RETIRED]: 'true' }), platform);
  return { files: layoutDatabase(retired, renderPlan(retired)).files, ...text };
}

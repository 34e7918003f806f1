import { layoutDatabase, type FileSet, type RenderedDatabase } from '../layout/layout';
import { buildPlan } from '../plan/plan';
import { renderPlan } from '../render/render';
import { ANNOTATION_RETIRED } from '../request/annotations';
import { parseRequest } from '../request/parse';
import type { PlatformSettings } from '../request/platform';
import { ChangeRefusedError } from './decide';
import { engineRetained } from './engines';

/**
 * The pull request that retires a database: its files and catalog entity leave the state store,
 * its data does not. Says what stays, where, and the commands that delete it for good.
 */
export function decommissionText(db: RenderedDatabase, requestedBy?: string) {
  const { plan } = db;
  const title = `Retire PostgreSQL ${plan.namespace}/${plan.name} on ${plan.spec.cluster}`;
  const { stays, commands } = engineRetained(plan);
  const what =
    plan.engine === 'shared-server'
      ? `This retires the database \`${plan.spec.database}\` on the shared server \`${plan.server.namespace}/${plan.server.name}\`: its Secrets, the SecretStore that copies the password, the NetworkPolicy that admits \`${plan.namespace}\` and the catalog entity \`${db.entityRef}\` go; its owner role stays but can no longer log in (no login, no password). **The database itself is not deleted** (reclaim policy retain).`
      : `This removes \`${db.directory}/\` from the state store: Flux or Argo CD stop managing the database and remove what is not protected (Services, ConfigMaps, NetworkPolicies, monitoring), and the catalog entity \`${db.entityRef}\` goes with its file. **No data is deleted.**`;
  const lines = [
    `## Retire PostgreSQL \`${plan.namespace}/${plan.name}\` on \`${plan.spec.cluster}\``,
    '',
    ...(requestedBy ? [`Requested by \`${requestedBy}\`.`, ''] : []),
    what,
    '',
    '### What stays',
    '',
    ...stays.map(s => `- ${s}`),
    '',
    '### To delete it for good (after the merge, once nobody needs the data)',
    '',
    '```sh',
    ...commands,
    '```',
    '',
  ];
  return { title, body: lines.join('\n'), commitMessage: `${title}${requestedBy ? `\n\nRequested-by: ${requestedBy}` : ''}` };
}

/**
 * What a retirement writes, from the stored request: no files (the directory goes) for a database
 * with a server of its own; for a database on a shared server, the retired set that keeps its
 * database and role on record with the role's login taken away. Refuses a second retirement.
 */
export function retirement(storedRequest: unknown, platform: PlatformSettings, requestedBy?: string): { files: FileSet; title: string; body: string; commitMessage: string } {
  const request = parseRequest(storedRequest, platform);
  if (request.metadata.annotations[ANNOTATION_RETIRED] === 'true') {
    throw new ChangeRefusedError(`${request.metadata.namespace}/${request.metadata.name} on ${request.spec.cluster} is already retired: its owner role cannot log in and its database stays on the server`);
  }
  const plan = buildPlan(request, platform);
  const text = decommissionText(layoutDatabase(plan, renderPlan(plan)), requestedBy);
  if (plan.engine !== 'shared-server') return { files: {}, ...text };
  const retired = buildPlan({ ...request, metadata: { ...request.metadata, annotations: { ...request.metadata.annotations, [ANNOTATION_RETIRED]: 'true' } } }, platform);
  return { files: layoutDatabase(retired, renderPlan(retired)).files, ...text };
}

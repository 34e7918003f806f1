import type { RenderedDatabase } from '../layout/layout';
import { engineRetained } from './engines';

/**
 * The pull request that retires a database: its files and catalog entity leave the state store,
 * its data does not. Says what stays, where, and the commands that delete it for good.
 */
export function decommissionText(db: RenderedDatabase, requestedBy?: string) {
  const { plan } = db;
  const title = `Retire PostgreSQL ${plan.namespace}/${plan.name} on ${plan.spec.cluster}`;
  const { stays, commands } = engineRetained(plan);
  const lines = [
    `## Retire PostgreSQL \`${plan.namespace}/${plan.name}\` on \`${plan.spec.cluster}\``,
    '',
    ...(requestedBy ? [`Requested by \`${requestedBy}\`.`, ''] : []),
    `This removes \`${db.directory}/\` from the state store: Flux or Argo CD stop managing the database and remove what is not protected (Services, ConfigMaps, NetworkPolicies, monitoring), and the catalog entity \`${db.entityRef}\` goes with its file. **No data is deleted.**`,
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

import { readStoredRequest } from '@postgres-gitops/publish';
import { databaseDirectory, DNS1123_LABEL, parseYamlInput, pullRequestBranch, renderDatabase, REQUEST_FILE, SPEC_FIELDS, withChanges } from '@postgres-gitops/renderer';
import { UsageError } from './exit-codes';
import { remoteStorePlatform } from './platform';
import { decideAndPublish, publisherFor, type PublishCommandOptions } from './publish';

/** `field=value` pairs as spec changes; values are YAML (`replicas=3`, `pooling=true`, `allowedNamespaces=[web, jobs]`). */
export function parseSets(sets: string[]): Record<string, unknown> {
  const fields: string[] = SPEC_FIELDS;
  const changes: Record<string, unknown> = {};
  for (const set of sets) {
    const at = set.indexOf('=');
    const field = at > 0 ? set.slice(0, at) : '';
    if (!fields.includes(field)) throw new UsageError(`--set ${set}: expected <field>=<value> with a request field (${fields.join(', ')})`);
    changes[field] = parseYamlInput(set.slice(at + 1), `--set ${field}`);
  }
  return changes;
}

/** `<cluster>/<namespace>/<name>`, each a DNS-1123 label. */
export function identityOf(target: string) {
  const parts = target.split('/');
  if (parts.length !== 3 || !parts.every(p => DNS1123_LABEL.test(p))) throw new UsageError(`update takes <cluster>/<namespace>/<name> (got "${target}")`);
  return { cluster: parts[0], namespace: parts[1], name: parts[2] };
}

/** Changes a stored database: its request.yaml with only the given fields changed, as the same pull request postgres:update opens. */
export async function updateCommand(
  target: string,
  sets: string[],
  platformFlag: string | undefined,
  options: PublishCommandOptions & { allowMajorUpgrade: boolean },
  env: NodeJS.ProcessEnv,
) {
  const { cluster, namespace, name } = identityOf(target);
  const changes = parseSets(sets);
  if (Object.keys(changes).length === 0) throw new UsageError('update needs at least one --set <field>=<value>');
  const directory = databaseDirectory(cluster, namespace, name);
  const publisher = publisherFor(options, env);
  const platform = await remoteStorePlatform(publisher, options.base, platformFlag);
  const stored = await readStoredRequest(publisher, { baseBranch: options.base, branch: pullRequestBranch(cluster, namespace, name), directory, requestFile: REQUEST_FILE });
  if (stored === null) throw new UsageError(`${directory}: no such database on ${options.base} of ${publisher.description}`);
  const rendered = renderDatabase(withChanges(parseYamlInput(stored, 'the stored request.yaml'), changes), platform);
  if (rendered.directory !== directory) throw new UsageError(`cluster: stays ${cluster}: a database does not move`);
  const published = await decideAndPublish(publisher, rendered, platform, options, { update: true, allowMajorUpgrade: options.allowMajorUpgrade });
  return { rendered: published.decision.rendered, publisher, ...published };
}

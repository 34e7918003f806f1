import { databaseDirectory, parseYamlInput, REQUEST_FILE, retireBranch, retirement } from '@postgres-gitops/renderer';
import { UsageError } from './exit-codes';
import { remoteStorePlatform } from './platform';
import { publisherFor, type PublishCommandOptions } from './publish';
import { identityOf } from './update';

/**
 * The same retirement pull request as postgres:decommission: the directory goes (a cloudnative-pg or
 * shared-server database keeps a retired record), the data stays. A retired shared-server database
 * with --allow-destructive: its database and role are dropped for good; once more: its record goes.
 */
export async function decommissionCommand(target: string, platformFlag: string | undefined, options: PublishCommandOptions, env: NodeJS.ProcessEnv) {
  const { cluster, namespace, name } = identityOf(target);
  const directory = databaseDirectory(cluster, namespace, name);
  const publisher = publisherFor(options, env);
  const platform = await remoteStorePlatform(publisher, options.base, platformFlag);
  const session = await publisher.open({ baseBranch: options.base, branch: retireBranch(cluster, namespace, name), directory, requestFile: REQUEST_FILE });
  try {
    if (session.existingRequest === undefined) throw new UsageError(`${directory}: no such database on ${options.base} of ${publisher.description} (never created, or already retired)`);
    const { files, ...text } = retirement(parseYamlInput(session.existingRequest, 'the stored request.yaml'), platform, undefined, { dropData: options.allowDestructive });
    const result = await session.publish({ files, ...text, author: options.author, draft: options.draft, reviewers: options.reviewers, labels: options.labels });
    return { directory, result, publisher, text };
  } finally {
    await session.close();
  }
}

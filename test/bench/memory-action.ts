import { peakRssKb } from './peak-rss';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigReader } from '@backstage/config';
import { DefaultGithubCredentialsProvider, ScmIntegrations } from '@backstage/integration';
import { DEFAULT_PLATFORM } from '@postgres-gitops/renderer';
import { createPostgresCreateAction } from '../../plugins/scaffolder-postgres/src/actions';
import { ensureBareStateStore } from '../../plugins/scaffolder-postgres/dev/state-store';
import { benchActionContext } from './action-context';
import { PROD_REQUEST } from './fleet';
import { allowingAccess } from '../../plugins/scaffolder-postgres/src/__testUtils__/access';

/** Runs postgres:create once, as the scaffolder would, and reports the process's peak RSS. */
async function main() {
  const work = mkdtempSync(join(tmpdir(), 'bench-action-'));
  try {
    const bare = join(work, 'state.git');
    ensureBareStateStore(bare);
    const integrations = ScmIntegrations.fromConfig(new ConfigReader({}));
    const action = createPostgresCreateAction({ integrations, githubCredentials: DefaultGithubCredentialsProvider.fromIntegrations(integrations), platform: DEFAULT_PLATFORM, stateStore: { repoUrl: `file://${bare}`, allowed: [`file://${bare}`] }, access: allowingAccess() });
    await action.handler(
      benchActionContext({ name: PROD_REQUEST.metadata.name, namespace: PROD_REQUEST.metadata.namespace, ...PROD_REQUEST.spec, repoUrl: `file://${bare}` }, work),
    );
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  process.stdout.write(`${JSON.stringify({ maxRssKb: peakRssKb() })}\n`);
}

main().catch(error => {
  process.stderr.write(`${error.stack}\n`);
  process.exit(1);
});

import { join } from 'node:path';
import { serveApp } from './app-server';
import { REPO_ROOT, startDemoBackend } from './backend';

/** `npm start`: the demo backend and the demo frontend, up until interrupted. */
async function main() {
  // PORT, APP_PORT, STATE_STORE and APP_DIR move it aside, as the browser tests do.
  const port = Number(process.env.PORT ?? 7007);
  const appPort = Number(process.env.APP_PORT ?? 3000);
  const backend = await startDemoBackend({ port, consoleLevel: 'warn', stateStore: process.env.STATE_STORE, appUrl: `http://localhost:${appPort}` });
  const app = process.env.NO_FRONTEND ? undefined : await serveApp(process.env.APP_DIR ?? join(REPO_ROOT, '.demo', 'app'), appPort);
  process.stdout.write(
    [
      '',
      ...(app ? [`Backstage frontend: ${app.url}/create (sign in as guest: DEMO ONLY), pick "Create PostgreSQL"`] : []),
      `Backstage backend with postgres:create on ${backend.baseUrl}`,
      `state store: ${backend.stateStore} (inspect with: git --git-dir ${backend.stateStore} log --all --oneline)`,
      `DEMO-ONLY API token for this run: ${backend.token}`,
      `  curl -H "Authorization: Bearer ${backend.token}" ${backend.baseUrl}/api/scaffolder/v2/actions`,
      'Ctrl-C stops it.',
      '',
    ].join('\n'),
  );
  const stop = async () => {
    await app?.stop();
    await backend.stop();
    process.exit(0);
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch(error => {
  process.stderr.write(`${error.stack ?? error}\n`);
  process.exit(1);
});

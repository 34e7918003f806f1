import { startDemoBackend } from './backend';

/** `npm start`: the demo backend, up until interrupted. */
async function main() {
  const port = Number(process.env.PORT ?? 7007);
  const backend = await startDemoBackend({ port });
  process.stdout.write(
    [
      '',
      `Backstage backend with postgres:create on ${backend.baseUrl}`,
      `state store: ${backend.stateStore} (inspect with: git --git-dir ${backend.stateStore} log --all --oneline)`,
      `DEMO-ONLY API token for this run: ${backend.token}`,
      `  curl -H "Authorization: Bearer ${backend.token}" ${backend.baseUrl}/api/scaffolder/v2/actions`,
      'Ctrl-C stops it.',
      '',
    ].join('\n'),
  );
  const stop = async () => {
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

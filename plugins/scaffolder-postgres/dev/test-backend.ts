import { startDemoBackend } from './backend';

/**
 * TESTS ONLY: the demo backend in a process of its own, with the test-users sign-in and the
 * app-config the test gives (POSTGRES_GITOPS_TEST_BACKEND: JSON of port, stateStore and config).
 * Prints "ready <baseUrl> <static token>" once the catalog holds the demo's users; SIGTERM stops it.
 */
async function main() {
  const options = JSON.parse(process.env.POSTGRES_GITOPS_TEST_BACKEND ?? '{}');
  const backend = await startDemoBackend({ ...options, consoleLevel: process.env.LOG_LEVEL ?? 'error', testing: true });
  process.stdout.write(`ready ${backend.baseUrl} ${backend.token}\n`);
  const stop = async () => {
    await backend.stop();
    process.exit(0);
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

main().catch(error => {
  process.stderr.write(`${error.stack ?? error}\n`);
  process.exit(1);
});

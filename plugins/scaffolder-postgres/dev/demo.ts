import { execFileSync } from 'node:child_process';
import { stripVTControlCharacters } from 'node:util';
import { DEMO_ACCESS, startDemoBackend } from './backend';
import { ScaffolderClient } from './scaffolder-client';

/** The values a developer would pick in the "Create PostgreSQL" form. */
const VALUES = {
  name: 'orders',
  namespace: 'team-a',
  owner: 'group:default/team-a',
  system: 'system:default/shop',
  cluster: 'worker-1',
  database: 'orders',
  username: 'orders_app',
  size: 'large',
  version: '17',
  profile: 'prod',
  persistence: true,
  backup: true,
  backupRetention: 14,
  monitoring: true,
  ssl: true,
  allowedNamespaces: ['shop-api'],
};

/**
 * `npm run demo`: starts the backend, runs "Create PostgreSQL" through the scaffolder REST API,
 * prints the branch, the review summary and the files, and stops. The state store stays at
 * .demo/state-store.git for inspection with git.
 */
async function main() {
  const port = Number(process.env.PORT ?? 7007);
  const backend = await startDemoBackend({ port, consoleLevel: 'warn' });
  const out = (text = '') => process.stdout.write(`${text}\n`);
  try {
    const { client, user, ownership } = await ScaffolderClient.asGuest(backend.baseUrl);
    await client.waitForTemplate();
    out(`\n== Signed in as ${user} (guest sign-in: DEMO ONLY), who owns ${ownership.join(', ')}`);
    out(`   The demo's platform settings let group:default/guests create in namespaces ${Object.keys(DEMO_ACCESS.namespaces).join(' and ')} (access.namespaces)`);
    out(`== Running template "Create PostgreSQL" on ${backend.baseUrl} with ${JSON.stringify(VALUES)}`);
    const task = await client.runTemplate('template:default/create-postgresql', VALUES);
    for (const line of task.log) out(`   | ${stripVTControlCharacters(line)}`);
    if (task.status !== 'completed') throw new Error(`task ${task.id} ${task.status}`);

    const git = (...args: string[]) => execFileSync('git', ['--git-dir', backend.stateStore, ...args], { encoding: 'utf8' });
    const branch = `postgres/${VALUES.cluster}/${VALUES.namespace}/${VALUES.name}`;
    out(`\n== Branch ${branch} in ${backend.stateStore}`);
    out(git('log', '--format=%h %s%n%b', '-1', branch).trim());
    for (const text of task.output?.text ?? []) out(`\n== ${text.title}\n${text.content}`);
    out(`\n== Files`);
    out(git('ls-tree', '-r', '--name-only', branch, '--', `clusters/${VALUES.cluster}`).trim());
    out(`\nInspect: git --git-dir ${backend.stateStore} show ${branch} --stat`);
  } finally {
    await backend.stop();
  }
}

main().then(
  () => process.exit(0),
  error => {
    process.stderr.write(`demo failed: ${error.message ?? error}\n`);
    process.exit(1);
  },
);

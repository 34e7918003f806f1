import { execFileSync } from 'node:child_process';
import { connect } from 'node:net';
import { basename } from 'node:path';
import { FakeGitHub } from './support/fake-github/server';
import { ConnectionRecorder } from './support/connection-recorder';
import { watchFileReads, type FileReads } from './support/file-reads';
import { createStateStore, type StateStore } from './support/state-store';
import { startTestBackend, type TestBackend } from './support/backstage-backend';

/**
 * The state store is the platform's choice (issue 26): through the real demo backend's dry-run
 * endpoint and through a task of a template in the catalog, a repoUrl that app-config does not
 * name is refused, and nothing is read, fetched or pushed. What is observed is outside our code:
 * the kernel's record of file opens in the other repository (inotify), a TCP server that records
 * every connection, the fake GitHub's request log, and the repositories' refs.
 */
jest.setTimeout(600_000);

const TOKEN = 'ghp_integrationTokenForTests0123456789';
const GITHUB_STORE = 'github.com?owner=acme&repo=platform-state';

let store: StateStore;
let victim: StateStore;
let recorder: ConnectionRecorder;
let github: FakeGitHub;
let t: TestBackend;
let victimReads: FileReads;

/** The count of reads of the other repository once the kernel has reported the test's own (its refs snapshot). */
async function settledReads(): Promise<number> {
  let count = -1;
  while (count !== victimReads.events().length) {
    count = victimReads.events().length;
    await new Promise(r => setTimeout(r, 300));
  }
  return count;
}

const refs = (s: StateStore) => execFileSync('git', ['for-each-ref', '--format=%(refname) %(objectname)'], { cwd: s.bare, encoding: 'utf8' });

beforeAll(async () => {
  store = createStateStore();
  // Another repository on the Backstage host, with settings a user would like to see reflected back.
  victim = createStateStore({ 'README.md': '# not a state store\n', 'platform.yaml': 'imageRegistry: victim.example.test/mirror\n' });
  recorder = new ConnectionRecorder();
  await recorder.start();
  github = new FakeGitHub({ owner: 'acme', repo: 'platform-state', token: TOKEN });
  await github.start();
  t = await startTestBackend({
    stateStore: store.bare,
    config: {
      integrations: { github: [{ host: 'github.com', apiBaseUrl: github.url, token: TOKEN }] },
      postgresGitops: { stateStore: { allowedRepoUrls: [GITHUB_STORE] }, github: { paceWrites: false } },
    },
  });
  victimReads = await watchFileReads(victim.bare);
});

afterAll(async () => {
  await victimReads?.stop();
  await t?.stop();
  await github?.stop();
  await recorder?.stop();
  store?.cleanup();
  victim?.cleanup();
});

/** Inputs no platform named: a local path, internal addresses, hosts without an integration. */
const foreign = () => [
  `file://${victim.bare}`,
  victim.bare,
  `http://127.0.0.1:${recorder.port}/state.git`,
  `https://localhost:${recorder.port}/acme/state.git`,
  `ssh://git@127.0.0.1:${recorder.port}/state.git`,
  `git://127.0.0.1:${recorder.port}/state.git`,
];

/** Spellings of the configured stores that are not the configured spelling. */
const lookAlikes = () => [
  `${store.url}/`,
  `file://${store.root}/../${basename(store.root)}/state-store.git`,
  store.url.replace('file://', 'FILE://'),
  store.url.replace('file://', 'file://localhost'),
  `x-access-token:stolen@${GITHUB_STORE}`,
  'GitHub.com?owner=acme&repo=platform-state',
  'github.com:443?owner=acme&repo=platform-state',
  'github.com?owner=acme&repo=platform-state/',
  'github.com?owner=acme&repo=platform-state&owner=other',
  'github.com?owner=acme&repo=../acme/platform-state',
  'xn--gthub-n4a.com?owner=acme&repo=platform-state',
  ` ${GITHUB_STORE}`,
];

const REFUSAL = /repoUrl: .* is not a state store of this platform: the state store is the platform's choice, and an input must be exactly one that app-config names in postgresGitops\.stateStore\.repoUrl or \.allowedRepoUrls/;

describe('a repoUrl app-config does not name is refused before any I/O', () => {
  it('the watchers see what they should: a read of the other repository, a connection, a request to GitHub', async () => {
    // Controls: without them, an empty record could mean a blind watcher.
    execFileSync('git', ['ls-remote', `file://${victim.bare}`], { stdio: 'ignore' });
    const until = Date.now() + 10_000;
    while (victimReads.events().length === 0 && Date.now() < until) await new Promise(r => setTimeout(r, 50));
    expect(victimReads.events().length).toBeGreaterThan(0);
    const jane = await t.as('user:default/jane');
    const allowed = await t.dryRun(jane, { action: 'postgres:create', input: { name: 'orders', namespace: 'team-a', repoUrl: GITHUB_STORE } });
    expect({ status: allowed.status, refused: REFUSAL.test(allowed.text) }).toEqual({ status: 200, refused: false });
    expect(github.requests.length).toBeGreaterThan(0);
    await new Promise<void>(resolve => connect(recorder.port, '127.0.0.1', resolve).end());
    expect(recorder.connections.length).toBe(1);
    // From here on, every record starts empty.
    github.requests.length = 0;
    recorder.connections.length = 0;
  });

  it('in dry runs of postgres:create, postgres:update and postgres:decommission: refused naming the field and the rule; nothing read, fetched or pushed', async () => {
    const jane = await t.as('user:default/jane');
    const before = { store: refs(store), victim: refs(victim) };
    const readsBefore = await settledReads();
    const storeReads = await watchFileReads(store.bare);
    const results: { action: string; repoUrl: string; refused: boolean; victimShown: boolean }[] = [];
    let storeEvents: string[];
    try {
      for (const repoUrl of [...foreign(), ...lookAlikes()]) {
        for (const [action, input] of [
          ['postgres:create', { name: 'orders', namespace: 'team-a', repoUrl }],
          ['postgres:update', { name: 'orders', namespace: 'team-a', size: 'medium', repoUrl }],
          ['postgres:decommission', { name: 'orders', namespace: 'team-a', repoUrl }],
        ] as const) {
          const { text } = await t.dryRun(jane, { action, input });
          results.push({ action, repoUrl, refused: REFUSAL.test(text), victimShown: text.includes('victim.example.test') });
        }
      }
      await new Promise(r => setTimeout(r, 500));
      storeEvents = storeReads.events();
    } finally {
      await storeReads.stop();
    }
    // What happened outside our code first, then what the user was told.
    expect(victimReads.events().slice(readsBefore)).toEqual([]);
    expect(storeEvents).toEqual([]);
    expect(recorder.connections).toEqual([]);
    expect(github.requests).toEqual([]);
    expect({ store: refs(store), victim: refs(victim) }).toEqual(before);
    expect(results.filter(r => !r.refused || r.victimShown)).toEqual([]);
    expect(results).toHaveLength(3 * (foreign().length + lookAlikes().length));
  });

  it('in a task of a template in the catalog: a file path, an internal address, a host without an integration, a look-alike', async () => {
    const jane = await t.as('user:default/jane');
    const before = { store: refs(store), victim: refs(victim) };
    const readsBefore = await settledReads();
    for (const repoUrl of [`file://${victim.bare}`, `http://127.0.0.1:${recorder.port}/state.git`, `https://localhost:${recorder.port}/acme/state.git`, 'GitHub.com?owner=acme&repo=platform-state', `${store.url}/`]) {
      const task = await t.runTask(jane, 'postgres-any-store', { name: 'orders', namespace: 'team-a', owner: 'group:default/team-a', repoUrl });
      expect({ repoUrl, status: task.status, refused: REFUSAL.test(task.log), stack: /^\s+at /m.test(task.log) }).toEqual({ repoUrl, status: 'failed', refused: true, stack: false });
    }
    await new Promise(r => setTimeout(r, 500));
    expect(victimReads.events().slice(readsBefore)).toEqual([]);
    expect(recorder.connections).toEqual([]);
    expect(github.requests).toEqual([]);
    expect({ store: refs(store), victim: refs(victim) }).toEqual(before);
  });

  it('the configured stores work as written: the default, and the allowed GitHub one', async () => {
    const jane = await t.as('user:default/jane');
    const viaDefault = await t.runTask(jane, 'create-postgresql', { name: 'orders', namespace: 'team-a', owner: 'group:default/team-a', size: 'small', version: '17', profile: 'dev' });
    expect({ status: viaDefault.status, log: viaDefault.status === 'completed' ? '' : viaDefault.log }).toEqual({ status: 'completed', log: '' });
    expect(store.branches()).toEqual(['main', 'postgres/worker-1/team-a/orders']);
    const viaGitHub = await t.runTask(jane, 'postgres-any-store', { name: 'orders', namespace: 'team-a', owner: 'group:default/team-a', repoUrl: GITHUB_STORE });
    expect({ status: viaGitHub.status, log: viaGitHub.status === 'completed' ? '' : viaGitHub.log }).toEqual({ status: 'completed', log: '' });
    expect(github.pulls.map(p => p.head)).toEqual(['postgres/worker-1/team-a/orders']);
  });
});

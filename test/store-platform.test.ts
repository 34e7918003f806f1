import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigReader } from '@backstage/config';
import { DefaultGithubCredentialsProvider, ScmIntegrations } from '@backstage/integration';
import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';
import { DEFAULT_PLATFORM } from '@postgres-gitops/renderer';
import { cli } from '../cli/src/__testUtils__/cli';
import { EXIT } from '../cli/src/exit-codes';
import { createPostgresCreateAction } from '../plugins/scaffolder-postgres/src/actions/create/action';
import { FakeGitHub } from './support/fake-github/server';
import { createStateStore, type StateStore } from './support/state-store';
import { allowingAccess } from '../plugins/scaffolder-postgres/src/__testUtils__/access';

const EXAMPLES = join(__dirname, '..', 'renderer', 'examples');
const DIRECTORY = 'clusters/worker-1/postgres/default/my-database';
const STATEFULSET = `${DIRECTORY}/statefulset-my-database-postgresql.yaml`;
const MIRROR = 'imageRegistry: mirror.example.com\n';
const TOKEN = 'ghp_storePlatformToken0123456789abcdef';

let dir: string;
beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'pgg-store-platform-'))));
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('platform.yaml in a state store on disk', () => {
  it('is what render --out and verify use, so a store verifies the same for everyone', async () => {
    writeFileSync(join(dir, 'platform.yaml'), MIRROR);
    expect((await cli(['render', join(EXAMPLES, 'basic.yaml'), '--out', dir])).code).toBe(EXIT.ok);
    expect(readFileSync(join(dir, STATEFULSET), 'utf8')).toContain('image: mirror.example.com/library/postgres:');
    expect(await cli(['verify', dir])).toMatchObject({ code: EXIT.ok });
    // A settings change is drift until the store is re-rendered (fleet publish).
    writeFileSync(join(dir, 'platform.yaml'), 'imageRegistry: other.example.com\n');
    expect((await cli(['verify', dir])).code).toBe(EXIT.drift);
  });

  it('refuses --platform beside it, and names the field of an invalid one', async () => {
    writeFileSync(join(dir, 'platform.yaml'), MIRROR);
    writeFileSync(join(dir, 'flag.yaml'), MIRROR);
    const both = await cli(['verify', dir, '--platform', join(dir, 'flag.yaml')]);
    expect(both.code).toBe(EXIT.invalidInput);
    expect(both.stderr).toContain('keeps its settings in platform.yaml; change them there (through a reviewed pull request) and leave --platform out');
    writeFileSync(join(dir, 'platform.yaml'), 'imageRegistry: "Not A Host"\n');
    const invalid = await cli(['verify', dir]);
    expect(invalid.code).toBe(EXIT.invalidInput);
    expect(invalid.stderr).toContain('imageRegistry: must be a registry host');
    expect(invalid.stderr).not.toMatch(/\n\s+at /);
  });
});

describe('platform.yaml on the base branch of a remote state store', () => {
  let store: StateStore;
  beforeEach(() => (store = createStateStore({ 'README.md': '# state\n', 'platform.yaml': MIRROR })));
  afterEach(() => store.cleanup());

  it('is read by the CLI\'s publish', async () => {
    expect((await cli(['publish', join(EXAMPLES, 'basic.yaml'), '--repo', store.url])).code).toBe(EXIT.ok);
    expect(store.show(`postgres/worker-1/default/my-database`, STATEFULSET)).toContain('image: mirror.example.com/library/postgres:');
  });

  it('is read by postgres:create in place of app-config\'s settings', async () => {
    const integrations = ScmIntegrations.fromConfig(new ConfigReader({}));
    const action = createPostgresCreateAction({ integrations, githubCredentials: DefaultGithubCredentialsProvider.fromIntegrations(integrations), platform: DEFAULT_PLATFORM, stateStore: { repoUrl: store.url, allowed: [store.url] }, access: allowingAccess() });
    const ctx = createMockActionContext({ input: { name: 'my-database', repoUrl: store.url } as never, workspacePath: dir });
    await action.handler(ctx as never);
    expect(store.show('postgres/worker-1/default/my-database', STATEFULSET)).toContain('image: mirror.example.com/library/postgres:');
  });

  it('stops postgres:create with the field when it is invalid, writing nothing', async () => {
    const broken = createStateStore({ 'platform.yaml': 'engines:\n  allowed: [mongodb]\n' });
    try {
      const integrations = ScmIntegrations.fromConfig(new ConfigReader({}));
      const action = createPostgresCreateAction({ integrations, githubCredentials: DefaultGithubCredentialsProvider.fromIntegrations(integrations), platform: DEFAULT_PLATFORM, stateStore: { repoUrl: broken.url, allowed: [broken.url] }, access: allowingAccess() });
      const ctx = createMockActionContext({ input: { name: 'my-database', repoUrl: broken.url } as never, workspacePath: dir });
      const failure = await action.handler(ctx as never).then(() => undefined, (error: Error) => error);
      expect(failure?.name).toBe('InputError');
      expect(failure?.message).toContain('platform (platform.yaml on main of git file://');
      expect(failure?.message).toContain('engines.allowed.0:');
      expect(broken.branches()).toEqual(['main']);
    } finally {
      broken.cleanup();
    }
  });

  it('is read from GitHub in one query', async () => {
    const github = new FakeGitHub({ owner: 'acme', repo: 'state', token: TOKEN, files: { 'platform.yaml': MIRROR } });
    await github.start();
    try {
      const { code } = await cli(['publish', join(EXAMPLES, 'basic.yaml'), '--repo', 'https://github.com/acme/state', '--github-api-url', github.url], { GITHUB_TOKEN: TOKEN });
      expect(code).toBe(EXIT.ok);
      const tree = github.objects.lookup(github.objects.commits.get(github.refs.get('refs/heads/postgres/worker-1/default/my-database')!)!.tree, STATEFULSET);
      expect(github.objects.blobs.get(tree!.sha)).toContain('image: mirror.example.com/library/postgres:');
      expect(github.violations).toEqual([]);
    } finally {
      await github.stop();
    }
  });
});

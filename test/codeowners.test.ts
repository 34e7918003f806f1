import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { matchFile, parse as parseCodeowners } from 'codeowners-utils';
import { stringify } from 'yaml';
import { cli } from '../cli/src/__testUtils__/cli';
import { EXIT } from '../cli/src/exit-codes';
import { platformSettingsSchema } from '../renderer/src/request/platform';
import { codeowners, codeownersProblems } from '../renderer/src/wiring/state-store-ci';

/**
 * The state store's review rule on GitHub: `postgres-gitops ci --codeowners` writes a CODEOWNERS
 * from the platform settings' access. Which owners GitHub asks for a path is read with
 * codeowners-utils (gitignore patterns through `ignore`, the last matching line wins, as GitHub
 * documents), not with our own matcher.
 */
const ACCESS = {
  platformGroups: ['group:default/platform-team'],
  namespaces: { 'team-a': ['group:default/team-a'], 'team-b': ['group:default/team-b', 'user:default/bob'] },
  github: { org: 'acme', owners: { 'user:default/bob': '@bob-gh' } },
};

let dir: string;
beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'pgg-codeowners-'))));
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const ownersOf = (text: string, path: string) => matchFile(path, parseCodeowners(text))?.owners;

describe('postgres-gitops ci --codeowners', () => {
  it('maps each namespace\'s databases to its groups and the platform groups; everything else to the platform', async () => {
    writeFileSync(join(dir, 'platform.yaml'), stringify({ access: ACCESS }));
    const { code, stdout, stderr } = await cli(['ci', '--codeowners', '--platform', join(dir, 'platform.yaml')]);
    expect({ code, stderr }).toEqual({ code: EXIT.ok, stderr: '' });
    expect(codeownersProblems(stdout)).toEqual([]);
    expect(ownersOf(stdout, 'clusters/worker-1/postgres/team-a/orders/request.yaml')).toEqual(['@acme/team-a', '@acme/platform-team']);
    expect(ownersOf(stdout, 'clusters/worker-2/postgres/team-b/billing/statefulset-billing-postgresql.yaml')).toEqual(['@acme/team-b', '@bob-gh', '@acme/platform-team']);
    // Not a namespace someone owns, the settings, the CI and CODEOWNERS itself: the platform's.
    for (const path of ['clusters/worker-1/postgres/team-c/x/request.yaml', 'platform.yaml', '.github/CODEOWNERS', 'ci/postgres-gitops-verify.sh', 'clusters/worker-1/flux-system/gotk.yaml']) {
      expect({ path, owners: ownersOf(stdout, path) }).toEqual({ path, owners: ['@acme/platform-team'] });
    }
    // A directory named like a namespace elsewhere is not that namespace.
    expect(ownersOf(stdout, 'clusters/worker-1/other/team-a/x.yaml')).toEqual(['@acme/platform-team']);
  });

  it('reads a state directory\'s own platform.yaml, and gives one line per namespace: a database never changes it', async () => {
    const store = join(dir, 'store');
    const write = (access: object) => {
      rmSync(store, { recursive: true, force: true });
      mkdirSync(store, { recursive: true });
      writeFileSync(join(store, 'platform.yaml'), stringify({ access }));
    };
    write(ACCESS);
    const before = (await cli(['ci', '--codeowners', store])).stdout;
    expect(before).toBe(codeowners(platformSettingsSchema.parse({ access: ACCESS })));
    write({ ...ACCESS, namespaces: { ...ACCESS.namespaces, 'team-c': ['group:default/team-c'] } });
    const after = (await cli(['ci', '--codeowners', store])).stdout;
    const added = after.split('\n').filter(line => !before.split('\n').includes(line));
    expect(added).toEqual([expect.stringMatching(/^\/clusters\/\*\/postgres\/team-c\/\s+@acme\/team-c @acme\/platform-team$/)]);
    expect(before.split('\n').filter(line => !after.split('\n').includes(line))).toEqual([]);
  });

  it('names the setting when a group or user has no GitHub name, or there is no platform group', async () => {
    expect(() => codeowners(platformSettingsSchema.parse({ access: { ...ACCESS, github: { org: 'acme' } } }))).toThrow(
      'access.namespaces.team-b.1: user:default/bob has no GitHub name: set access.github.owners["user:default/bob"] to its @login or @org/team',
    );
    expect(() => codeowners(platformSettingsSchema.parse({ access: { ...ACCESS, github: {} } }))).toThrow(/access\.platformGroups\.0: group:default\/platform-team has no GitHub name.*or access\.github\.org/);
    const { code, stderr } = await cli(['ci', '--codeowners']);
    expect(code).toBe(EXIT.invalidInput);
    expect(stderr).toContain('access.platformGroups: CODEOWNERS needs at least one platform group');
    writeFileSync(join(dir, 'bad.yaml'), stringify({ access: { namespaces: { 'team-a': ['team-a'] }, github: { owners: { 'group:default/x': 'acme/x' } } } }));
    const bad = await cli(['ci', '--codeowners', '--platform', join(dir, 'bad.yaml')]);
    expect(bad.stderr).toContain('access.namespaces.team-a.0: must be a full reference to a group or user, like "group:default/team-a"');
    expect(bad.stderr).toContain('access.github.owners.group:default/x: must be a GitHub @login or @org/team-slug');
  });

  it('the syntax check catches what GitHub skips: negation, ranges, an escaped #, an owner that is not one', () => {
    const good = codeowners(platformSettingsSchema.parse({ access: ACCESS }));
    expect(codeownersProblems(good)).toEqual([]);
    const planted = (line: string) => codeownersProblems(`${good}${line}\n`);
    expect(planted('!/clusters/ @acme/x')).toEqual([expect.stringContaining('! negation does not work')]);
    expect(planted('/clusters/[ab]/ @acme/x')).toEqual([expect.stringContaining('[ ] character ranges do not work')]);
    expect(planted('\\#notes @acme/x')).toEqual([expect.stringContaining('escaping a leading # with \\ does not work')]);
    expect(planted('/clusters/ acme/team-a')).toEqual([expect.stringContaining('"acme/team-a" is not an @login, @org/team-slug or email')]);
    expect(planted('/clusters/ @-bad-')).toEqual([expect.stringContaining('"@-bad-" is not an @login')]);
    expect(planted('/docs/ docs@example.com @octocat # a comment')).toEqual([]);
    expect(codeownersProblems(`* @acme/x\n${'#'.repeat(3 * 1024 * 1024)}\n`)).toEqual(['the file must be under 3 MB (GitHub does not load a larger one)']);
  });
});

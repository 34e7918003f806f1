import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GitPublisher } from '@postgres-gitops/publish';
import { gitEnvironment, simpleGitRunner } from '../../plugins/publish/src/git-runner';
import { createStateStore, type StateStore } from '../support/state-store';

/**
 * The git publisher runs git through simple-git with an environment narrowed to what git needs:
 * with CI's EDITOR (and a pager, an ssh command, an askpass) in this process's environment, git
 * never sees them and simple-git's guard has nothing to refuse; the operator's git configuration
 * still reaches git.
 */
const UNSAFE = { EDITOR: 'vi', VISUAL: 'vi', PAGER: 'less', GIT_EDITOR: 'vi', GIT_PAGER: 'less', GIT_SSH_COMMAND: 'ssh -o ProxyCommand=false', GIT_ASKPASS: '/bin/false', SSH_ASKPASS: '/bin/false' };

let store: StateStore;
let work: string;
const saved = { ...process.env };
beforeEach(() => {
  store = createStateStore();
  work = mkdtempSync(join(tmpdir(), 'pgg-runner-'));
});
afterEach(() => {
  for (const key of Object.keys(process.env)) if (!(key in saved)) delete process.env[key];
  Object.assign(process.env, saved);
  store.cleanup();
  rmSync(work, { recursive: true, force: true });
});

describe('git through simple-git, with a narrowed environment', () => {
  it('publishes with EDITOR and friends set, git sees none of them but the operator\'s GIT_CONFIG_GLOBAL, and simple-git warns of nothing', async () => {
    const config = join(work, 'gitconfig');
    writeFileSync(config, '[postgresGitops]\n\tmarker = from-the-operator\n');
    Object.assign(process.env, UNSAFE, { GIT_CONFIG_GLOBAL: config });
    // The server side of a file:// push runs with the pushing git's environment: record it.
    const seen = join(work, 'seen-env');
    writeFileSync(join(store.bare, 'hooks', 'pre-receive'), `#!/bin/sh\nenv > ${seen}\ngit config --get postgresGitops.marker >> ${seen}\n`);
    chmodSync(join(store.bare, 'hooks', 'pre-receive'), 0o755);
    const warnings: string[] = [];
    const onWarning = (w: Error) => warnings.push(w.message);
    process.on('warning', onWarning);
    try {
      const target = { baseBranch: 'main', branch: 'postgres/env', directory: 'clusters/w/postgres/t/db', requestFile: 'request.yaml' };
      const session = await new GitPublisher({ remote: store.url }).open(target);
      const result = await session.publish({ files: { 'clusters/w/postgres/t/db/request.yaml': 'a: 1\n', 'clusters/w/postgres/t/db/sub/x.yaml': 'x\n' }, title: 't', body: 'b', commitMessage: 'm', author: { name: 'a', email: 'a@example.test' }, draft: false, reviewers: [], labels: [] });
      await session.close();
      expect(result).toMatchObject({ changed: true });
    } finally {
      process.off('warning', onWarning);
    }
    const env = readFileSync(seen, 'utf8');
    for (const name of Object.keys(UNSAFE)) expect(env).not.toMatch(new RegExp(`^${name}=`, 'm'));
    expect(env).toMatch(new RegExp(`^GIT_CONFIG_GLOBAL=${config}$`, 'm'));
    expect(env).toContain('from-the-operator');
    expect(warnings).toEqual([]);
  });

  it('the guard is on: given an EDITOR (as the whole process environment would pass), simple-git refuses to run git', async () => {
    const gitDir = join(work, 'repo.git');
    const run = simpleGitRunner({ cwd: work, env: { ...gitEnvironment(gitDir), EDITOR: 'vi' } });
    await expect(run(['init', '--bare', gitDir])).rejects.toThrow(/EDITOR/);
    const narrowed = simpleGitRunner({ cwd: work, env: gitEnvironment(gitDir, { ...process.env, ...UNSAFE }) });
    await expect(narrowed(['init', '--bare', gitDir])).resolves.toContain('Initialized empty Git repository');
  });

  it('a command that fails without a word is a failure, not an empty answer', async () => {
    const gitDir = join(work, 'repo.git');
    const run = simpleGitRunner({ cwd: work, env: gitEnvironment(gitDir) });
    await run(['init', '--bare', gitDir]);
    await expect(run(['cat-file', '-e', '0123456789012345678901234567890123456789'])).rejects.toThrow(/git cat-file -e .* failed/);
  });

  it('feeds stdin through simple-git\'s input option', async () => {
    const gitDir = join(work, 'repo.git');
    const run = simpleGitRunner({ cwd: work, env: gitEnvironment(gitDir) });
    await run(['init', '--bare', gitDir]);
    const blob = (await run(['hash-object', '-w', '--stdin'], 'hello\n')).trim();
    expect(blob).toBe('ce013625030ba8dba906f756967f9e9ca394464a');
    expect((await run(['mktree'], `100644 blob ${blob}\thello.txt\n`)).trim()).toMatch(/^[0-9a-f]{40}$/);
  });
});

import { simpleGit, type SimpleGitOptions } from 'simple-git';

/** Runs git with these arguments on one repository; `input` goes to its stdin. Resolves to stdout. */
export type GitRunner = (args: string[], input?: string) => Promise<string>;

/** Makes the runner of one repository: git started in `cwd` with exactly the environment `env`. */
export type GitRunnerFactory = (options: { cwd: string; env: Record<string, string> }) => GitRunner;

/**
 * What git needs from this process, by name: where the operator's git configuration is, how to
 * reach the network, and where to write temporary files. Nothing else is passed: an editor, a
 * pager, an askpass or ssh program in the environment never reaches git (set `core.sshCommand`
 * or a credential helper in the git configuration instead).
 */
const FROM_PROCESS = [
  'PATH',
  'HOME',
  'TMPDIR',
  'XDG_CONFIG_HOME',
  'GIT_CONFIG_GLOBAL',
  'GIT_CONFIG_SYSTEM',
  'GIT_CONFIG_NOSYSTEM',
  'GIT_SSL_CAINFO',
  'GIT_SSL_CAPATH',
  'SSL_CERT_FILE',
  'SSL_CERT_DIR',
  'SSH_AUTH_SOCK',
  ...['http_proxy', 'https_proxy', 'all_proxy', 'no_proxy'].flatMap(name => [name, name.toUpperCase()]),
];

/** The variables the publisher itself sets for git. */
const OWN_VARIABLES = ['GIT_DIR', 'GIT_NO_LAZY_FETCH', 'GIT_TERMINAL_PROMPT', 'LC_ALL'];

/** Whether gitEnvironment() may hand this variable to git. */
function isPassed(name: string): boolean {
  return FROM_PROCESS.includes(name) || OWN_VARIABLES.includes(name) || /^GIT_CONFIG_(COUNT|KEY_\d+|VALUE_\d+)$/.test(name);
}

/** Configuration passed as `GIT_CONFIG_COUNT` and `GIT_CONFIG_KEY_<n>`/`GIT_CONFIG_VALUE_<n>` (as CI runners set it). */
function configByCount(from: NodeJS.ProcessEnv): Record<string, string> {
  const count = Number(from.GIT_CONFIG_COUNT);
  if (!Number.isInteger(count) || count <= 0) return {};
  const pairs: Record<string, string> = { GIT_CONFIG_COUNT: String(count) };
  for (let i = 0; i < count; i++) {
    pairs[`GIT_CONFIG_KEY_${i}`] = from[`GIT_CONFIG_KEY_${i}`] ?? '';
    pairs[`GIT_CONFIG_VALUE_${i}`] = from[`GIT_CONFIG_VALUE_${i}`] ?? '';
  }
  return pairs;
}

/**
 * The environment of every git the publisher runs on `gitDir`: the variables above that are set,
 * the repository, no lazy fetching (a command that needs an object the session did not fetch
 * fails instead of fetching the store), no prompt, and messages in English (they are matched).
 */
export function gitEnvironment(gitDir: string, from: NodeJS.ProcessEnv = process.env): Record<string, string> {
  const passed = Object.fromEntries(FROM_PROCESS.flatMap(name => (from[name] !== undefined ? [[name, from[name]!]] : [])));
  return { ...passed, ...configByCount(from), GIT_DIR: gitDir, GIT_NO_LAZY_FETCH: '1', GIT_TERMINAL_PROMPT: '0', LC_ALL: 'C' };
}

/** Configuration the publisher itself sets with `-c` beyond simple-git's known-safe keys. */
const OWN_CONFIG = ['pack.useSparse', 'push.negotiate', 'fetch.negotiationAlgorithm'];

/**
 * git through simple-git: `raw()` for every command, and its `input` option for those fed on
 * stdin (`cat-file --batch`, `fast-import`, `mktree --batch`, `commit-tree -F -`). simple-git's guard checks every command
 * against the environment and the configuration it is given. The environment is the one above,
 * whose variables are allowed by name (any other, an EDITOR say, would be refused, but never gets
 * there), and so are the configuration keys the publisher sets and those the operator passed by
 * count: the guard has nothing to refuse. A command that exits non-zero fails even when silent.
 */
export const simpleGitRunner: GitRunnerFactory = ({ cwd, env }) => {
  const options: Partial<SimpleGitOptions> = {
    baseDir: cwd,
    allowEnvironment: Object.keys(env).filter(isPassed),
    allowConfig: [...OWN_CONFIG, ...Object.entries(env).flatMap(([name, value]) => (/^GIT_CONFIG_KEY_\d+$/.test(name) ? [value] : []))],
    errors: (error, result) => error ?? (result.exitCode !== 0 ? new Error(`exit code ${result.exitCode}`) : undefined),
  };
  const git = simpleGit(options).env(env);
  return async (args, input) => {
    try {
      // simple-git writes a task's stdin through its input plugin, configured per instance.
      const runner = input === undefined ? git : simpleGit({ ...options, input: () => input }).env(env);
      return await runner.raw(args);
    } catch (error) {
      throw new Error(`git ${args.join(' ')} failed: ${String((error as Error).message).trim()}`);
    }
  };
};

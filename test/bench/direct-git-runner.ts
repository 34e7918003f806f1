import { spawn } from 'node:child_process';
import type { GitRunnerFactory } from '@postgres-gitops/publish';

/**
 * The yardstick for simple-git: git spawned directly, one process per command, stdin written
 * when given. The same environment and arguments as the shipped runner; only the library differs.
 */
export const directGitRunner: GitRunnerFactory = ({ cwd, env }) => (args, input) =>
  new Promise((resolve, reject) => {
    const child = spawn('git', args, { cwd, env, stdio: [input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout!.on('data', d => (stdout += d));
    child.stderr!.on('data', d => (stderr += d));
    child.on('error', reject);
    child.on('close', code => (code === 0 ? resolve(stdout) : reject(new Error(`git ${args.join(' ')} failed: ${stderr.trim()}`))));
    // A git that stops reading early reports its own failure on close; the broken pipe adds nothing.
    child.stdin?.on('error', () => undefined).end(input);
  });

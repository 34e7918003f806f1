import { execFileSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Installs Debian packages the tests need when they are missing (apt, as root, as CI runs): a
 * test that skipped itself for want of a tool would prove nothing. The package lists are
 * refreshed only when the first attempt fails.
 */
export function aptInstall(packages: string[]): void {
  // One apt at a time across jest workers (apt-get fails at once on a held lock); flock waits.
  const apt = (...args: string[]) =>
    execFileSync('flock', [join(tmpdir(), 'postgres-gitops-apt.lock'), 'apt-get', ...args], { stdio: 'ignore', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' }, timeout: 600_000 });
  try {
    apt('install', '-y', '-q', ...packages);
  } catch {
    apt('update', '-q');
    apt('install', '-y', '-q', ...packages);
  }
}

import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';

export const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';

/**
 * Debian's Chromium for the browser tests, installed by the tests themselves when it is missing
 * (apt, as root, as CI runs): a test that skipped itself for want of a browser would prove nothing.
 */
export function ensureChromium(): string {
  if (existsSync(CHROMIUM)) return CHROMIUM;
  const apt = (...args: string[]) => execFileSync('apt-get', args, { stdio: 'ignore', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' }, timeout: 600_000 });
  try {
    apt('install', '-y', '-q', 'chromium');
  } catch {
    apt('update', '-q');
    apt('install', '-y', '-q', 'chromium');
  }
  if (!existsSync(CHROMIUM)) throw new Error(`Chromium is not at ${CHROMIUM} after apt-get install chromium`);
  return CHROMIUM;
}

/** How the tests start it: headless, and nothing reaching out to Google's services (the network here is closed). */
export const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

import { existsSync } from 'node:fs';
import { aptInstall } from './apt';

export const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';

/** Debian's Chromium for the browser tests, installed by the tests themselves when it is missing. */
export function ensureChromium(): string {
  if (existsSync(CHROMIUM)) return CHROMIUM;
  aptInstall(['chromium']);
  if (!existsSync(CHROMIUM)) throw new Error(`Chromium is not at ${CHROMIUM} after apt-get install chromium`);
  return CHROMIUM;
}

/** How the tests start it: headless, and nothing reaching out to Google's services (the network here is closed). */
export const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

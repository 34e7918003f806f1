import { main } from '@postgres-gitops/cli/dist/main';
import { renderDatabase } from '@postgres-gitops/renderer';
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { peakRssKb } from './peak-rss';

/**
 * One measurement in a fresh process: `fleet plan` through the CLI (output discarded), or a
 * single-threaded render of the same stored requests (the yardstick), then the peak RSS.
 */
const [mode, store, ...args] = process.argv.slice(2);
const start = performance.now();
if (mode === 'render') {
  const requests = readFileSync(`${store}/requests.txt`, 'utf8').split('\n').filter(Boolean);
  for (const path of requests) renderDatabase(parse(readFileSync(`${store}/${path}`, 'utf8')));
  process.stdout.write(`${JSON.stringify({ ms: performance.now() - start, maxRssKb: peakRssKb() })}\n`);
} else {
  let bytes = 0;
  main(['fleet', 'plan', store, ...args], { stdout: t => (bytes += t.length), stderr: () => {}, env: {} }).then(code => {
    process.stdout.write(`${JSON.stringify({ code, bytes, ms: performance.now() - start, maxRssKb: peakRssKb() })}\n`);
  });
}

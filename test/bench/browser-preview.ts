import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { CHROMIUM_ARGS, ensureChromium } from '../support/chromium';
import { median, type Measurement } from './measure';

const ROOT = join(__dirname, '..', '..', '..');
const WARM_UP = 200;
const ITERATIONS = 1000;
const FRAME_MS = 16;

const percentile = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
};
const round = (n: number) => Math.round(n * 100) / 100;

/** The preview panel and the renderer, bundled for the browser as the demo frontend bundles them (Vite, production mode). */
function bundle(): string {
  const outDir = mkdtempSync(join(tmpdir(), 'pgg-preview-bench-'));
  try {
    execFileSync(process.execPath, [join(ROOT, 'test/bench/browser-preview/bundle.mjs'), outDir], { stdio: 'inherit' });
    return readFileSync(join(outDir, 'bench.js'), 'utf8');
  } finally {
    rmSync(outDir, { recursive: true, force: true });
  }
}

interface Samples {
  panel: number[];
  renderer: number[];
  objects: number;
}

/**
 * p95 of a full preview render in headless Chromium (Debian's, as the browser tests use):
 * from new form data to the committed DOM, against one frame (16 ms).
 */
export async function browserPreviewBenchmarks(): Promise<Measurement[]> {
  const script = bundle();
  const browser = await chromium.launch({ executablePath: ensureChromium(), args: CHROMIUM_ARGS });
  try {
    const page = await browser.newPage();
    await page.setContent('<!doctype html><html><body></body></html>');
    await page.addScriptTag({ content: script });
    const cases = await page.evaluate(() => (globalThis as unknown as { previewBench: { cases: string[] } }).previewBench.cases);
    const rows: Measurement[] = [];
    const version = browser.version();
    for (const name of cases) {
      const run = (n: number) =>
        page.evaluate(([c, count]) => (globalThis as unknown as { previewBench: { measure(c: string, n: number): Samples } }).previewBench.measure(c as string, count as number), [name, n] as const);
      await run(WARM_UP);
      const { panel, renderer, objects } = await run(ITERATIONS);
      const p95 = percentile(panel, 95);
      const subject = `PostgresPreview in Chromium ${version}`;
      rows.push(
        { benchmark: 'browser preview', case: name, subject, metric: 'p95', value: round(p95), unit: 'ms' },
        { benchmark: 'browser preview', case: name, subject, metric: 'p50', value: round(median(panel)), unit: 'ms' },
        { benchmark: 'browser preview', case: name, subject, metric: 'p95 / one frame (16 ms)', value: round(p95 / FRAME_MS), unit: 'x' },
        { benchmark: 'browser preview', case: name, subject: 'previewDatabase alone, same browser', metric: 'p95', value: round(percentile(renderer, 95)), unit: 'ms' },
        { benchmark: 'browser preview', case: name, subject, metric: 'objects listed', value: objects, unit: 'objects' },
      );
    }
    return rows;
  } finally {
    await browser.close();
  }
}

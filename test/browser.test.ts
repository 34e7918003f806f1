import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { CHROMIUM_ARGS, ensureChromium } from './support/chromium';
import { freePort } from './support/postgres';

/**
 * "Create PostgreSQL" as a person uses it: the real Backstage frontend (new frontend system:
 * catalog, scaffolder, the PostgresPreview field, guest sign-in) built with Vite, the demo
 * backend, a local state store, and Debian's Chromium driven by playwright-core.
 */
jest.setTimeout(300_000);

const ROOT = join(__dirname, '..');
const SCREENSHOTS = join(ROOT, '.demo', 'screenshots');

let work: string;
let server: ChildProcess;
let appUrl: string;
let stateStore: string;
let browser: Browser;
let page: Page;

beforeAll(async () => {
  const executablePath = ensureChromium();
  work = mkdtempSync(join(tmpdir(), 'pgg-browser-'));
  mkdirSync(SCREENSHOTS, { recursive: true });
  const [backendPort, appPort] = [await freePort(), await freePort()];
  appUrl = `http://localhost:${appPort}`;
  stateStore = join(work, 'state-store.git');
  // The frontend names its backend at build time, as app-config does for a built Backstage app.
  execFileSync(process.execPath, [join(ROOT, 'plugins/scaffolder-postgres-react/dev/build-app.mjs'), `http://localhost:${backendPort}`, appUrl, join(work, 'app')], { stdio: 'ignore' });
  // What npm start runs, on ports of its own.
  server = spawn(process.execPath, [join(ROOT, 'plugins/scaffolder-postgres/dist-dev/dev/start.js')], {
    // As npm start runs it: a development server (jest's NODE_ENV=test would refuse the guest sign-in).
    env: { ...process.env, NODE_ENV: 'development', PORT: String(backendPort), APP_PORT: String(appPort), STATE_STORE: stateStore, APP_DIR: join(work, 'app') },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  server.stdout!.on('data', d => (output += d));
  server.stderr!.on('data', d => (output += d));
  const deadline = Date.now() + 120_000;
  while (!output.includes('Ctrl-C stops it')) {
    if (Date.now() > deadline || server.exitCode !== null) throw new Error(`the demo server did not start:\n${output}`);
    await new Promise(r => setTimeout(r, 200));
  }
  browser = await chromium.launch({ executablePath, args: CHROMIUM_ARGS });
  page = await browser.newPage({ viewport: { width: 1400, height: 1100 } });
  page.on('pageerror', error => pageErrors.push(error.message));
});

/** Uncaught errors in the page: a broken frontend fails here rather than as a timeout. */
const pageErrors: string[] = [];
afterEach(async () => {
  if (pageErrors.length > 0) await page.screenshot({ path: join(SCREENSHOTS, 'page-error.png'), fullPage: true });
  expect(pageErrors).toEqual([]);
});

afterAll(async () => {
  await browser?.close();
  if (server && server.exitCode === null) {
    server.kill('SIGTERM');
    await new Promise(r => server.on('exit', r));
  }
  if (work) rmSync(work, { recursive: true, force: true });
});

async function choose(field: string, option: RegExp) {
  await page.locator(`#root_${field}`).click();
  await page.getByRole('option', { name: option }).click();
}

/** A fresh "Create PostgreSQL" form with its first step filled, team-a picked as the owner. */
async function openForm(name: string, namespace: string) {
  await page.goto(`${appUrl}/create/templates/default/create-postgresql`);
  await page.getByRole('textbox', { name: 'Name', exact: true }).waitFor({ timeout: 30_000 });
  await page.getByRole('textbox', { name: 'Name', exact: true }).fill(name);
  await page.getByRole('textbox', { name: 'Namespace' }).fill(namespace);
  await page.getByRole('textbox', { name: 'Owner' }).fill('team-a');
  await page.getByRole('option', { name: 'team-a' }).click();
}

const next = () => page.getByRole('button', { name: 'Next', exact: true }).click();
/** Back from the Preview step to an earlier one, as a person would. */
const back = async (steps: number) => {
  for (let i = 0; i < steps; i++) await page.getByRole('button', { name: 'Back', exact: true }).click();
};

describe('the Create PostgreSQL form in a real browser', () => {
  it('signs in as the guest and lists the three templates', async () => {
    await page.goto(`${appUrl}/create`);
    await page.getByRole('button', { name: 'Enter' }).click();
    for (const title of ['Create PostgreSQL', 'Change PostgreSQL', 'Retire PostgreSQL']) {
      await page.getByText(title, { exact: true }).first().waitFor({ timeout: 30_000 });
    }
  });

  it('fills every step, the owner picker included, and the preview shows the small database', async () => {
    await openForm('billing', 'team-b');
    await next(); // Database
    await next(); // Engine: the platform's default
    await choose('size', /^Small/);
    await next(); // Sizing
    await next(); // Features
    await page.getByTestId('postgres-preview').waitFor();
    expect(await page.getByTestId('total-pods').textContent()).toBe('1');
    expect(await page.getByTestId('total-memory').textContent()).toBe('288Mi requested, 544Mi limit');
    await expect(page.getByRole('button', { name: 'StatefulSet billing-postgresql-read' }).count()).resolves.toBe(0);
    await page.screenshot({ path: join(SCREENSHOTS, 'preview-small.png'), fullPage: true });
  });

  it('from small to large: the totals and the object list change', async () => {
    await back(2);
    await choose('size', /^Large/);
    await next();
    await next();
    await page.getByTestId('postgres-preview').waitFor();
    expect(await page.getByTestId('total-pods').textContent()).toBe('2');
    expect(await page.getByTestId('total-memory').textContent()).toBe('2112Mi requested, 4160Mi limit');
    await page.getByRole('button', { name: 'StatefulSet billing-postgresql-read' }).waitFor();
    await page.getByRole('button', { name: 'StatefulSet billing-postgresql', exact: true }).click();
    // The code view loads lazily, as Backstage's CodeSnippet does.
    await page.getByLabel('YAML of StatefulSet billing-postgresql').locator('pre').waitFor();
    expect(await page.getByLabel('YAML of StatefulSet billing-postgresql').textContent()).toContain('kind: StatefulSet');
    await page.screenshot({ path: join(SCREENSHOTS, 'preview-large.png'), fullPage: true });
  });

  it('version 13 shows the end-of-life warning', async () => {
    await back(2);
    await choose('version', /^13 /);
    await next();
    await next();
    await page.getByText(/PostgreSQL 13 is end-of-life/).waitFor();
    await back(2);
    await choose('version', /^17$/);
    await next();
    await next();
  });

  it('an invalid name: the field says so, and the preview shows the renderer\'s error for it', async () => {
    await back(4);
    await page.getByRole('textbox', { name: 'Name', exact: true }).fill('Billing!');
    await next();
    // The form's own check, next to the field; the step does not advance.
    await page.getByText(/does not match pattern|must match pattern/i).first().waitFor();
    await page.screenshot({ path: join(SCREENSHOTS, 'invalid-name.png'), fullPage: true });
    await page.getByRole('textbox', { name: 'Name', exact: true }).fill('billing');
  });

  it('creates: the task finishes and the branch with the files is in the state store, requested by the guest', async () => {
    await next();
    await next();
    await next();
    await next();
    await page.getByTestId('postgres-preview').waitFor();
    await page.getByRole('button', { name: 'Review' }).click();
    await page.getByRole('button', { name: 'Create' }).click();
    // The finished task shows its outputs: the review summary, with the requester.
    await page.getByText('Requested by', { exact: false }).first().waitFor({ timeout: 120_000 });
    expect(await page.getByText(/Requested by user:development\/guest/).count()).toBeGreaterThan(0);
    await page.screenshot({ path: join(SCREENSHOTS, 'task-done.png'), fullPage: true });
    const git = (...args: string[]) => execFileSync('git', ['--git-dir', stateStore, ...args], { encoding: 'utf8' });
    const branch = 'postgres/worker-1/team-b/billing';
    expect(git('branch', '--list', branch).trim()).toBe(branch);
    expect(git('ls-tree', '-r', '--name-only', branch, 'clusters/worker-1/postgres/team-b/billing')).toContain('statefulset-billing-postgresql-read.yaml');
    expect(git('show', `${branch}:clusters/worker-1/postgres/team-b/billing/request.yaml`)).toContain('postgres-gitops.dev/requested-by: user:development/guest');
    expect(git('log', '-1', '--format=%B', branch)).toContain('Requested-by: user:development/guest');
  });

  it('a choice only the renderer refuses: the preview names the field, the step holds, and nothing is published', async () => {
    const git = (...args: string[]) => execFileSync('git', ['--git-dir', stateStore, ...args], { encoding: 'utf8' });
    const before = git('for-each-ref', '--format=%(refname) %(objectname)');
    // A valid DNS label, so the form's own schema lets it through; the renderer reserves it.
    await openForm('ledger', 'kube-system');
    for (let step = 0; step < 4; step++) await next();
    const preview = page.getByTestId('postgres-preview');
    const refusal = preview.getByRole('alert');
    await refusal.first().waitFor();
    expect(await refusal.getAttribute('data-field')).toBe('namespace');
    expect(await refusal.textContent()).toMatch(/^namespace: "kube-system" is reserved for the cluster or the platform/);
    await expect(preview.getByLabel('Objects').count()).resolves.toBe(0);

    // The field's validation holds the step: the same refusal is the step's error, and Create is never offered.
    await page.getByRole('button', { name: 'Review' }).click();
    await page.getByText(/namespace: "kube-system" is reserved/).nth(1).waitFor();
    await page.screenshot({ path: join(SCREENSHOTS, 'preview-refused.png'), fullPage: true });
    await expect(page.getByRole('button', { name: 'Create' }).count()).resolves.toBe(0);
    await expect(preview.count()).resolves.toBe(1);
    expect(git('for-each-ref', '--format=%(refname) %(objectname)')).toBe(before);
  });

  it.each(['light', 'dark'])('looks like the rest of the scaffolder in the %s theme: card, totals, warning panel, YAML with copy', async theme => {
    // The app's theme choice, where Backstage keeps it (AppThemeSelector: localStorage "theme").
    await page.goto(`${appUrl}/create`);
    await page.evaluate(id => window.localStorage.setItem('theme', id), theme);
    await openForm('ledger', 'team-c');
    await next(); // Database
    await next(); // Engine
    await choose('size', /^Large/);
    await choose('version', /^13 /);
    await next(); // Sizing
    await next(); // Features
    const preview = page.getByTestId('postgres-preview');
    await preview.getByText(/PostgreSQL 13 is end-of-life/).waitFor();
    await preview.getByRole('button', { name: 'StatefulSet ledger-postgresql', exact: true }).click();
    await preview.getByLabel('YAML of StatefulSet ledger-postgresql').locator('pre').waitFor();
    await expect(preview.getByRole('button', { name: /copy/i }).count()).resolves.toBe(1);
    // The card takes the theme's paper colour: dark on dark, light on light.
    const background = await preview.locator('.MuiCard-root').first().evaluate(e => getComputedStyle(e).backgroundColor);
    const [r, g, b] = background.match(/\d+/g)!.map(Number);
    expect((r + g + b) / 3 < 128).toBe(theme === 'dark');
    // The README's pictures change only when asked (UPDATE_SCREENSHOTS=1): a test run leaves the tree clean.
    const into = process.env.UPDATE_SCREENSHOTS === '1' ? join(ROOT, 'docs', 'screenshots') : SCREENSHOTS;
    await preview.screenshot({ path: join(into, `preview-${theme}.png`) });
  });
});

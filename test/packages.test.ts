import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { copyFileSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { createStateStore, type StateStore } from './support/state-store';
import { until, freePort } from './support/readiness';

/**
 * The packages as a user gets them: `npm pack` of every package an app or a platform team
 * installs, installed from the tarballs into a fresh directory (outside this repository, so
 * nothing resolves from its node_modules) beside the current Backstage release's packages from
 * the npm registry. Fails when a package misses a file or a dependency, when it declares a range
 * that nests a second copy of a Backstage package it shares with the app (or zod, or React), when
 * its types do not pass the app's strict compiler, or when the backend cannot run the template.
 */
jest.setTimeout(900_000);

const ROOT = join(__dirname, '..');
const PACKED = ['renderer', 'plugins/publish', 'cli', 'plugins/scaffolder-postgres', 'plugins/scaffolder-postgres-react'];

/**
 * Backstage 1.57 (2026-11-17), as a current app holds it: the backend and frontend packages our
 * packages meet in an app, at the release's versions. Raise with each release.
 */
const RELEASE: Record<string, string> = {
  '@backstage/backend-defaults': '0.19.0',
  '@backstage/backend-plugin-api': '1.12.0',
  '@backstage/config': '1.3.11',
  '@backstage/plugin-catalog-backend': '4.0.5',
  '@backstage/plugin-catalog-backend-module-scaffolder-entity-model': '0.2.26',
  '@backstage/plugin-scaffolder-backend': '4.3.0',
  '@backstage/frontend-plugin-api': '1.0.0',
  '@backstage/core-plugin-api': '1.13.0',
  '@backstage/plugin-scaffolder-react': '3.0.0',
  zod: '^4.6.7',
  react: '^18.3.1',
  'react-dom': '^18.3.1',
  'react-router-dom': '^6.30.2',
  '@types/react': '^18.3.12',
  '@types/node': '22.20.0',
  // A new app's backend keeps its database in SQLite; 13 as the README advises (see there why).
  'better-sqlite3': '^13.2.0',
};
/** Packages an app must hold once: extension points, API refs and schemas are shared through them. */
const SINGLETONS = [
  '@backstage/backend-plugin-api', '@backstage/plugin-scaffolder-node', '@backstage/plugin-catalog-node', '@backstage/config',
  '@backstage/errors', '@backstage/integration', '@backstage/types', '@backstage/frontend-plugin-api', '@backstage/core-plugin-api',
  '@backstage/plugin-scaffolder-react', 'zod', 'react', 'react-dom',
];

let app: string;
let store: StateStore;
let backend: ChildProcess | undefined;
const npm = (cwd: string, ...args: string[]) => execFileSync('npm', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 64 << 20 });

beforeAll(() => {
  app = mkdtempSync(join(tmpdir(), 'pgg-packed-app-'));
  const tarballs = PACKED.map(dir => {
    const [packed] = JSON.parse(npm(join(ROOT, dir), 'pack', '--json', '--pack-destination', app));
    return `file:./${packed.filename}`;
  });
  const names = PACKED.map(dir => JSON.parse(readFileSync(join(ROOT, dir, 'package.json'), 'utf8')).name as string);
  writeFileSync(join(app, 'package.json'), JSON.stringify({
    name: 'packed-app', private: true,
    dependencies: { ...RELEASE, ...Object.fromEntries(names.map((name, i) => [name, tarballs[i]])) },
    overrides: { 'better-sqlite3': '$better-sqlite3' },
  }, null, 2));
  npm(app, 'install', '--no-audit', '--no-fund', '--prefer-offline', '--loglevel=error');
});

afterAll(async () => {
  if (backend && backend.exitCode === null) {
    backend.kill('SIGTERM');
    await new Promise(resolve => backend!.once('exit', resolve));
  }
  store?.cleanup();
  if (app) rmSync(app, { recursive: true, force: true });
});

/** Every installed copy of a package, as paths relative to the app. */
function copiesOf(name: string, dir = join(app, 'node_modules'), found: string[] = []): string[] {
  if (existsSync(join(dir, name, 'package.json'))) found.push(relative(app, join(dir, name)));
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (!entry.isDirectory()) continue;
    const scoped = entry.name.startsWith('@') ? readdirSync(join(dir, entry.name)).map(n => join(dir, entry.name, n)) : [join(dir, entry.name)];
    for (const pkg of scoped) if (existsSync(join(pkg, 'node_modules'))) copiesOf(name, join(pkg, 'node_modules'), found);
  }
  return found;
}

describe('the packed packages in a fresh Backstage 1.57 app', () => {
  it('nest no second copy of a package the app shares with them', () => {
    const doubled = SINGLETONS.map(name => [name, copiesOf(name)] as const).filter(([, copies]) => copies.length > 1);
    expect(Object.fromEntries(doubled)).toEqual({});
  });

  it('pass the app\'s strict compiler (tsc:full: @backstage/cli\'s tsconfig, no skipLibCheck) for the README\'s snippets', () => {
    // The Backstage CLI's shared tsconfig, from its tarball: the app's own compiler settings.
    const [cli] = JSON.parse(npm(app, 'pack', '--json', '@backstage/cli@0.36.8'));
    execFileSync('tar', ['xzf', cli.filename, 'package/config/tsconfig.json'], { cwd: app });
    copyFileSync(join(__dirname, 'support', 'packed-app', 'app.tsx'), join(app, 'app.tsx'));
    writeFileSync(join(app, 'tsconfig.json'), JSON.stringify({
      extends: './package/config/tsconfig.json',
      include: ['app.tsx'],
      compilerOptions: { noEmit: true, emitDeclarationOnly: false, declaration: false, incremental: false, skipLibCheck: false, jsx: 'react-jsx', types: ['node'] },
    }));
    const tsc = require.resolve('typescript/bin/tsc');
    let output = '';
    try {
      execFileSync(process.execPath, [tsc, '-p', 'tsconfig.json'], { cwd: app, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    } catch (error) {
      output = String((error as { stdout?: string }).stdout ?? error);
    }
    // Backstage's own packages are not ours to fix: only errors in our files or our packages' types count.
    const ours = output.split('\n').filter(line => /^(app\.tsx|node_modules\/@postgres-gitops\/)/.test(line));
    expect(ours).toEqual([]);
  });

  it('carry their app-config schema, which the app\'s config loader finds', async () => {
    const script = `require('@backstage/config-loader').loadConfigSchema({ dependencies: ['@postgres-gitops/backstage-plugin-scaffolder-backend-module-postgres', '@postgres-gitops/backstage-plugin-scaffolder-postgres-react'] })
      .then(s => console.log(JSON.stringify(s.serialize().schemas.map(x => x.path))))`;
    const paths: string[] = JSON.parse(execFileSync(process.execPath, ['-e', script], { cwd: app, encoding: 'utf8' }));
    expect(paths).toEqual(expect.arrayContaining([
      'node_modules/@postgres-gitops/backstage-plugin-scaffolder-backend-module-postgres/config.d.ts',
      'node_modules/@postgres-gitops/backstage-plugin-scaffolder-postgres-react/config.d.ts',
    ]));
  });

  it('give a working CLI: the bin the package declares renders a request', () => {
    const bin = join(app, 'node_modules', '.bin', 'postgres-gitops');
    const out = execFileSync(process.execPath, [bin, 'render', join(ROOT, 'renderer', 'examples', 'basic.yaml')], { cwd: app, encoding: 'utf8' });
    expect(out).toContain('kind: StatefulSet');
  });

  it('start in a real backend and run "Create PostgreSQL" to a pull-request branch', async () => {
    store = createStateStore();
    const port = await freePort();
    const token = randomBytes(18).toString('hex');
    copyFileSync(join(__dirname, 'support', 'packed-app', 'backend.cjs'), join(app, 'backend.cjs'));
    backend = spawn(process.execPath, ['backend.cjs'], {
      cwd: app,
      env: {
        PATH: process.env.PATH, HOME: process.env.HOME, NODE_ENV: 'development', FORCE_COLOR: '0',
        PACKED_PORT: String(port), PACKED_TOKEN: token, PACKED_STATE_STORE: store.url,
        PACKED_LOCATIONS: JSON.stringify([join(ROOT, 'templates', 'postgres', 'template.yaml'), join(ROOT, 'plugins', 'scaffolder-postgres', 'dev', 'catalog', 'org.yaml')]),
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let log = '';
    backend.stdout!.on('data', chunk => (log += chunk));
    backend.stderr!.on('data', chunk => (log += chunk));
    await until('the backend to listen', async () => (/listening \d+/.test(log) ? true : backend!.exitCode !== null ? fail(log) : undefined), 120_000);

    const call = async (method: string, path: string, body?: unknown) => {
      const res = await fetch(`http://127.0.0.1:${port}${path}`, { method, headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
      return { status: res.status, body: await res.json() as any };
    };
    const actions = await call('GET', '/api/scaffolder/v2/actions');
    expect(actions.body.map((a: { id: string }) => a.id)).toEqual(expect.arrayContaining(['postgres:create', 'postgres:update', 'postgres:decommission']));
    await until('the template in the catalog', async () => ((await call('GET', '/api/catalog/entities/by-name/template/default/create-postgresql')).status === 200 || undefined));

    const values = { name: 'orders', namespace: 'team-a', owner: 'group:default/team-a', system: 'system:default/shop', cluster: 'worker-1', database: 'orders', username: 'orders_app', size: 'small', version: '17', profile: 'dev', persistence: true, backup: false };
    const created = await call('POST', '/api/scaffolder/v2/tasks', { templateRef: 'template:default/create-postgresql', values });
    expect(created.status).toBe(201);
    const task = await until('the task to finish', async () => {
      const { body } = await call('GET', `/api/scaffolder/v2/tasks/${created.body.id}`);
      return ['completed', 'failed'].includes(body.status) ? body : undefined;
    }, 120_000);
    const events = (await call('GET', `/api/scaffolder/v2/tasks/${created.body.id}/events`)).body as { body: { message?: string } }[];
    expect({ status: task.status, log: task.status === 'completed' ? '' : events.map(e => e.body.message ?? '').join('\n') }).toEqual({ status: 'completed', log: '' });
    expect(store.branches().some(b => b.includes('orders'))).toBe(true);
  });
});

function fail(log: string): never {
  throw new Error(`the backend exited:\n${log}`);
}


import { readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { join } from 'node:path';
import { packageImports, relativeImports, type ImportEdge } from './support/imports';

/**
 * The renderer's layers, lowest first: a module may import its own layer or a lower one, never a
 * higher one. request -> plan -> render -> layout -> review / wiring (the CLI is a package of its own).
 */
const LAYERS: [string, number][] = [
  ['hash', 0],
  ['version', 0],
  ['request/', 1],
  ['plan/', 2],
  ['render/', 3],
  ['layout/', 4],
  ['render-database', 5],
  ['review/', 6],
  ['wiring/', 6],
  ['index', 7],
];

const RENDERER = join(__dirname, '..', 'renderer', 'src');
const edges = relativeImports(RENDERER);

function layerOf(module: string): [string, number] {
  const layer = LAYERS.find(([prefix]) => module === prefix || module.startsWith(prefix));
  if (!layer) throw new Error(`${module} belongs to no layer; add it to LAYERS`);
  return layer;
}

/** `render/statefulset/backup` -> `statefulset`; undefined for modules outside an engine folder. */
function engineOf(module: string): string | undefined {
  const match = /^(?:plan|render|review)\/([a-z-]+)\//.exec(module);
  return match && match[1] !== 'common' ? match[1] : undefined;
}

const show = (e: ImportEdge) => `${e.from} -> ${e.to}`;

describe('the renderer keeps its shape', () => {
  it('finds the imports it checks', () => {
    expect(edges.length).toBeGreaterThan(50);
    expect(edges).toContainEqual({ from: 'render-database', to: 'plan/plan' });
  });

  it('imports only downward: request -> plan -> render -> layout -> review / wiring', () => {
    const upward = edges.filter(e => layerOf(e.to)[1] > layerOf(e.from)[1]).map(show);
    expect(upward).toEqual([]);
  });

  it('keeps review and wiring apart', () => {
    const across = edges.filter(e => layerOf(e.from)[1] === 6 && layerOf(e.to)[1] === 6 && layerOf(e.from)[0] !== layerOf(e.to)[0]).map(show);
    expect(across).toEqual([]);
  });

  it('keeps engines apart: no engine imports another, shared code imports none but through its dispatcher', () => {
    const DISPATCHERS = ['plan/plan', 'render/render', 'review/engines'];
    // A shared-server database lives on a cloudnative-pg server: it reads that engine's names and labels, nothing more.
    const DECLARED = (e: ImportEdge) => engineOf(e.from) === 'shared-server' && e.to === 'plan/cloudnative-pg/names';
    const crossing = edges.filter(e => {
      const [a, b] = [engineOf(e.from), engineOf(e.to)];
      if (b === undefined || a === b || DECLARED(e)) return false;
      return a !== undefined || !DISPATCHERS.includes(e.from);
    });
    expect(crossing.map(show)).toEqual([]);
  });

  it('keeps builders on one floor: a builder imports helpers, never another builder', () => {
    // Within an engine's render folder only the builder list imports builders; helpers are data.
    const HELPERS = /\/(mounts|helpers)$|^render\/common\//;
    const betweenBuilders = edges.filter(e =>
      e.from.startsWith('render/') && e.to.startsWith('render/') && !e.from.endsWith('/builders') && e.from !== 'render/render'
      && e.to !== 'render/manifest' && !HELPERS.test(e.to) && !e.to.startsWith('render/common/'),
    );
    const commonToCommon = edges.filter(e => e.from.startsWith('render/common/') && e.to.startsWith('render/common/') && !/\/(pod-security|network|secrets|alerts|certificates)$/.test(e.to));
    expect([...betweenBuilders, ...commonToCommon].map(show)).toEqual([]);
  });

  it('depends on no Backstage package and no plugin: plugins depend on the renderer, never the reverse', () => {
    const wrong = packageImports(RENDERER).filter(e => /^@backstage\/|^@postgres-gitops\//.test(e.to));
    expect(wrong).toEqual([]);
  });
});

/**
 * The layers at the package level, lowest first: each workspace package may depend on the ones
 * listed for it and no other. The renderer is pure (no I/O, no Node.js module): the browser field
 * bundles it. The publish port knows nothing of rendering; the CLI and the Backstage plugins sit on
 * top of both.
 */
const PACKAGES: { dir: string; src: string; mayUse: string[]; pure?: boolean }[] = [
  { dir: 'renderer', src: 'renderer/src', mayUse: [], pure: true },
  { dir: 'plugins/publish', src: 'plugins/publish/src', mayUse: [] },
  { dir: 'cli', src: 'cli/src', mayUse: ['@postgres-gitops/renderer', '@postgres-gitops/publish'] },
  { dir: 'plugins/scaffolder-postgres', src: 'plugins/scaffolder-postgres/src', mayUse: ['@postgres-gitops/renderer', '@postgres-gitops/publish'] },
  { dir: 'plugins/scaffolder-postgres-react', src: 'plugins/scaffolder-postgres-react/src', mayUse: ['@postgres-gitops/renderer'] },
];

const REPO = join(__dirname, '..');
const isBuiltin = (spec: string) => spec.startsWith('node:') || builtinModules.includes(spec.split('/')[0]);
/** `@scope/name/sub` -> `@scope/name`, `name/sub` -> `name`. */
const packageName = (spec: string) => spec.split('/').slice(0, spec.startsWith('@') ? 2 : 1).join('/');

interface Manifest { name: string; dependencies?: Record<string, string>; peerDependencies?: Record<string, string>; bin?: unknown }
const manifestOf = (dir: string): Manifest => JSON.parse(readFileSync(join(REPO, dir, 'package.json'), 'utf8'));

describe.each(PACKAGES)('the package in $dir', ({ dir, src, mayUse, pure }) => {
  const manifest = manifestOf(dir);
  const declared = new Set(Object.keys({ ...manifest.dependencies, ...manifest.peerDependencies }));
  const used = packageImports(join(REPO, src)).filter(e => !isBuiltin(e.to) && !/^<|\$\{/.test(e.to)).map(e => ({ from: e.from, to: packageName(e.to) }));
  const workspace = (names: Iterable<string>) => [...names].filter(n => n.startsWith('@postgres-gitops/'));

  it('depends on the workspace packages below it, never on one beside or above it', () => {
    expect(workspace(declared).filter(n => !mayUse.includes(n))).toEqual([]);
    expect(used.filter(e => e.to.startsWith('@postgres-gitops/') && !mayUse.includes(e.to))).toEqual([]);
  });

  it('declares every package its code imports (types too: its .d.ts files name them), and nothing it does not import', () => {
    expect(used.filter(e => !declared.has(e.to)).map(e => `${e.from} -> ${e.to}`)).toEqual([]);
    const imported = new Set(used.map(e => e.to));
    expect([...declared].filter(n => !imported.has(n))).toEqual([]);
  });

  if (pure) {
    it('is pure: imports no Node.js module and carries no bin', () => {
      const io = packageImports(join(REPO, src)).filter(e => isBuiltin(e.to));
      expect(io).toEqual([]);
      expect(manifest.bin).toBeUndefined();
    });
  }
});

it('one package has the postgres-gitops bin: the CLI', () => {
  const withBin = PACKAGES.filter(p => manifestOf(p.dir).bin !== undefined).map(p => manifestOf(p.dir).name);
  expect(withBin).toEqual(['@postgres-gitops/cli']);
});

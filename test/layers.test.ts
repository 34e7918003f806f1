import { join } from 'node:path';
import { packageImports, relativeImports, type ImportEdge } from './support/imports';

/**
 * The renderer's layers, lowest first: a module may import its own layer or a lower one, never a
 * higher one. request -> plan -> render -> layout -> review / wiring -> cli.
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
  ['cli/', 7],
  ['index', 8],
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

  it('imports only downward: request -> plan -> render -> layout -> review / wiring -> cli', () => {
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
    const wrong = packageImports(RENDERER).filter(e => /^@backstage\/|^@postgres-gitops\/(?!publish$)/.test(e.to));
    expect(wrong).toEqual([]);
  });
});

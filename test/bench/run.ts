import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import type { Measurement } from './measure';
import { memoryBenchmarks } from './memory';
import { pullRequestBenchmarks } from './pull-requests';
import { renderBenchmarks } from './render';
import { barChart, table } from './report';
import { stateStoreBenchmarks } from './state-store';
import { fleetPlanBenchmarks } from './fleet-plan';
import { fleetPublishBenchmarks } from './fleet-publish';
import { browserPreviewBenchmarks } from './browser-preview';
import { pipelineImageBenchmarks } from './pipeline-image';
import { gitRunnerBenchmarks } from './git-runners';

const DOCS = join(__dirname, '..', '..', '..', 'docs');

const find = (rows: Measurement[], benchmark: string, c: string, subject: string, metric: string) =>
  rows.find(r => r.benchmark === benchmark && r.case.startsWith(c) && r.subject.startsWith(subject) && r.metric === metric)?.value;

/** What the state-store figures of this run say, computed from them. */
function storeVerdict(store: Measurement[]): string {
  const v = (c: string, subject: string, metric: string) => Number(find(store, 'state store', c, subject, metric));
  const growth = v('10000 ', 'postgres-gitops', 'time') / v('100 ', 'postgres-gitops', 'time');
  const perDb = (v('10000 ', 'postgres-gitops', 'bytes fetched') - v('100 ', 'postgres-gitops', 'bytes fetched')) / 9900;
  const bytesVsFull = v('10000 ', 'plain full clone', 'bytes fetched') / v('10000 ', 'postgres-gitops', 'bytes fetched');
  const timeVsFull = v('10000 ', 'plain full clone', 'time') / v('10000 ', 'postgres-gitops', 'time');
  return [
    `In this run the git publisher's time grew ${growth.toFixed(2)}x from 100 to 10,000 databases (target: within 1.5x), and its bytes by about ${Math.round(perDb)} bytes per database;`,
    `at 10,000 databases it fetched ${bytesVsFull.toFixed(0)}x fewer bytes and took ${timeVsFull.toFixed(1)}x less time than a full clone.`,
    'How: git plumbing on an empty repository. It fetches the base commit without trees (`--depth=1 --filter=tree:0`), then each tree along the database\'s path by its id (a wanted tree comes alone under `tree:0`), writes the new trees with one `mktree --missing --batch` over references to the rest, and pushes with protocol v2 push negotiation, a sparse walk and no thin pack, so nothing outside the path is read.',
    'The cost follows the depth of the path (six trees), not the number of databases. Decision: this replaces the blob-less clone (which fetched every tree: 2.8x from 100 to 10,000); sharding the store per cluster is no longer needed for speed.',
    'The GitHub publisher (one GraphQL read, four writes) does not depend on the store size either.',
  ].join(' ');
}

async function main() {
  const started = new Date().toISOString();
  const log = (s: string) => process.stderr.write(`${s}\n`);
  log('render and fleet...');
  const render = await renderBenchmarks();
  log('pull requests...');
  const prs = await pullRequestBenchmarks();
  log('state store at 100, 1,000 and 10,000 databases...');
  const store = await stateStoreBenchmarks();
  log('git publisher: simple-git against git spawned directly...');
  const runners = await gitRunnerBenchmarks();
  log('fleet plan at 100, 1,000 and 10,000 databases...');
  const fleetPlan = fleetPlanBenchmarks();
  log('fleet publish of 100 pull requests...');
  const fleetPublish = await fleetPublishBenchmarks();
  log('preview in the browser...');
  const preview = await browserPreviewBenchmarks();
  log('Kratix pipeline image...');
  const pipelineImage = pipelineImageBenchmarks();
  log('memory...');
  const memory = memoryBenchmarks();
  const all = [...render, ...prs, ...store, ...runners, ...fleetPlan, ...fleetPublish, ...preview, ...pipelineImage, ...memory];

  const prGroups = ['one database', '200 files'].map(c => ({
    label: c,
    bars: [
      // A failed measurement has no figure: its bar is 0.
      { name: 'postgres-gitops', value: Number(find(prs, 'pull request, 50 ms latency', c, 'postgres-gitops (unpaced)', 'calls') ?? 0) },
      { name: 'Backstage publish:github:pull-request', value: Number(find(prs, 'pull request, 50 ms latency', c, 'Backstage', 'calls') ?? 0) },
    ],
  }));
  const storeGroups = ['100 ', '1000 ', '10000 '].map(c => ({
    label: `${c.trim()} databases`,
    bars: [
      { name: 'postgres-gitops git publisher', value: Math.round(Number(find(store, 'state store', c, 'postgres-gitops', 'bytes fetched')) / 1024) },
      { name: 'plain full clone', value: Math.round(Number(find(store, 'state store', c, 'plain full clone', 'bytes fetched')) / 1024) },
    ],
  }));

  mkdirSync(DOCS, { recursive: true });
  writeFileSync(join(DOCS, 'benchmarks.json'), `${JSON.stringify({ started, machine: { cpus: cpus().length, node: process.version }, measurements: all }, null, 2)}\n`);
  writeFileSync(join(DOCS, 'bench-pull-request-calls.svg'), barChart('GitHub API calls to open one pull request', 'calls', prGroups));
  writeFileSync(join(DOCS, 'bench-state-store-bytes.svg'), barChart('Bytes fetched to open a pull request on a plain-git state store', 'KiB', storeGroups, true));

  const section = (title: string, rows: Measurement[], intro: string) => `## ${title}\n\n${intro}\n\n${table(rows)}\n`;
  const md = [
    '# Benchmarks',
    '',
    `Measured by \`npm run bench\` on ${started.slice(0, 10)}, ${cpus().length} cores, Node ${process.version}, in one run.`,
    'Compare ratios measured side by side; absolute times depend on the machine. Raw figures: `benchmarks.json`.',
    '',
    section('Render', render.filter(r => r.benchmark === 'render'), 'Parse + plan + render + serialize one database, median of 1,500 interleaved runs, against `yaml` serialization alone of the same objects (the floor). Target: within 1.5x of the floor.'),
    section('Fleet re-render', render.filter(r => r.benchmark === 'fleet'), '10,000 varied requests (sizes, profiles, versions, monitoring) rendered in worker threads: one thread, then two (both cores). The bench runs Node with `--single-threaded-gc`, for both sides: on two cores, V8\'s parallel GC helpers otherwise compete with the second worker.'),
    section('Pull requests on GitHub', prs, [
      'Against the local fake GitHub (every call checked against GitHub\'s OpenAPI description and GraphQL schema), the same files given to this project\'s publisher and to Backstage\'s `publish:github:pull-request`.',
      '(a) 50 ms injected latency per request: wall time. (b) GitHub\'s secondary rate limits enforced (100 concurrent; 80 content-generating requests a minute; 900 points a minute, writes 5): outcome. A simulated clock runs 60x faster, so a limit\'s minute passes in one real second.',
      'After each subject returns, its outcome is checked on the fake: the branch exists, it holds exactly the case\'s files below the directory and nothing else differs from main, and a pull request from it is open. A subject that did less is a failed measurement and gets no figure; one that failed with an error shows how far it got (calls, 403 answers) but no time. A planted subject that does nothing must come out as a failed measurement, or the run stops.',
      'Content-generating calls here are every REST write (POST/PATCH/PUT/DELETE: blobs, trees, commits, refs, pull requests, reviewers, labels) and GraphQL mutations; reads (REST GET, GraphQL queries) are not. "Sequential round trips" counts requests that had to wait for the previous one.',
      '"Paced by the limits" is the default: a budget per account, shared by every publish in the process, holds a request only when the last minute leaves no room for it (80 content-generating requests, 900 points) or while GitHub\'s retry-after runs; one database never waits.',
      '',
      '![calls](bench-pull-request-calls.svg)',
    ].join('\n')),
    section('State store on plain git', store, [
      'Opening a pull request for a new database as the store grows. Bytes are what the server\'s upload-pack sent (counted by a pack-objects hook); time is clone + write + commit + push, the median of five for the publisher. After every run its branch must hold exactly the new database on top of main, or the figure is a failed measurement. The store is built in a child process, so the measuring process stays as small at 10,000 databases as at 100 (a large heap makes every git it spawns slower).',
      '',
      '![bytes](bench-state-store-bytes.svg)',
      '',
      storeVerdict(store),
    ].join('\n')),
    section('Git publisher: simple-git against git spawned directly', runners, [
      'The git publisher opening a session and publishing a new database on a store of 1,000 databases, through simple-git (what ships: `raw()`, and its `input` option for the commands fed on stdin) and through the same git commands spawned directly (the yardstick), with the same narrowed environment. Eleven runs of each, alternating, after one warm-up of each; figures are medians; every run\'s branch is checked.',
      'simple-git waits 50 ms more for a command that prints nothing, so the publisher runs none that way (no `-q`; the branch is asked for with the base, which exists). Its own cost is about 1 ms of JavaScript a command (mostly its environment guard reading this process\'s environment), so the publisher runs few: one process for all blobs, one for all trees, one to name and read a commit. Target: within 1.10x of the direct runner.',
    ].join('\n')),
    section('Fleet plan', fleetPlan, [
      '`postgres-gitops fleet plan` on a store of N databases on ten clusters (sizes, profiles, majors 14 to 17, minors pinned at x.1), in a fresh process with both cores, against the yardstick: a single-threaded render of the same stored requests.',
      'Targets: 10,000 databases planned in less time than the yardstick, peak RSS under 512 MiB. "Nothing to change" re-renders and compares every database; "every database changes" also renders the stored request\'s objects (no files) for the semantic diff and reads the committed workloads that differ (js-yaml, core schema) for restarts and image bumps.',
    ].join('\n')),
    section('Fleet publish under GitHub\'s secondary limits', fleetPublish, [
      'One pull request per cluster for 100 clusters against the fake GitHub enforcing 80 content-generating requests and 900 points a minute (403 with retry-after beyond), on a clock 60x faster than real time; the publisher\'s budget runs on the same clock. `fleet publish` keeps up to four pull requests in flight, all drawing on one budget.',
      'The clusters are planned before the clock starts (the fleet plan benchmark measures planning), the fake loads GitHub\'s description and compiles its validators before it serves, and one pull request on a throwaway fake pays this process\'s first-use costs: on the 60x clock a second of either would read as a minute.',
      '"Fastest the limits allow": the first minute\'s budget spent at once, the rest at the limit\'s rate. Target: 0 x 403 and close to that floor.',
    ].join('\n')),
    section('Preview in the browser', preview, [
      'The `PostgresPreview` panel and the renderer bundled with Vite (production mode) and run in headless Chromium: 1,000 re-renders after 200 to warm up, alternating two sizes so every render is a new choice.',
      'Each is timed from the new form data to React\'s committed DOM (render, totals, warnings, object list), as the field does on every change of the form. Target: p95 under one frame (16 ms).',
    ].join('\n')),
    section('Kratix pipeline image', pipelineImage, [
      '`npm run pipeline-image`: the Debian layer built from Debian\'s archive (mmdebstrap), then from the cache in .native/; both builds must give one digest. Size: the gzip layers a registry stores, and the layers unpacked.',
      'Cold start: a fresh `crun run` of the image (read-only root, uid 65534, no network) on the seed\'s production request, from start to exit with its files written, median of seven; with Kratix\'s default limits for pipeline containers and without.',
    ].join('\n')),
    section('Memory', memory, 'Peak resident set size, each in a fresh Node process.'),
  ].join('\n');
  writeFileSync(join(DOCS, 'benchmarks.md'), md);

  process.stdout.write(`${table(all)}\n\nwrote docs/benchmarks.md, docs/benchmarks.json and two SVG charts\n`);
}

main().catch(error => {
  process.stderr.write(`${error.stack ?? error}\n`);
  process.exit(1);
});

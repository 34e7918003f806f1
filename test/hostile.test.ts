import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigReader } from '@backstage/config';
import { DefaultGithubCredentialsProvider, ScmIntegrations } from '@backstage/integration';
import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';
import { DEFAULT_PLATFORM, parseYamlInput } from '@postgres-gitops/renderer';
import { cli } from '../cli/src/__testUtils__/cli';
import { EXIT } from '../cli/src/exit-codes';
import { createPostgresCreateAction } from '../plugins/scaffolder-postgres/src/actions/create/action';
import { createStateStore, type StateStore } from './support/state-store';
import { allowingAccess } from '../plugins/scaffolder-postgres/src/__testUtils__/access';

/**
 * The hostile corpus (test/hostile/cases, written by test/hostile/generate.js): every case is
 * refused naming its field, quickly, with no stack trace and nothing written, through the CLI,
 * the Kratix pipeline and the Backstage action.
 */
const CASES_DIR = join(__dirname, 'hostile', 'cases');
const cases = readdirSync(CASES_DIR).sort().map(file => {
  const text = readFileSync(join(CASES_DIR, file), 'utf8');
  const field = /^# field: (.+)$/m.exec(text)![1];
  return { file, path: join(CASES_DIR, file), text, field };
});
/** A refusal takes milliseconds; this bound only catches a hang or a blow-up (an anchor bomb, a regex gone quadratic). */
const BOUND_MS = 1500;

let work: string;
beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'pgg-hostile-'));
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

const names = (field: string) => (field.startsWith('(') ? field : `${field}:`);

it('holds at least 200 cases, each naming the field its refusal must name', () => {
  expect(cases.length).toBeGreaterThanOrEqual(200);
  expect(cases.filter(c => !c.field)).toEqual([]);
});

describe('the CLI refuses every hostile request', () => {
  it.each(cases.map(c => [c.file, c]))('%s', async (_file, c) => {
    const out = join(work, 'cli-out');
    rmSync(out, { recursive: true, force: true });
    const started = performance.now();
    const { code, stdout, stderr } = await cli(['render', c.path, '--out', out]);
    const elapsed = performance.now() - started;
    expect({ code, stdout }).toEqual({ code: EXIT.invalidInput, stdout: '' });
    expect(stderr).toContain(names(c.field));
    expect(stderr).not.toMatch(/\n\s+at /);
    expect(stderr.length).toBeLessThan(4000);
    expect(existsSync(out)).toBe(false);
    expect(elapsed).toBeLessThan(BOUND_MS);
  });
});

describe('the Kratix pipeline refuses every hostile object and writes nothing', () => {
  it.each(cases.map(c => [c.file, c]))('%s', async (_file, c) => {
    const dir = join(work, 'kratix');
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(join(dir, 'input'), { recursive: true });
    writeFileSync(join(dir, 'input', 'object.yaml'), c.text);
    const { code, stderr } = await cli(['kratix', '--input', join(dir, 'input'), '--output', join(dir, 'output'), '--metadata', join(dir, 'metadata')], { KRATIX_WORKFLOW_TYPE: 'resource' });
    expect(code).toBe(EXIT.invalidInput);
    expect(stderr).toContain(names(c.field));
    expect(stderr).not.toMatch(/\n\s+at /);
    expect(existsSync(join(dir, 'output')) ? readdirSync(join(dir, 'output')) : []).toEqual([]);
    expect(existsSync(join(dir, 'metadata')) ? readdirSync(join(dir, 'metadata')) : []).toEqual([]);
  });
});

/**
 * The action takes flat JSON, not YAML: cases about YAML itself, the envelope (apiVersion, kind,
 * unknown top-level or metadata fields) have no action form. The rest become the action's input.
 */
function actionInput(c: (typeof cases)[number]): Record<string, unknown> | undefined {
  if (!c.field.startsWith('spec') && c.field !== 'metadata.name' && c.field !== 'metadata.namespace') return undefined;
  let object: unknown;
  try {
    object = parseYamlInput(c.text, c.file);
  } catch {
    return undefined;
  }
  const { metadata, spec } = object as { metadata?: Record<string, unknown>; spec?: Record<string, unknown> };
  if (!metadata || typeof spec !== 'object' || spec === null) return undefined;
  return { name: metadata.name, namespace: metadata.namespace, ...spec };
}

describe('the Backstage action refuses every hostile input it can be given, and pushes nothing', () => {
  let store: StateStore;
  beforeAll(() => {
    store = createStateStore();
  });
  afterAll(() => store.cleanup());
  const inputs = cases.map(c => ({ ...c, input: actionInput(c) })).filter(c => c.input !== undefined);

  it('covers most of the corpus', () => {
    expect(inputs.length).toBeGreaterThanOrEqual(250);
  });

  it.each(inputs.map(c => [c.file, c]))('%s', async (_file, c) => {
    const integrations = ScmIntegrations.fromConfig(new ConfigReader({}));
    const action = createPostgresCreateAction({ integrations, githubCredentials: DefaultGithubCredentialsProvider.fromIntegrations(integrations), platform: DEFAULT_PLATFORM, stateStore: { repoUrl: store.url, allowed: [store.url] }, access: allowingAccess() });
    const ctx = createMockActionContext({ input: { ...c.input, repoUrl: store.url } as never, workspacePath: work, user: { ref: 'user:default/jane' } });
    const failure = await action.handler(ctx as never).then(() => undefined, (error: Error) => error);
    expect(failure?.name).toBe('InputError');
    // The action names its own inputs: spec.size is the input "size", metadata.name is "name".
    expect(failure?.message).toContain(c.field === 'spec' ? '(input): unknown field' : `${c.field.replace(/^(spec|metadata)\./, '')}:`);
    expect(store.branches()).toEqual(['main']);
  });
});

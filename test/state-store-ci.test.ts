import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { validateWorkflow } from '@action-validator/core';
import { parse } from 'yaml';
import { cli } from '../cli/src/__testUtils__/cli';
import { EXIT } from '../cli/src/exit-codes';

const BIN = join(__dirname, '..', 'cli', 'bin', 'postgres-gitops.js');
const EXAMPLES = join(__dirname, '..', 'renderer', 'examples');
const STATEFULSET = 'clusters/worker-1/postgres/default/my-database/statefulset-my-database-postgresql.yaml';

let store: string;
beforeEach(() => (store = mkdtempSync(join(tmpdir(), 'pgg-store-ci-'))));
afterEach(() => rmSync(store, { recursive: true, force: true }));

async function writeCiFiles(): Promise<{ workflow: string; script: string }> {
  const workflow = (await cli(['ci', '--github'])).stdout;
  const script = (await cli(['ci', '--shell'])).stdout;
  mkdirSync(join(store, '.github', 'workflows'), { recursive: true });
  mkdirSync(join(store, 'ci'), { recursive: true });
  writeFileSync(join(store, '.github', 'workflows', 'postgres-gitops-verify.yaml'), workflow);
  writeFileSync(join(store, 'ci', 'postgres-gitops-verify.sh'), script);
  return { workflow, script };
}

/** Runs the workflow's verify step as the runner would: its `run` line in the checked-out store. */
function runVerifyStep(workflow: string) {
  const steps = parse(workflow).jobs.verify.steps as { run?: string }[];
  const run = steps.find(s => s.run)!.run!;
  return spawnSync('sh', ['-c', run], { cwd: store, encoding: 'utf8', env: { ...process.env, POSTGRES_GITOPS: `${process.execPath} ${BIN}` } });
}

describe('the state store\'s own CI', () => {
  it('ships a workflow GitHub accepts (SchemaStore\'s schema via action-validator), which can fail', async () => {
    const { workflow } = await writeCiFiles();
    expect(validateWorkflow(workflow).errors).toEqual([]);
    expect(validateWorkflow(workflow.replace('runs-on: ubuntu-latest', 'runs-on: [')).errors.length + validateWorkflow(workflow.replace(/steps:/, 'stepz:')).errors.length).toBeGreaterThan(0);
  });

  it('passes on a store that matches its requests and fails with the diff on drift', async () => {
    const { workflow } = await writeCiFiles();
    expect((await cli(['render', join(EXAMPLES, 'basic.yaml'), '--out', store])).code).toBe(EXIT.ok);
    const clean = runVerifyStep(workflow);
    expect(clean.status).toBe(0);
    expect(clean.stdout).toContain('verify: 1 database(s), all manifests match the renderer');

    const path = join(store, STATEFULSET);
    writeFileSync(path, readFileSync(path, 'utf8').replace(/memory: \d+Mi/, 'memory: 64Gi'));
    const drift = runVerifyStep(workflow);
    expect(drift.status).toBe(1);
    expect(drift.stderr).toContain(`${STATEFULSET}: differs from the rendered manifest`);
    expect(drift.stderr).toMatch(/^-\s+memory: 64Gi$/m);
  });

  it('pins the renderer version in the generic shell step', async () => {
    const { script } = await writeCiFiles();
    const { version } = JSON.parse(readFileSync(join(__dirname, '..', 'renderer', 'package.json'), 'utf8'));
    expect(script).toContain(`npx --yes "@postgres-gitops/cli@${version}" verify`);
    expect(execFileSync('sh', ['-n', join(store, 'ci', 'postgres-gitops-verify.sh')], { encoding: 'utf8' })).toBe('');
  });

  it('names the rule when neither or both kinds are asked for', async () => {
    expect(await cli(['ci'])).toMatchObject({ code: EXIT.invalidInput, stderr: expect.stringContaining('ci needs exactly one of --github') });
  });
});

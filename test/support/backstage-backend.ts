import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { JsonObject } from '@backstage/types';
import { stringify } from 'yaml';
import { ScaffolderClient } from '../../plugins/scaffolder-postgres/dev/scaffolder-client';
import { TEST_USER_HEADER } from '../../plugins/scaffolder-postgres/dev/test-user-header';
import { freePort } from './postgres';

/**
 * A template in the catalog that passes any state store and the requester's token to
 * postgres:create, as a template author could write one: what the backend must refuse or honour
 * does not depend on the template being ours.
 */
export const ANY_STORE_TEMPLATE = {
  apiVersion: 'scaffolder.backstage.io/v1beta3',
  kind: 'Template',
  metadata: { name: 'postgres-any-store', title: 'PostgreSQL in any state store' },
  spec: {
    owner: 'group:default/platform-team',
    type: 'resource',
    parameters: [{ properties: { name: { type: 'string' }, namespace: { type: 'string' }, owner: { type: 'string' }, repoUrl: { type: 'string' } } }],
    steps: [
      {
        id: 'create',
        action: 'postgres:create',
        input: {
          name: '${{ parameters.name }}',
          namespace: '${{ parameters.namespace }}',
          owner: '${{ parameters.owner }}',
          repoUrl: '${{ parameters.repoUrl }}',
          token: '${{ secrets.USER_OAUTH_TOKEN }}',
        },
      },
    ],
    output: { text: [{ title: 'Review summary', content: '${{ steps.create.output.summary }}' }] },
  },
};

export interface TaskResult {
  status: string;
  log: string;
  /** The task's whole event stream and status as the API returns them, for "never in an output" checks. */
  raw: string;
  output: Record<string, unknown>;
}

export interface TestBackend {
  baseUrl: string;
  /** What the backend printed, for a failure's message. */
  output(): string;
  /** A signed-in user's client (real sign-in through the auth backend: the token holds the catalog's groups). */
  as(user: string): Promise<ScaffolderClient>;
  runTask(client: ScaffolderClient, template: string, values: Record<string, unknown>, secrets?: Record<string, string>): Promise<TaskResult>;
  /** POST /api/scaffolder/v2/dry-run with an inline template of one step: the answer, and the files it rendered, as text. */
  dryRun(client: ScaffolderClient, step: { action: string; input: Record<string, unknown> }, secrets?: Record<string, string>): Promise<{ status: number; text: string }>;
  /** Registers a catalog file by path, as Flux plus a catalog location would after a merge; waits for the entity. */
  register(content: string, entityRef: string): Promise<any>;
  stop(): Promise<void>;
}

const ENTRY = join(__dirname, '..', '..', 'plugins', 'scaffolder-postgres', 'dist-dev', 'dev', 'test-backend.js');

/** Starts dev/test-backend.js (built by npm run build) on a free port; resolves when it says it is ready. */
async function spawnBackend(options: { stateStore: string; config?: JsonObject }): Promise<{ child: ChildProcess; baseUrl: string; token: string; output: () => string }> {
  const port = await freePort();
  const child = spawn(process.execPath, [ENTRY], {
    env: { ...process.env, NODE_ENV: 'development', POSTGRES_GITOPS_TEST_BACKEND: JSON.stringify({ port, ...options }) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', d => (output += d));
  child.stderr!.on('data', d => (output += d));
  const ready = await new Promise<RegExpExecArray>((resolve, reject) => {
    const timer = setInterval(() => {
      const match = /^ready (\S+) (\S+)$/m.exec(output);
      if (match) {
        clearInterval(timer);
        resolve(match);
      } else if (child.exitCode !== null) {
        clearInterval(timer);
        reject(new Error(`the test backend exited ${child.exitCode}:\n${output}`));
      }
    }, 100);
  });
  return { child, baseUrl: ready[1], token: ready[2], output: () => output };
}

/**
 * The demo backend (dev/backend.ts) in a process of its own, for tests: real auth with the
 * test-users sign-in, catalog, scaffolder, the permission framework and the module's default policy.
 */
export async function startTestBackend(options: { stateStore: string; config?: JsonObject }): Promise<TestBackend> {
  const work = mkdtempSync(join(tmpdir(), 'pgg-backend-'));
  const { child, baseUrl, token, output } = await spawnBackend(options);
  const backend = { baseUrl };
  const service = new ScaffolderClient(baseUrl, token);
  const clients = new Map<string, ScaffolderClient>();

  const register = async (content: string, entityRef: string) => {
    const file = join(mkdtempSync(join(work, 'entity-')), 'catalog-info.yaml');
    writeFileSync(file, content);
    const created = await service.call('POST', '/api/catalog/locations', { type: 'file', target: file });
    if (created.status !== 201) throw new Error(`registering ${entityRef}: ${created.status} ${JSON.stringify(created.body)}`);
    const [kind, rest] = entityRef.split(':');
    const deadline = Date.now() + 60_000;
    while (Date.now() < deadline) {
      const { status, body } = await service.call('GET', `/api/catalog/entities/by-name/${kind}/${rest}`);
      if (status === 200 && body.relations?.length) return body;
      await new Promise(r => setTimeout(r, 250));
    }
    throw new Error(`the catalog did not list ${entityRef}`);
  };
  await register(stringify(ANY_STORE_TEMPLATE), 'template:default/postgres-any-store');

  return {
    baseUrl,
    output,
    register,
    async as(user) {
      if (!clients.has(user)) clients.set(user, (await ScaffolderClient.signIn(backend.baseUrl, 'test-users', { [TEST_USER_HEADER]: user })).client);
      return clients.get(user)!;
    },
    async runTask(client, template, values, secrets) {
      const created = await client.call('POST', '/api/scaffolder/v2/tasks', { templateRef: `template:default/${template}`, values, ...(secrets ? { secrets } : {}) });
      if (created.status !== 201) return { status: `rejected ${created.status}`, log: JSON.stringify(created.body), raw: JSON.stringify(created.body), output: {} };
      const id = created.body.id as string;
      for (;;) {
        const task = (await client.call('GET', `/api/scaffolder/v2/tasks/${id}`)).body;
        if (task.status === 'completed' || task.status === 'failed') {
          const events = (await client.call('GET', `/api/scaffolder/v2/tasks/${id}/events`)).body as { type: string; body: { message?: string; output?: any } }[];
          const log = events.filter(e => e.type === 'log').map(e => e.body.message ?? '').join('\n');
          const output = events.find(e => e.type === 'completion')?.body.output ?? {};
          return { status: task.status, log, raw: JSON.stringify({ task, events }), output };
        }
        await new Promise(r => setTimeout(r, 250));
      }
    },
    async dryRun(client, step, secrets) {
      const template = { apiVersion: 'scaffolder.backstage.io/v1beta3', kind: 'Template', metadata: { name: 'dry-run' }, spec: { owner: 'group:default/platform-team', type: 'resource', parameters: [], steps: [{ id: 'step', name: 'step', ...step }], output: { text: [{ title: 'summary', content: '${{ steps.step.output.summary }}' }] } } };
      const { status, body } = await client.call('POST', '/api/scaffolder/v2/dry-run', { template, values: {}, directoryContents: [], ...(secrets ? { secrets } : {}) });
      // The rendered files come base64-encoded: decoded, so that what they show can be searched.
      const files = ((body?.directoryContents ?? []) as { path: string; base64Content: string }[]).map(f => `${f.path}\n${Buffer.from(f.base64Content, 'base64').toString('utf8')}`);
      return { status, text: [JSON.stringify(body), ...files].join('\n') };
    },
    async stop() {
      if (child.exitCode === null) {
        const exited = new Promise(resolve => child.once('exit', resolve));
        child.kill('SIGTERM');
        await exited;
      }
      rmSync(work, { recursive: true, force: true });
    },
  };
}

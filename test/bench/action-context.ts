import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const silent = { info() {}, warn() {}, error() {}, debug() {}, child: () => silent };

/** The scaffolder's action context, reduced to what the benchmarked actions use. */
export function benchActionContext(input: Record<string, unknown>, workspacePath: string) {
  return {
    input,
    workspacePath,
    logger: silent,
    output() {},
    async checkpoint(opts: { fn: () => Promise<unknown> }) {
      return opts.fn();
    },
    async createTemporaryDirectory() {
      return mkdtempSync(join(tmpdir(), 'bench-action-tmp-'));
    },
    async getInitiatorCredentials() {
      return { $$type: '@backstage/BackstageCredentials', principal: { type: 'none' } };
    },
    task: { id: 'bench' },
  } as never;
}

import { execFileSync, spawnSync } from 'node:child_process';
import { join } from 'node:path';

const ROOT = join(__dirname, '..');

/** `npx postgres-gitops` works from the repository root right after `npm install` (postinstall builds). */
describe('npx postgres-gitops', () => {
  it('renders the seed example', () => {
    const out = execFileSync('npx', ['--no-install', 'postgres-gitops', 'render', 'renderer/examples/basic.yaml'], { cwd: ROOT, encoding: 'utf8' });
    expect(out).toContain('kind: StatefulSet');
  });

  it('exits 2 with a one-line error and no stack trace on invalid input', () => {
    const result = spawnSync('npx', ['--no-install', 'postgres-gitops', 'render', 'renderer/examples/platform.yaml'], { cwd: ROOT, encoding: 'utf8' });
    expect(result.status).toBe(2);
    expect(result.stderr).toContain('apiVersion: is required');
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });
});

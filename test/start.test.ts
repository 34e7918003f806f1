import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createConnection } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './support/postgres';

/**
 * `npm start` as a person runs it, and SIGTERM as a terminal or a process manager sends it. Both
 * servers on free ports and the state store in a directory of the test's own, so another
 * program on 7007 or 3000 (or another run) does not matter; it waits for the servers' own
 * "ready" line (the frontend build comes first and can take minutes on a busy machine), and
 * fails at once with the output if npm start exits instead.
 */
jest.setTimeout(600_000);

const listening = (port: number) =>
  new Promise<boolean>(resolve => {
    const socket = createConnection({ port, host: '127.0.0.1' }, () => {
      socket.destroy();
      resolve(true);
    });
    socket.on('error', () => resolve(false));
  });

it('SIGTERM to npm start stops everything it started: both ports are free again', async () => {
  const [port, appPort] = [await freePort(), await freePort()];
  const work = mkdtempSync(join(tmpdir(), 'pgg-start-'));
  const npm = spawn('npm', ['start'], {
    cwd: join(__dirname, '..'),
    env: { ...process.env, PORT: String(port), APP_PORT: String(appPort), STATE_STORE: join(work, 'state-store.git') },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  try {
    let output = '';
    npm.stdout.on('data', d => (output += d));
    npm.stderr.on('data', d => (output += d));
    const exited = new Promise<never>((_, reject) => npm.once('exit', code => reject(new Error(`npm start exited (${code}) before it was ready:\n${output}`))));
    const ready = new Promise<void>(resolve => {
      const check = () => (output.includes('Ctrl-C stops it') ? resolve() : setTimeout(check, 200));
      check();
    });
    await Promise.race([ready, exited]);
    expect(await listening(port)).toBe(true);
    expect(await listening(appPort)).toBe(true);
    expect(output).toContain(`Backstage backend with postgres:create on http://localhost:${port}`);
    expect(output).toContain(`Backstage frontend: http://localhost:${appPort}/create`);

    npm.kill('SIGTERM');
    let free = false;
    for (let i = 0; i < 100 && !free; i++) {
      await new Promise(r => setTimeout(r, 200));
      free = !(await listening(port)) && !(await listening(appPort));
    }
    expect(free).toBe(true);
  } finally {
    if (npm.exitCode === null) npm.kill('SIGKILL');
    rmSync(work, { recursive: true, force: true });
  }
});

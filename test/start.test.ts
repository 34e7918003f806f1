import { spawn } from 'node:child_process';
import { createConnection } from 'node:net';
import { join } from 'node:path';
import { freePort } from './support/postgres';

/** `npm start` as a person runs it, and SIGTERM as a terminal or a process manager sends it. */
jest.setTimeout(120_000);

const listening = (port: number) =>
  new Promise<boolean>(resolve => {
    const socket = createConnection({ port, host: '127.0.0.1' }, () => {
      socket.destroy();
      resolve(true);
    });
    socket.on('error', () => resolve(false));
  });

it('SIGTERM to npm start stops everything it started: the port is free again', async () => {
  const port = await freePort();
  const npm = spawn('npm', ['start'], { cwd: join(__dirname, '..'), env: { ...process.env, PORT: String(port) }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  npm.stdout.on('data', d => (output += d));
  npm.stderr.on('data', d => (output += d));
  const deadline = Date.now() + 90_000;
  while (!output.includes('Ctrl-C stops it') && Date.now() < deadline) await new Promise(r => setTimeout(r, 200));
  expect(await listening(port)).toBe(true);
  expect(output).toContain(`Backstage backend with postgres:create on http://localhost:${port}`);

  npm.kill('SIGTERM');
  let free = false;
  for (let i = 0; i < 50 && !free; i++) {
    await new Promise(r => setTimeout(r, 200));
    free = !(await listening(port));
  }
  expect(free).toBe(true);
});

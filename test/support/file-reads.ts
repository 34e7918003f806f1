import { execFileSync, spawn } from 'node:child_process';
import { aptInstall } from './apt';

export interface FileReads {
  /** Files opened or read under the directory since the watch began, as "path EVENTS". */
  events(): string[];
  stop(): Promise<void>;
}

/**
 * Watches a directory with the kernel's inotify (inotifywait from Debian's inotify-tools): every
 * open and read of a file under it, by any process, is seen; so "nothing read this repository"
 * is an observation, not an assumption.
 */
export async function watchFileReads(directory: string): Promise<FileReads> {
  try {
    execFileSync('inotifywait', ['--help'], { stdio: 'ignore' });
  } catch (error) {
    // inotifywait --help exits 1 when present; ENOENT when missing.
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') aptInstall(['inotify-tools']);
  }
  const child = spawn('inotifywait', ['--monitor', '--recursive', '--event', 'open,access', '--format', '%w%f %e', directory], { stdio: ['ignore', 'pipe', 'pipe'] });
  const lines: string[] = [];
  let out = '';
  child.stdout.on('data', chunk => {
    out += chunk;
    const parts = out.split('\n');
    out = parts.pop()!;
    lines.push(...parts.filter(Boolean));
  });
  await new Promise<void>((resolve, reject) => {
    let err = '';
    child.stderr.on('data', chunk => {
      err += chunk;
      if (err.includes('Watches established')) resolve();
    });
    child.once('exit', code => reject(new Error(`inotifywait exited ${code}: ${err}`)));
  });
  return {
    events: () => [...lines],
    stop: () =>
      new Promise<void>(resolve => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

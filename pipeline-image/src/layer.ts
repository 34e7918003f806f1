import { execFileSync } from 'node:child_process';

export interface LayerOptions {
  /** Every entry's modification time, in seconds since the epoch. */
  mtime: number;
  /**
   * Files 0644, or 0755 when anyone may execute them; directories 0755 (npm and the umask leave
   * modes that differ between machines). Off for the Debian root filesystem, whose modes
   * (/tmp 1777) are the packages'.
   */
  normalizeModes: boolean;
}

/**
 * An uncompressed layer archive of `root` that depends on nothing but its contents: entries in
 * byte order of their names, one mtime, owner root, no atime or ctime, and extended headers
 * (long node_modules paths) under a name without the process id GNU tar puts there by default.
 */
export function tarLayer(root: string, out: string, options: LayerOptions): void {
  execFileSync('tar', [
    '--create',
    `--file=${out}`,
    `--directory=${root}`,
    '--sort=name',
    '--format=pax',
    '--pax-option=exthdr.name=%d/PaxHeaders/%f,delete=atime,delete=ctime',
    `--mtime=@${options.mtime}`,
    '--owner=0',
    '--group=0',
    '--numeric-owner',
    ...(options.normalizeModes ? ['--mode=u=rwX,go=rX'] : []),
    '.',
  ], { env: { ...process.env, LC_ALL: 'C' } });
}

import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { aptInstall } from './apt';

/**
 * PostgreSQL client tools (pg_basebackup, pg_dump, pg_dumpall, pg_restore) of a major newer than
 * the image's 15: pg_basebackup and pg_dump must be at least the server's major, the npm
 * packages ship servers only, and no registry these machines reach has them built for bookworm.
 * So they are built from PostgreSQL's source as Debian's archive ships it (a registry these
 * machines reach): the suite's InRelease is checked with gpgv against the image's Debian
 * keyring, Sources.xz against InRelease, the tarball against Sources.xz. Built once into
 * .native/pg-client-<major> (ignored by git) and reused; about 40 seconds on two cores, with
 * Debian's bison and flex (PostgreSQL's tarballs carry no generated parsers since 17).
 */
const ARCHIVE = 'http://deb.debian.org/debian';
const KEYRING = '/usr/share/keyrings/debian-archive-keyring.gpg';
/** Suites that carry a postgresql-<major> source package, newest first. */
const SUITES = ['sid', 'forky', 'trixie-backports'];
const ROOT = join(__dirname, '..', '..', '.native');

async function download(url: string): Promise<Buffer> {
  const response = await fetch(url, { signal: AbortSignal.timeout(300_000) });
  if (!response.ok) throw new Error(`${url}: HTTP ${response.status}`);
  return Buffer.from(await response.arrayBuffer());
}

const sha256 = (data: Buffer) => createHash('sha256').update(data).digest('hex');

/** The source tarball of postgresql-<major> in a suite, with its SHA-256 from the signed index; undefined when the suite lacks it. */
async function findSource(work: string, suite: string, major: string): Promise<{ url: string; sha256: string } | undefined> {
  const inRelease = join(work, `${suite}-InRelease`);
  writeFileSync(inRelease, await download(`${ARCHIVE}/dists/${suite}/InRelease`));
  // gpgv fails unless the signature is good, and then prints the signed text.
  const release = execFileSync('gpgv', ['--keyring', KEYRING, '--output', '-', inRelease], { stdio: ['ignore', 'pipe', 'ignore'] }).toString();
  const listed = new RegExp(`^ ([0-9a-f]{64}) +\\d+ main/source/Sources\\.xz$`, 'm').exec(release.slice(release.indexOf('SHA256:')));
  if (!listed) throw new Error(`${suite}: InRelease lists no main/source/Sources.xz`);
  const sourcesXz = await download(`${ARCHIVE}/dists/${suite}/main/source/Sources.xz`);
  if (sha256(sourcesXz) !== listed[1]) throw new Error(`${suite}: Sources.xz does not match its SHA-256 in InRelease`);
  const sources = execFileSync('xz', ['-dc'], { input: sourcesXz, maxBuffer: 1 << 30 }).toString();
  const stanza = sources.split('\n\n').find(s => s.startsWith(`Package: postgresql-${major}\n`));
  if (!stanza) return undefined;
  const directory = /^Directory: (.+)$/m.exec(stanza)![1];
  const checksums = stanza.slice(stanza.indexOf('Checksums-Sha256:'));
  const tarball = /^ ([0-9a-f]{64}) \d+ (postgresql-\d+_[\d.]+\.orig\.tar\.bz2)$/m.exec(checksums);
  if (!tarball) throw new Error(`${suite}: postgresql-${major} has no .orig.tar.bz2`);
  return { url: `${ARCHIVE}/${directory}/${tarball[2]}`, sha256: tarball[1] };
}

/** Configured for its final place (the binaries find libpq there), installed under DESTDIR. */
function build(work: string, tarball: string, prefix: string, destdir: string): void {
  if (!existsSync('/usr/bin/bison') || !existsSync('/usr/bin/flex')) aptInstall(['bison', 'flex']);
  execFileSync('tar', ['xjf', tarball, '-C', work]);
  const source = join(work, execFileSync('tar', ['tjf', tarball]).toString().split('\n')[0].split('/')[0]);
  const sh = (command: string, args: string[]) => execFileSync(command, args, { cwd: source, stdio: 'ignore', timeout: 1_200_000 });
  sh('./configure', [
    `--prefix=${prefix}`,
    '--without-icu',
    '--without-readline',
    ...(existsSync('/usr/include/zlib.h') ? [] : ['--without-zlib']),
    ...(existsSync('/usr/include/openssl/ssl.h') ? ['--with-ssl=openssl'] : []),
  ]);
  const jobs = `-j${Math.max(2, cpus().length)}`;
  for (const dir of ['src/interfaces/libpq', 'src/bin/pg_dump', 'src/bin/pg_basebackup']) sh('make', [jobs, '-C', dir, 'install', `DESTDIR=${destdir}`]);
}

/** The bin directory of the client tools of `major`, built on first use. */
export async function ensureClientTools(major: string): Promise<string> {
  const prefix = join(ROOT, `pg-client-${major}`);
  const bin = join(prefix, 'bin');
  if (existsSync(join(bin, 'pg_basebackup'))) return bin;
  mkdirSync(ROOT, { recursive: true });
  const work = mkdtempSync(join(ROOT, `pg-client-${major}-build-`));
  try {
    let source: { url: string; sha256: string } | undefined;
    for (const suite of SUITES) if ((source = await findSource(work, suite, major))) break;
    if (!source) throw new Error(`no suite of Debian's archive (${SUITES.join(', ')}) carries postgresql-${major}'s source`);
    const tarball = await download(source.url);
    if (sha256(tarball) !== source.sha256) throw new Error(`${source.url} does not match its SHA-256 in Sources.xz`);
    writeFileSync(join(work, 'source.tar.bz2'), tarball);
    // Installed under the build directory, then moved in whole: a concurrent run sees all or nothing.
    const destdir = join(work, 'install');
    build(work, join(work, 'source.tar.bz2'), prefix, destdir);
    try {
      renameSync(join(destdir, prefix), prefix);
    } catch (error) {
      // Another jest worker built the same major and moved it in first: theirs serves.
      if (!existsSync(join(bin, 'pg_basebackup'))) throw error;
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  return bin;
}

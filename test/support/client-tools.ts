import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { aptInstall } from './apt';

/**
 * PostgreSQL client tools (pg_basebackup, pg_dump, pg_dumpall, pg_restore) of a major other than
 * the image's 15: pg_basebackup and pg_dump must be at least the server's major, an image ships its
 * own major's, the npm packages ship servers only, and no registry these machines reach has them
 * built for bookworm. So they are built from PostgreSQL's source as a distribution's archive ships
 * it: Debian's for 13 (bullseye), 17 (trixie) and 18 (sid), Ubuntu's for 14 (jammy-updates),
 * 16 (noble-updates) and 17 (questing, where trixie's mirror here does not serve the file). Each suite's InRelease is checked with gpgv against the archive's keyring,
 * Sources.xz against InRelease, the tarball against Sources.xz. Ubuntu's keyring is not in the
 * image: it is Debian's ubuntu-keyring package (bookworm-backports, or a newer suite), checked the same way (InRelease
 * against the image's Debian keyring, Packages.xz against InRelease, the .deb against Packages.xz).
 * Built once into .native/pg-client-<major> (ignored by git) and reused; about 75 seconds for the
 * first major on two cores and 40 for each after (configure's cache, below), with Debian's bison and flex (PostgreSQL's tarballs carry no generated parsers
 * since 17).
 */
const DEBIAN = 'http://deb.debian.org/debian';
const UBUNTU = 'http://archive.ubuntu.com/ubuntu';
const DEBIAN_KEYRING = '/usr/share/keyrings/debian-archive-keyring.gpg';
const ROOT = join(__dirname, '..', '..', '.native');
const UBUNTU_KEYRING = join(ROOT, 'ubuntu-archive-keyring.gpg');

interface Suite {
  archive: string;
  name: string;
  /** The keyring InRelease is checked against, fetched first when it has to be. */
  keyring: () => Promise<string>;
}
const debian = (name: string): Suite => ({ archive: DEBIAN, name, keyring: async () => DEBIAN_KEYRING });
const ubuntu = (name: string): Suite => ({ archive: UBUNTU, name, keyring: ensureUbuntuKeyring });
/** The suites that carry each major's postgresql-<major> source package, in order of preference. */
const SUITES: Record<string, Suite[]> = {
  '13': [debian('bullseye')],
  '14': [ubuntu('jammy-updates'), ubuntu('jammy')],
  '16': [ubuntu('noble-updates'), ubuntu('noble')],
  '17': [debian('trixie'), ubuntu('questing-updates'), ubuntu('questing')],
  '18': [debian('sid'), debian('forky'), debian('trixie-backports')],
};

async function download(url: string): Promise<Buffer> {
  const response = await fetch(url, { signal: AbortSignal.timeout(300_000) });
  if (!response.ok) throw new Error(`${url}: HTTP ${response.status}`);
  return Buffer.from(await response.arrayBuffer());
}

const sha256 = (data: Buffer) => createHash('sha256').update(data).digest('hex');

/** A suite's InRelease, its signature checked; gpgv fails unless it is good, and then prints the signed text. */
async function signedRelease(work: string, archive: string, suite: string, keyring: string): Promise<string> {
  const inRelease = join(work, `${suite}-InRelease`);
  writeFileSync(inRelease, await download(`${archive}/dists/${suite}/InRelease`));
  return execFileSync('gpgv', ['--keyring', keyring, '--output', '-', inRelease], { stdio: ['ignore', 'pipe', 'ignore'] }).toString();
}

/** An index file named in a signed InRelease, checked against its SHA-256 there and unpacked. */
async function signedIndex(release: string, archive: string, suite: string, file: string): Promise<string> {
  const escaped = file.replace(/[.]/g, '\\.');
  const listed = new RegExp(`^ ([0-9a-f]{64}) +\\d+ ${escaped}$`, 'm').exec(release.slice(release.indexOf('SHA256:')));
  if (!listed) throw new Error(`${suite}: InRelease lists no ${file}`);
  const xz = await download(`${archive}/dists/${suite}/${file}`);
  if (sha256(xz) !== listed[1]) throw new Error(`${suite}: ${file} does not match its SHA-256 in InRelease`);
  return execFileSync('xz', ['-dc'], { input: xz, maxBuffer: 1 << 30 }).toString();
}

/** Debian suites that carry ubuntu-keyring, in order of preference (the first whose signed index checks out serves). */
const KEYRING_SUITES = ['bookworm-backports', 'sid', 'forky', 'trixie'];

/** Ubuntu's archive keyring, from Debian's ubuntu-keyring package (ubuntu-archive-keyring is only its documentation); fetched once. */
async function ensureUbuntuKeyring(): Promise<string> {
  if (existsSync(UBUNTU_KEYRING)) return UBUNTU_KEYRING;
  mkdirSync(ROOT, { recursive: true });
  const work = mkdtempSync(join(ROOT, 'ubuntu-keyring-'));
  const missed: string[] = [];
  try {
    for (const suite of KEYRING_SUITES) {
      try {
        const release = await signedRelease(work, DEBIAN, suite, DEBIAN_KEYRING);
        const packages = await signedIndex(release, DEBIAN, suite, 'main/binary-all/Packages.xz');
        const stanza = packages.split('\n\n').find(s => s.startsWith('Package: ubuntu-keyring\n'));
        if (!stanza) throw new Error('no ubuntu-keyring package');
        const deb = await download(`${DEBIAN}/${/^Filename: (.+)$/m.exec(stanza)![1]}`);
        if (sha256(deb) !== /^SHA256: ([0-9a-f]{64})$/m.exec(stanza)![1]) throw new Error('the .deb does not match its SHA-256 in Packages.xz');
        writeFileSync(join(work, 'keyring.deb'), deb);
        execFileSync('dpkg-deb', ['-x', join(work, 'keyring.deb'), join(work, 'root')]);
        // Moved in whole: a concurrent worker sees all or nothing.
        renameSync(join(work, 'root', 'usr', 'share', 'keyrings', 'ubuntu-archive-keyring.gpg'), UBUNTU_KEYRING);
        return UBUNTU_KEYRING;
      } catch (error) {
        missed.push(`${suite}: ${(error as Error).message}`);
      }
    }
    throw new Error(`Ubuntu's archive keyring could not be had from Debian (${missed.join('; ')})`);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

/** The source tarball of postgresql-<major> in a suite, with its SHA-256 from the signed index; undefined when the suite lacks it. */
async function findSource(work: string, suite: Suite, major: string): Promise<{ url: string; sha256: string } | undefined> {
  const release = await signedRelease(work, suite.archive, suite.name, await suite.keyring());
  const sources = await signedIndex(release, suite.archive, suite.name, 'main/source/Sources.xz');
  const stanza = sources.split('\n\n').find(s => s.startsWith(`Package: postgresql-${major}\n`));
  if (!stanza) return undefined;
  const directory = /^Directory: (.+)$/m.exec(stanza)![1];
  const checksums = stanza.slice(stanza.indexOf('Checksums-Sha256:'));
  const tarball = /^ ([0-9a-f]{64}) \d+ (postgresql-\d+_[\d.]+\.orig\.tar\.(?:bz2|gz))$/m.exec(checksums);
  if (!tarball) throw new Error(`${suite.name}: postgresql-${major} has no .orig.tar.bz2 or .orig.tar.gz`);
  return { url: `${suite.archive}/${directory}/${tarball[2]}`, sha256: tarball[1] };
}

/**
 * configure's answers about this machine (headers, functions, type sizes, compiler flags), kept
 * from one major's build for the next: with them configure takes about 9 s instead of 39 s.
 * They are facts about the machine, not the version (checked: 14 configured with 13's cache
 * writes the same pg_config.h as without it, but for the arguments it records). A configure that
 * fails with them runs again without.
 */
const CONFIGURE_CACHE = join(ROOT, 'pg-configure.cache');

function configure(work: string, sh: (command: string, args: string[]) => void, args: string[]): void {
  const cache = join(work, 'config.cache');
  if (existsSync(CONFIGURE_CACHE)) {
    copyFileSync(CONFIGURE_CACHE, cache);
    try {
      sh('./configure', [...args, `--cache-file=${cache}`]);
      return;
    } catch {
      rmSync(cache, { force: true });
    }
  }
  sh('./configure', [...args, `--cache-file=${cache}`]);
  // Moved in whole: a build running beside this one reads all of it or none.
  copyFileSync(cache, `${cache}.done`);
  renameSync(`${cache}.done`, CONFIGURE_CACHE);
}

/** Configured for its final place (the binaries find libpq there), installed under DESTDIR. */
function build(work: string, tarball: string, major: string, prefix: string, destdir: string): void {
  if (!existsSync('/usr/bin/bison') || !existsSync('/usr/bin/flex')) aptInstall(['bison', 'flex']);
  execFileSync('tar', ['xf', tarball, '-C', work]);
  const source = join(work, execFileSync('tar', ['tf', tarball]).toString().split('\n')[0].split('/')[0]);
  const sh = (command: string, args: string[]) => execFileSync(command, args, { cwd: source, stdio: 'ignore', timeout: 1_200_000 });
  configure(work, sh, [
    `--prefix=${prefix}`,
    '--without-icu',
    '--without-readline',
    ...(existsSync('/usr/include/zlib.h') ? [] : ['--without-zlib']),
    // --with-ssl came in 14; 13 knows only --with-openssl.
    ...(existsSync('/usr/include/openssl/ssl.h') ? [Number(major) < 14 ? '--with-openssl' : '--with-ssl=openssl'] : []),
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
    // The first suite whose index lists the source and whose mirror serves it (not every mirror
    // this machine reaches serves every file its index lists).
    const suites = SUITES[major] ?? [];
    const missed: string[] = [];
    let tarball: Buffer | undefined;
    // A mirror's index or file out of step with its signature counts as missing: never used, the next suite is tried.
    for (const suite of suites) {
      try {
        const source = await findSource(work, suite, major);
        if (!source) throw new Error('not listed');
        const candidate = await download(source.url);
        if (sha256(candidate) !== source.sha256) throw new Error(`${source.url} does not match its SHA-256 in Sources.xz`);
        tarball = candidate;
        break;
      } catch (error) {
        missed.push(`${suite.name}: ${(error as Error).message}`);
      }
    }
    if (!tarball) throw new Error(`no source of postgresql-${major} could be had (${missed.join('; ') || 'no suite known'})`);
    writeFileSync(join(work, 'source.tar'), tarball);
    // Installed under the build directory, then moved in whole: a concurrent run sees all or nothing.
    const destdir = join(work, 'install');
    build(work, join(work, 'source.tar'), major, prefix, destdir);
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

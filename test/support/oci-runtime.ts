import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statfsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Runs an OCI image the way Kratix schedules a pipeline container, with Debian's crun (the
 * runtime podman uses): the pod's three emptyDir volumes at /kratix/input (read-only),
 * /kratix/output and /kratix/metadata, the workflow's environment, and the restricted
 * securityContext Kratix applies to its own containers (api/v1alpha1/pipeline_factory.go,
 * pipeline_types.go, syntasso/kratix at ae170e22): uid 65534, no capabilities, no privilege
 * escalation, a read-only root filesystem, and its default limits of 200m CPU and 256Mi memory.
 * The network namespace is a new one holding only a loopback interface: no network.
 *
 * Why crun and not podman here: this machine's cgroups are a hybrid (v1 controllers, and a v2
 * hierarchy with the hugetlb controller at /sys/fs/cgroup/unified), which crun refuses
 * (src/libcrun/cgroup.c, libcrun_cgroup_enter, crun 1.8.1: "cgroups in hybrid mode not
 * supported, drop all controllers from cgroupv2"); crun runs in a private mount namespace where
 * that v2 hierarchy is unmounted, so it sees plain v1 and applies the limits there. Podman's own
 * rlimits (RLIMIT_NOFILE, RLIMIT_NPROC) fail with EPERM because the sandbox has no
 * CAP_SYS_RESOURCE, with any --ulimit; crun with a spec of our own sets none.
 */

/** Kratix's default resource limits for pipeline containers (pipeline_types.go, DefaultResourceRequirements). */
export const KRATIX_LIMITS = { cpuMillis: 200, memoryBytes: 256 * 1024 * 1024 };

export interface ImageRuntimeConfig {
  Entrypoint?: string[];
  Cmd?: string[];
  Env?: string[];
  User?: string;
}

/** Unpacks an image of an OCI layout into `bundle`/rootfs with umoci; returns its runtime config. */
export function unpackImage(layout: string, tag: string, bundle: string): ImageRuntimeConfig {
  rmSync(bundle, { recursive: true, force: true });
  execFileSync('umoci', ['unpack', '--image', `${layout}:${tag}`, bundle], { stdio: ['ignore', 'ignore', 'pipe'] });
  // umoci writes a runtime spec of its own; ours (below) replaces it, from the image's config.
  const spec = JSON.parse(readFileSync(join(bundle, 'config.json'), 'utf8'));
  const process = spec.process as { args: string[]; env: string[]; user: { uid: number; gid: number } };
  return { Entrypoint: process.args, Env: process.env, User: `${process.user.uid}:${process.user.gid}` };
}

export interface RunOptions {
  bundle: string;
  image: ImageRuntimeConfig;
  /** The request object Kratix's reader container writes to /kratix/input/object.yaml. */
  objectYaml?: string;
  env: Record<string, string>;
  /** Host directory holding input/, output/, metadata/ (made fresh). */
  volumes: string;
  /** Replaces the image's entrypoint and command (probes). */
  args?: string[];
  limits?: boolean;
}

export interface RunResult {
  status: number;
  stdout: string;
  stderr: string;
  output: Record<string, string>;
  metadata: Record<string, string>;
}

/** Every file under `dir`, relative path -> content. */
export function readTree(dir: string, prefix = ''): Record<string, string> {
  const files: Record<string, string> = {};
  if (!existsSync(dir)) return files;
  for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
    if (entry.isDirectory()) Object.assign(files, readTree(join(dir, entry.name), `${prefix}${entry.name}/`));
    else files[`${prefix}${entry.name}`] = readFileSync(join(dir, entry.name), 'utf8');
  }
  return files;
}

const CGROUP2_MAGIC = 0x63677270;

/** The v2 hierarchy of a hybrid layout that holds controllers, which crun refuses; undefined otherwise. */
function hybridUnified(): string | undefined {
  const unified = '/sys/fs/cgroup/unified';
  try {
    if (statfsSync(unified).type !== CGROUP2_MAGIC) return undefined;
    return readFileSync(join(unified, 'cgroup.controllers'), 'utf8').trim() ? unified : undefined;
  } catch {
    return undefined;
  }
}

function runtimeSpec(options: RunOptions, mountsDir: string, id: string) {
  const [uid, gid] = (options.image.User ?? '0:0').split(':').map(Number);
  const args = options.args ?? [...(options.image.Entrypoint ?? []), ...(options.image.Cmd ?? [])];
  const bind = (source: string, destination: string, readonly: boolean) => ({
    destination, type: 'bind', source, options: ['rbind', 'nosuid', 'nodev', 'noexec', readonly ? 'ro' : 'rw'],
  });
  const limits = options.limits ?? true;
  return {
    ociVersion: '1.0.2',
    process: {
      terminal: false,
      user: { uid, gid },
      args,
      env: [...(options.image.Env ?? []), ...Object.entries(options.env).map(([k, v]) => `${k}=${v}`)],
      cwd: '/',
      capabilities: { bounding: [], effective: [], inheritable: [], permitted: [], ambient: [] },
      noNewPrivileges: true,
    },
    root: { path: 'rootfs', readonly: true },
    hostname: 'pipeline',
    mounts: [
      { destination: '/proc', type: 'proc', source: 'proc' },
      { destination: '/dev', type: 'tmpfs', source: 'tmpfs', options: ['nosuid', 'strictatime', 'mode=755', 'size=65536k'] },
      { destination: '/dev/pts', type: 'devpts', source: 'devpts', options: ['nosuid', 'noexec', 'newinstance', 'ptmxmode=0666', 'mode=0620'] },
      { destination: '/dev/shm', type: 'tmpfs', source: 'shm', options: ['nosuid', 'noexec', 'nodev', 'mode=1777', 'size=65536k'] },
      { destination: '/sys', type: 'sysfs', source: 'sysfs', options: ['nosuid', 'noexec', 'nodev', 'ro'] },
      bind(join(mountsDir, 'input'), '/kratix/input', true),
      bind(join(mountsDir, 'output'), '/kratix/output', false),
      bind(join(mountsDir, 'metadata'), '/kratix/metadata', false),
    ],
    linux: {
      namespaces: ['pid', 'network', 'ipc', 'uts', 'mount'].map(type => ({ type })),
      // At the root of each hierarchy, so crun delete leaves no directory behind.
      cgroupsPath: `/${id}`,
      resources: {
        devices: [{ allow: false, access: 'rwm' }],
        ...(limits ? {
          memory: { limit: KRATIX_LIMITS.memoryBytes },
          cpu: { quota: KRATIX_LIMITS.cpuMillis * 100, period: 100_000 },
        } : {}),
      },
      maskedPaths: ['/proc/acpi', '/proc/kcore', '/proc/keys', '/proc/latency_stats', '/proc/timer_list', '/proc/timer_stats', '/proc/sched_debug', '/proc/scsi', '/sys/firmware'],
      readonlyPaths: ['/proc/asound', '/proc/bus', '/proc/fs', '/proc/irq', '/proc/sys', '/proc/sysrq-trigger'],
    },
  };
}

let runs = 0;

/** Runs the container to completion (crun run, attached); returns its exit status, output and the volumes' files. */
export function runContainer(options: RunOptions): RunResult {
  const mounts = options.volumes;
  rmSync(mounts, { recursive: true, force: true });
  for (const dir of ['input', 'output', 'metadata']) {
    mkdirSync(join(mounts, dir), { recursive: true });
    chmodSync(join(mounts, dir), 0o777); // an emptyDir is world-writable; the container runs as 65534
  }
  if (options.objectYaml !== undefined) writeFileSync(join(mounts, 'input', 'object.yaml'), options.objectYaml);
  const id = `pg-gitops-${process.pid}-${++runs}`;
  writeFileSync(join(options.bundle, 'config.json'), JSON.stringify(runtimeSpec(options, mounts, id), null, 2));
  const hidden = hybridUnified();
  const command = hidden
    ? ['unshare', ['--mount', '--propagation', 'private', 'sh', '-c', `umount ${hidden} && exec crun run --bundle "$0" "$1"`, options.bundle, id]] as const
    : ['crun', ['run', '--bundle', options.bundle, id]] as const;
  const result = spawnSync(command[0], [...command[1]], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 120_000 });
  spawnSync('crun', ['delete', '--force', id], { stdio: 'ignore' });
  return {
    status: result.status ?? -1,
    stdout: result.stdout,
    stderr: result.stderr,
    output: readTree(join(mounts, 'output')),
    metadata: readTree(join(mounts, 'metadata')),
  };
}

import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { UsageError } from './exit-codes';

const PINNED = /@sha256:[0-9a-f]{64}$/;

function readManifest(ref: string, env: NodeJS.ProcessEnv): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    // CONTAINERS_REGISTRIES_CONF is the containers tools' variable for registries.conf; skopeo before 1.10 reads only the flag.
    const conf = env.CONTAINERS_REGISTRIES_CONF ? ['--registries-conf', env.CONTAINERS_REGISTRIES_CONF] : [];
    execFile('skopeo', [...conf, 'inspect', '--raw', '--retry-times=1', `docker://${ref}`], { env, encoding: 'buffer', timeout: 60_000, maxBuffer: 8 * 1024 * 1024 }, (error, stdout, stderr) => {
      if (!error) return resolve(stdout);
      const missing = (error as NodeJS.ErrnoException).code === 'ENOENT';
      const said = String(stderr).trim().split('\n').pop()?.replace(/^time="[^"]*" level=\w+ msg="?/, '').replace(/"$/, '').replace(/\\"/g, '"');
      reject(new Error(missing ? 'skopeo is not installed (apt-get install skopeo)' : said || error.message));
    });
  });
}

/**
 * `ref` pinned to what its tag names now, as `<ref>@sha256:<digest>` (Kubernetes pulls by the
 * digest and keeps the tag for people). The digest is the SHA-256 of the manifest the registry
 * serves for the tag, read with `skopeo inspect --raw`: a multi-platform index is pinned as a
 * whole, and skopeo brings the registries' credentials (containers-auth.json, Docker's
 * config.json) and settings (registries.conf, CONTAINERS_REGISTRIES_CONF, insecure local registries) that `podman` and CI
 * already use. A reference that carries a digest is kept as it is, without any network: that is
 * how a Promise is generated offline.
 */
export async function pinImage(ref: string, env: NodeJS.ProcessEnv): Promise<string> {
  if (PINNED.test(ref)) return ref;
  let manifest: Buffer;
  try {
    manifest = await readManifest(ref, env);
  } catch (error) {
    throw new UsageError(`--image ${ref}: cannot read its manifest to pin a digest: ${(error as Error).message}. Push the image first, or pass ${ref}@sha256:<digest> to generate the Promise offline`);
  }
  return `${ref}@sha256:${createHash('sha256').update(manifest).digest('hex')}`;
}

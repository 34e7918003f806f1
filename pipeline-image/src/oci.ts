import { execFileSync } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';

export interface ImageConfig {
  tag: string;
  /** RFC 3339; the config's and every history entry's time. */
  created: string;
  user: string;
  entrypoint: string[];
  cmd: string[];
  env: string[];
  workingDir: string;
  labels: Record<string, string>;
}

export interface LayerInput {
  tar: string;
  createdBy: string;
}

const umoci = (...args: string[]) => execFileSync('umoci', args, { stdio: ['ignore', 'ignore', 'pipe'] });

/**
 * An OCI image layout at `layout` from uncompressed layer archives, assembled by umoci without
 * a daemon or a base image: umoci gzips each layer and writes the config, manifest and index.
 * Every time in them is `created`, so nothing depends on when the build ran.
 */
export function assembleImage(layout: string, layers: LayerInput[], config: ImageConfig): string {
  rmSync(layout, { recursive: true, force: true });
  const image = `${layout}:${config.tag}`;
  umoci('init', '--layout', layout);
  umoci('new', '--image', image);
  for (const layer of layers) {
    umoci('raw', 'add-layer', '--image', image, '--history.created', config.created, '--history.created_by', layer.createdBy, layer.tar);
  }
  const labels = Object.entries(config.labels).sort(([a], [b]) => (a < b ? -1 : 1));
  umoci('config', '--image', image, '--no-history',
    '--created', config.created,
    '--architecture', 'amd64', '--os', 'linux',
    '--config.user', config.user,
    '--config.workingdir', config.workingDir,
    ...config.env.flatMap(e => ['--config.env', e]),
    ...config.entrypoint.flatMap(e => ['--config.entrypoint', e]),
    ...config.cmd.flatMap(c => ['--config.cmd', c]),
    ...labels.flatMap(([k, v]) => ['--config.label', `${k}=${v}`]),
    ...labels.flatMap(([k, v]) => ['--manifest.annotation', `${k}=${v}`]));
  umoci('gc', '--layout', layout);
  return manifestDigest(layout, config.tag);
}

interface Index {
  manifests: { digest: string; size: number; annotations?: Record<string, string> }[];
}

/** The digest of the manifest tagged `tag` in an OCI layout. */
export function manifestDigest(layout: string, tag: string): string {
  const index = JSON.parse(readFileSync(join(layout, 'index.json'), 'utf8')) as Index;
  const entry = index.manifests.find(m => m.annotations?.['org.opencontainers.image.ref.name'] === tag);
  if (!entry) throw new Error(`${layout}: no manifest tagged ${tag}`);
  return entry.digest;
}

export const blobPath = (layout: string, digest: string) => join(layout, 'blobs', ...digest.split(':'));

/** The image's manifest and config, as stored. */
export function readImage(layout: string, tag: string) {
  const digest = manifestDigest(layout, tag);
  const manifest = JSON.parse(readFileSync(blobPath(layout, digest), 'utf8')) as { config: { digest: string }; layers: { digest: string; size: number }[] };
  const config = JSON.parse(readFileSync(blobPath(layout, manifest.config.digest), 'utf8')) as {
    created: string;
    config: { User: string; Entrypoint: string[]; Cmd: string[]; Env: string[]; Labels: Record<string, string> };
    rootfs: { diff_ids: string[] };
  };
  return { digest, manifest, config };
}

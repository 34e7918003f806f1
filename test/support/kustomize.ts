import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { parse, parseAllDocuments, stringify } from 'yaml';
import type { RenderedDatabase } from '@postgres-gitops/renderer';

/** The files of a state store written to a temporary directory for `fn`, removed afterwards. */
export function withStore<T>(files: Record<string, string>, fn: (root: string) => T): T {
  const root = mkdtempSync(join(tmpdir(), 'pgg-kustomize-'));
  try {
    for (const [path, content] of Object.entries(files)) {
      mkdirSync(dirname(join(root, path)), { recursive: true });
      writeFileSync(join(root, path), content);
    }
    return fn(root);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

type Built = { kind: string; metadata: { name: string; namespace?: string; annotations?: Record<string, string> } };

/**
 * `kubectl kustomize` (kubectl 1.32 from the image) of a directory of the store. With `patches`, a
 * Flux Kustomization's spec.patches are appended to the directory's kustomization first, as
 * kustomize-controller does (fluxcd/pkg kustomize/kustomize_generator.go GenerateManifest,
 * kustomize/v1.35.4: kus.Patches = append(kus.Patches, …) of spec.patches, target adapted as is).
 */
export function buildDirectory(root: string, path: string, patches: unknown[] = []): Built[] {
  const dir = join(root, path);
  if (patches.length > 0) {
    const file = join(dir, 'kustomization.yaml');
    const kustomization = parse(readFileSync(file, 'utf8'));
    writeFileSync(file, stringify({ ...kustomization, patches: [...(kustomization.patches ?? []), ...patches] }));
  }
  const built = execFileSync('kubectl', ['kustomize', dir], { encoding: 'utf8' });
  return parseAllDocuments(built).map(d => d.toJS()).filter(Boolean);
}

/** `kubectl kustomize` over the database's directory, written to a temporary state store: kind/name of what it builds. */
export function kustomizeBuild(db: RenderedDatabase): string[] {
  return withStore(db.files, root => buildDirectory(root, db.directory).map(o => `${o.kind}/${o.metadata.name}`).sort());
}

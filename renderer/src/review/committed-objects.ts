import { CORE_SCHEMA, load } from 'js-yaml';
import type { Manifest } from '../render/manifest';

/**
 * Reads an object the renderer committed to the state store. A fleet run reads the workloads of
 * thousands of databases, and js-yaml loads them about eight times faster than `yaml` does; the
 * core schema reads plain data only (no timestamps, merge keys or custom types), which is all
 * the renderer writes. Requests, which people write, keep going through the strict reader
 * (request/yaml-input.ts).
 */
export function readCommittedObject(text: string, path: string): Manifest | null {
  let value: unknown;
  try {
    value = load(text, { schema: CORE_SCHEMA });
  } catch (error) {
    throw new CommittedFileError(path, (error as Error).message.split('\n')[0]);
  }
  const manifest = value as Manifest | null;
  return manifest?.kind && manifest.metadata?.name ? manifest : null;
}

/** A committed file that does not read as YAML: reported by path, the rest of the fleet carries on. */
export class CommittedFileError extends Error {
  constructor(readonly path: string, readonly reason: string) {
    super(`${path}: not readable as YAML (${reason})`);
  }
}

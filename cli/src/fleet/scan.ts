import { readdirSync, readFileSync } from 'node:fs';
import { opendir } from 'node:fs/promises';
import { join } from 'node:path';
import { clusterPostgresDirectory, databaseDirectory, type FileSet } from '@postgres-gitops/renderer';

export interface FleetFilter {
  cluster?: string;
  namespace?: string;
}

async function subdirectories(path: string): Promise<string[]> {
  const names: string[] = [];
  try {
    for await (const entry of await opendir(path)) if (entry.isDirectory()) names.push(entry.name);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  return names.sort();
}

/** The clusters of a state store (directories under clusters/ with a postgres/ directory), sorted. */
export async function storeClusters(root: string, filter: FleetFilter = {}): Promise<string[]> {
  const clusters = await subdirectories(join(root, 'clusters'));
  return clusters.filter(c => !filter.cluster || c === filter.cluster);
}

/**
 * The database directories of a state store, one cluster and namespace at a time: a store of
 * any size is walked without listing it whole.
 */
export async function* databaseDirectories(root: string, filter: FleetFilter = {}): AsyncGenerator<string> {
  for (const cluster of await storeClusters(root, filter)) {
    for (const namespace of await subdirectories(join(root, clusterPostgresDirectory(cluster)))) {
      if (filter.namespace && namespace !== filter.namespace) continue;
      for (const name of await subdirectories(join(root, clusterPostgresDirectory(cluster), namespace))) {
        yield databaseDirectory(cluster, namespace, name);
      }
    }
  }
}

/**
 * The committed files of one database directory, keyed by path from the store's root. Read
 * synchronously: the reviews run on threads of their own, where twenty small files read in
 * about a sixth of the time the thread pool's round trips take.
 */
export function readDatabase(root: string, directory: string): FileSet {
  const files: FileSet = {};
  for (const entry of readdirSync(join(root, directory), { withFileTypes: true })) {
    if (entry.isFile()) files[`${directory}/${entry.name}`] = readFileSync(join(root, directory, entry.name), 'utf8');
    // A tenant's access/ (layout/access-gate.ts): the only sub-directory a database directory has.
    else if (entry.isDirectory()) Object.assign(files, readDatabase(root, `${directory}/${entry.name}`));
  }
  return files;
}

/** `clusters/<cluster>/postgres/<namespace>/<name>`: one directory per database, nothing shared. */
export function databaseDirectory(cluster: string, namespace: string, name: string): string {
  return `clusters/${cluster}/postgres/${namespace}/${name}`;
}

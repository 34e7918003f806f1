export const EXPORTER_IMAGE = { registry: 'quay.io', repository: 'prometheuscommunity/postgres-exporter', tag: 'v0.17.1' };
export const POSTGRES_IMAGE = { registry: 'docker.io', repository: 'library/postgres' };

/** A mirror registry replaces the upstream host and keeps the repository path. */
export function imageRef(registry: string, repository: string, tag: string, mirror?: string): string {
  return `${mirror ?? registry}/${repository}:${tag}`;
}

export const EXPORTER_IMAGE = { registry: 'quay.io', repository: 'prometheuscommunity/postgres-exporter', tag: 'v0.17.1' };
export const POSTGRES_IMAGE = { registry: 'docker.io', repository: 'library/postgres' };
/** CloudNativePG's operand images: PostgreSQL with bash and psql, uid 26. */
export const CNPG_IMAGE = { registry: 'ghcr.io', repository: 'cloudnative-pg/postgresql', flavour: 'system-trixie' };

/** The CloudNativePG operand image of a minor release, like 16.11. */
export function cnpgImage(minor: string, mirror?: string): string {
  return imageRef(CNPG_IMAGE.registry, CNPG_IMAGE.repository, `${minor}-${CNPG_IMAGE.flavour}`, mirror);
}

/** A mirror registry replaces the upstream host and keeps the repository path. */
export function imageRef(registry: string, repository: string, tag: string, mirror?: string): string {
  return `${mirror ?? registry}/${repository}:${tag}`;
}

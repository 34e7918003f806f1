export const EXPORTER_IMAGE = { registry: 'quay.io', repository: 'prometheuscommunity/postgres-exporter', tag: 'v0.17.1' };
export const POSTGRES_IMAGE = { registry: 'docker.io', repository: 'library/postgres' };
/**
 * CloudNativePG's operand images: PostgreSQL with bash and psql, uid 26. The flavour is the
 * platform's (cloudnativePg.imageFlavour, "standard-trixie" unless set). The "system" flavour is
 * deprecated in CloudNativePG 1.30 (docs/src/index.md: removed once in-core Barman Cloud support
 * is phased out); backups go through the plugin's own sidecar image, so the operand needs no
 * Barman tools.
 */
export const CNPG_IMAGE = { registry: 'ghcr.io', repository: 'cloudnative-pg/postgresql' };

/** The CloudNativePG operand image of a minor release (like 17.9) in a flavour (like standard-trixie). */
export function cnpgImage(minor: string, flavour: string, mirror?: string): string {
  return imageRef(CNPG_IMAGE.registry, CNPG_IMAGE.repository, `${minor}-${flavour}`, mirror);
}

/** A mirror registry replaces the upstream host and keeps the repository path. */
export function imageRef(registry: string, repository: string, tag: string, mirror?: string): string {
  return `${mirror ?? registry}/${repository}:${tag}`;
}

/** Debian-based official images (uid 999), pinned per major on purpose: minor upgrades arrive with renderer releases. */
export const POSTGRES_IMAGE_TAGS: Record<string, string> = {
  '13': '13.22',
  '14': '14.20',
  '15': '15.15',
  '16': '16.11',
  '17': '17.7',
  '18': '18.1',
};

export const EXPORTER_IMAGE = { registry: 'quay.io', repository: 'prometheuscommunity/postgres-exporter', tag: 'v0.17.1' };
export const POSTGRES_IMAGE = { registry: 'docker.io', repository: 'library/postgres' };

/** A mirror registry replaces the upstream host and keeps the repository path. */
export function imageRef(registry: string, repository: string, tag: string, mirror?: string): string {
  return `${mirror ?? registry}/${repository}:${tag}`;
}

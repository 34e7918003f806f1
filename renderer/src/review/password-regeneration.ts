import type { Manifest } from '../render/manifest';

type ExternalSecret = Manifest & { spec?: { refreshPolicy?: string } };

const same = (a: unknown, b: unknown) => JSON.stringify(a ?? {}) === JSON.stringify(b ?? {});

/**
 * ExternalSecrets whose change makes External Secrets generate a new password when it merges.
 * Under refreshPolicy Periodic (password rotation) the controller refreshes an ExternalSecret as
 * soon as its "resource version" differs from the one it last synced: the object's generation
 * (any spec change) joined with a hash of its labels and annotations (external-secrets v2.9.0
 * pkg/controllers/util/util.go GetResourceVersion, pkg/controllers/externalsecret/
 * externalsecret_controller.go shouldRefreshPeriodic); over a Password generator a refresh is a
 * new password. Under CreatedOnce nothing but the first sync generates one (shouldRefresh).
 */
export function passwordRegenerations(before: Manifest[], after: Manifest[]): string[] {
  const lines: string[] = [];
  for (const next of after as ExternalSecret[]) {
    if (next.kind !== 'ExternalSecret' || next.spec?.refreshPolicy !== 'Periodic') continue;
    const old = (before as ExternalSecret[]).find(o => o.kind === 'ExternalSecret' && o.metadata.name === next.metadata.name && o.metadata.namespace === next.metadata.namespace);
    if (!old) continue;
    const what = [
      ...(same(old.spec, next.spec) ? [] : ['its spec']),
      ...(same(old.metadata.labels, next.metadata.labels) ? [] : ['its labels']),
      ...(same(old.metadata.annotations, next.metadata.annotations) ? [] : ['its annotations']),
    ];
    if (what.length === 0) continue;
    lines.push(`the password in ${next.metadata.name} is generated again when this merges (password rotation: External Secrets refreshes an ExternalSecret whose ${what.join(' and ')} change); applications re-read the Secret, as on any rotation`);
  }
  return lines;
}

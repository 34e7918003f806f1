import type { Manifest } from '../render/manifest';

/** Keys of the connection ConfigMap that a renderer or settings change can move under running applications. */
const CLIENT_KEYS = ['host', 'sslmode', 'sslrootcert'] as const;

const dataOf = (configMap: Manifest | null | undefined) => ((configMap as { data?: Record<string, string> } | null | undefined)?.data ?? {});

/**
 * What applications are told that changes, read from the committed connection ConfigMap and the
 * new one; undefined when nothing they read moves. The application Secret is generated once
 * (until a rotation generates it again), so it keeps what it says: the line names the manual
 * step, and for verify-full the CA the applications mount first. A shared-server database's Secret
 * is a copy refreshed every minute (`secretFollows`): it tells the new values at once, so the CA
 * must be mounted before the applications next start.
 */
export function clientConnectionChange(committed: Manifest | null | undefined, now: Manifest | undefined, secretFollows = false): string | undefined {
  const a = dataOf(committed);
  const b = dataOf(now);
  const moved = CLIENT_KEYS.filter(key => a[key] !== b[key]).map(key => `${key} ${a[key] ?? '(unset)'} -> ${b[key] ?? '(unset)'}`);
  if (moved.length === 0) return undefined;
  const mount = b.sslmode === 'verify-full' && a.sslmode !== 'verify-full' ? `; mount ${b['ca-secret']} at ${b.sslrootcert} in the applications first` : '';
  if (secretFollows) {
    return `clients' connection: ${moved.join(', ')}; the Secret follows within a minute, and applications read it when they next start${mount ? ` (manual step: mount ${b['ca-secret']} at ${b.sslrootcert} in the applications before they restart)` : ''}`;
  }
  return `clients' connection: ${moved.join(', ')} in the connection ConfigMap; the Secret keeps its values until its password is generated again (manual step: switch the applications to the ConfigMap's values${mount})`;
}

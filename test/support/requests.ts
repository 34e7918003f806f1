import { SIZES, SUPPORTED_VERSIONS } from '../../renderer/src/request/schema';

export interface FeatureSet {
  persistence: boolean;
  backup: boolean;
  monitoring: boolean;
  ssl: boolean;
}

/** Every valid combination of the seed's feature flags (backup needs persistence): 12 sets. */
export const FEATURE_SETS: FeatureSet[] = [false, true].flatMap(persistence =>
  [false, true].flatMap(backup =>
    [false, true].flatMap(monitoring =>
      [false, true].map(ssl => ({ persistence, backup, monitoring, ssl })),
    ),
  ),
).filter(f => f.persistence || !f.backup);

export function kratixRequest(name: string, spec: Record<string, unknown>, namespace = 'team-a') {
  return { apiVersion: 'marketplace.kratix.io/v1alpha1', kind: 'postgresql', metadata: { name, namespace }, spec };
}

/** size x version x feature set: every combination the issue asks to validate; a quarter rotate their password. */
export function allCombinations() {
  return SIZES.flatMap(size =>
    SUPPORTED_VERSIONS.flatMap(version =>
      FEATURE_SETS.map(features => ({ size, version, ...features, ...(features.ssl && features.monitoring ? { passwordRotationDays: 30 } : {}) })),
    ),
  );
}

export function describeCombination(c: { size: string; version: string } & FeatureSet): string {
  const on = (['persistence', 'backup', 'monitoring', 'ssl'] as const).filter(f => c[f]);
  return `${c.size}/${c.version}/${on.join('+') || 'none'}`;
}

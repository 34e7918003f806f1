import { PROFILES, SIZES } from '@postgres-gitops/renderer';

/** A varied fleet of database requests, as a platform team's state store would hold. */
export function fleetRequests(count: number, offset = 0) {
  const requests = [];
  for (let i = offset; i < offset + count; i++) {
    const size = SIZES[i % 3];
    const profile = PROFILES[Math.floor(i / 3) % 3];
    requests.push({
      apiVersion: 'marketplace.kratix.io/v1alpha1',
      kind: 'postgresql',
      metadata: { name: `db-${i}`, namespace: `team-${i % 100}` },
      spec: { size, profile, version: String(14 + (i % 5)), database: `app_${i % 7}`, username: `app_${i % 11}`, monitoring: i % 2 === 0 },
    });
  }
  return requests;
}

export const BASIC_REQUEST = {
  apiVersion: 'marketplace.kratix.io/v1alpha1',
  kind: 'postgresql',
  metadata: { name: 'my-database', namespace: 'default' },
  spec: { size: 'small', version: '15', database: 'myapp', username: 'postgres' },
};

export const PROD_REQUEST = {
  apiVersion: 'marketplace.kratix.io/v1alpha1',
  kind: 'postgresql',
  metadata: { name: 'production-db', namespace: 'production' },
  spec: { size: 'large', version: '15', database: 'production_app', username: 'app_user', profile: 'prod', persistence: true, backup: true, monitoring: true, ssl: true, allowedNamespaces: ['web', 'jobs'] },
};

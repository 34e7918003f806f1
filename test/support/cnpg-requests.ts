import { platformSettingsSchema, type PlatformSettings } from '@postgres-gitops/renderer';
import { kratixRequest } from './requests';

export const CNPG_VERSIONS = ['14', '15', '16', '17', '18'] as const;

/** A platform that offers cloudnative-pg with an object store, as the examples' platform file does. */
export const CNPG_PLATFORM: PlatformSettings = platformSettingsSchema.parse({
  cloudnativePg: {
    objectStore: {
      destinationPath: 's3://acme-backups/prod',
      s3Credentials: { accessKeyId: { name: 'backup-s3', key: 'ACCESS_KEY_ID' }, secretAccessKey: { name: 'backup-s3', key: 'ACCESS_SECRET_KEY' } },
    },
  },
});

/** The same with every option a platform can turn: a mirror, pull secrets, cert-manager, GCS, its own operator namespace. */
export const CNPG_PLATFORM_VARIANT: PlatformSettings = platformSettingsSchema.parse({
  imageRegistry: 'registry.example.com/mirror',
  imagePullSecrets: ['registry-creds'],
  createNamespace: true,
  engines: { allowed: ['cloudnative-pg'], default: { dev: 'cloudnative-pg', staging: 'cloudnative-pg', prod: 'cloudnative-pg' } },
  cloudnativePg: {
    operatorNamespace: 'postgres-operator',
    certificates: 'cert-manager',
    objectStore: { destinationPath: 'gs://acme-backups/pg', googleCredentials: { applicationCredentials: { name: 'backup-gcs', key: 'credentials.json' } } },
  },
});

export interface CnpgFeatures {
  backup: boolean;
  monitoring: boolean;
  ssl: boolean;
  pooling: boolean;
}

/** Every combination of the features that change what cloudnative-pg renders: 16 sets. */
export const CNPG_FEATURE_SETS: CnpgFeatures[] = [false, true].flatMap(backup =>
  [false, true].flatMap(monitoring => [false, true].flatMap(ssl => [false, true].map(pooling => ({ backup, monitoring, ssl, pooling })))),
);

export function cnpgRequest(name: string, spec: Record<string, unknown>, namespace = 'team-a') {
  return kratixRequest(name, { engine: 'cloudnative-pg', username: 'app', ...spec }, namespace);
}

/** size x version x feature set: 3 x 5 x 16 = 240 databases. */
export function cnpgCombinations() {
  return (['small', 'medium', 'large'] as const).flatMap(size =>
    CNPG_VERSIONS.flatMap(version => CNPG_FEATURE_SETS.map(features => ({ size, version, ...features, ...(features.ssl && features.pooling ? { passwordRotationDays: 7 } : {}) }))),
  );
}

export function describeCnpg(c: { size: string; version: string } & CnpgFeatures): string {
  const on = (['backup', 'monitoring', 'ssl', 'pooling'] as const).filter(f => c[f]);
  return `cnpg ${c.size}/${c.version}/${on.join('+') || 'none'}`;
}

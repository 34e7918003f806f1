import type { PlanBase } from '../../plan/base';
import { NO_FLUX_SUBSTITUTION, PROTECT_FROM_PRUNING } from '../../plan/labels';
import { meta, unversionedLabels } from '../../plan/metadata';
import { PASSWORD_KEY } from '../../plan/secret-keys';
import type { Manifest } from '../manifest';

const GENERATOR_API = 'generators.external-secrets.io/v1alpha1';

/** Alphanumeric only: the password is safe in URLs, shells and libpq strings. */
export function passwordGenerator(plan: PlanBase, name: string, secretKeys?: string[]): Manifest {
  return {
    apiVersion: GENERATOR_API,
    kind: 'Password',
    metadata: meta(plan, name, 'credentials', PROTECT_FROM_PRUNING),
    spec: { length: 32, digits: 8, symbols: 0, noUpper: false, allowRepeat: true, ...(secretKeys ? { secretKeys } : {}) },
  };
}

/** What an ExternalSecret writes: the Secret's type, its labels and its data as templates. */
export interface SecretTemplate {
  type: string;
  metadata: { labels: Record<string, string> };
  data: Record<string, string>;
}

/** How often an ExternalSecret over a generator refreshes: once, or every rotation interval (each refresh is a new password). */
export function refreshOf(rotation?: { refreshInterval: string }) {
  return rotation ? { refreshPolicy: 'Periodic', refreshInterval: rotation.refreshInterval } : { refreshPolicy: 'CreatedOnce' };
}

/**
 * Generated once or on each rotation (refreshOf), kept when the ExternalSecret goes, and never
 * pruned by GitOps. Its labels and template carry no version (unversionedLabels): External
 * Secrets refreshes on any change of them, and a refresh is a new password.
 */
export function externalSecret(plan: PlanBase, name: string, generator: string, template?: SecretTemplate, rotation?: { refreshInterval: string }): Manifest {
  return {
    apiVersion: 'external-secrets.io/v1',
    kind: 'ExternalSecret',
    metadata: { ...meta(plan, name, 'credentials', { ...PROTECT_FROM_PRUNING, ...NO_FLUX_SUBSTITUTION }), labels: unversionedLabels(plan, 'credentials') },
    spec: {
      ...refreshOf(rotation),
      target: {
        name,
        creationPolicy: 'Orphan',
        deletionPolicy: 'Retain',
        ...(template ? { template: { engineVersion: 'v2', ...template } } : {}),
      },
      dataFrom: [{ sourceRef: { generatorRef: { apiVersion: GENERATOR_API, kind: 'Password', name: generator } } }],
    },
  };
}

/** Keys of `{name}-postgresql-secret`: the seed promise's names, libpq's, and a URL. The same on every engine. */
export function applicationSecretTemplate(plan: PlanBase): Record<string, string> {
  return connectionSecretTemplate(plan, plan.connection.user ?? plan.spec.username);
}

/** The application Secret's keys for a user name applications send: the application role's, or an access role's. */
export function connectionSecretTemplate(plan: PlanBase, user: string): Record<string, string> {
  const { spec, connection, port } = plan;
  const password = '{{ .password }}';
  const rootCert = connection.rootCert ? `&sslrootcert=${encodeURIComponent(connection.rootCert.path)}` : '';
  return {
    DATABASE_URL: `postgresql://${encodeURIComponent(user)}:{{ .password | urlquery }}@${connection.host}:${port}/${spec.database}?sslmode=${connection.sslmode}${rootCert}`,
    PGDATABASE: spec.database,
    PGHOST: connection.host,
    PGPASSWORD: password,
    PGPORT: String(port),
    PGSSLMODE: connection.sslmode,
    ...(connection.rootCert ? { PGSSLROOTCERT: connection.rootCert.path } : {}),
    PGUSER: user,
    'postgres-database': spec.database,
    [PASSWORD_KEY]: password,
    'postgres-username': user,
  };
}

/** The application Secret's keys (the common ones and the engine's extra ones) in byte order, so every render is the same. */
export function applicationSecretData(plan: PlanBase, extraData: Record<string, string> = {}): Record<string, string> {
  return sortedData({ ...applicationSecretTemplate(plan), ...extraData });
}

/** An access role's Secret data: the application Secret's keys for its user, and the engine's extra ones. */
export function accessSecretData(plan: PlanBase, user: string, extraData: Record<string, string> = {}): Record<string, string> {
  return sortedData({ ...connectionSecretTemplate(plan, user), ...extraData });
}

function sortedData(data: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(data).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/**
 * An access role's password: its own generator and ExternalSecret, rotated like the application's.
 * Unlike the application's, neither is protected from pruning and the Secret is owned by its
 * ExternalSecret: removing the role from the request deletes its Secret with it. `namespace`
 * places both elsewhere (a shared server's namespace).
 */
export function accessRoleSecret(plan: PlanBase, name: string, template: SecretTemplate, namespace = plan.namespace): Manifest[] {
  // No version label (review 2 m1): a changed label refreshes the ExternalSecret, which generates a new password.
  const where = (annotations?: Record<string, string>) => ({ ...meta(plan, name, 'access', annotations), labels: unversionedLabels(plan, 'access'), namespace });
  return [
    {
      apiVersion: GENERATOR_API,
      kind: 'Password',
      metadata: where(),
      spec: passwordGenerator(plan, name).spec,
    },
    {
      apiVersion: 'external-secrets.io/v1',
      kind: 'ExternalSecret',
      metadata: where(NO_FLUX_SUBSTITUTION),
      spec: {
        ...refreshOf(plan.passwordRotation),
        target: { name, creationPolicy: 'Owner', deletionPolicy: 'Delete', template: { engineVersion: 'v2', ...template } },
        dataFrom: [{ sourceRef: { generatorRef: { apiVersion: GENERATOR_API, kind: 'Password', name } } }],
      },
    },
  ];
}

/**
 * The application's credentials, generated in the cluster by External Secrets Operator, never
 * written to git. With `credentials.source: existing-secret` the platform provides the Secret.
 */
export function buildApplicationSecret(plan: PlanBase): Manifest[] {
  if (plan.platform.credentials.source === 'existing-secret') return [];
  const { names } = plan;
  return [
    passwordGenerator(plan, names.passwordGenerator),
    externalSecret(plan, names.secret, names.passwordGenerator, {
      type: plan.applicationSecret.type,
      metadata: { labels: { ...unversionedLabels(plan, 'credentials'), ...plan.applicationSecret.labels } },
      data: applicationSecretData(plan, plan.applicationSecret.extraData),
    }, plan.passwordRotation),
  ];
}

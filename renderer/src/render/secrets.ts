import { meta, type Plan } from '../plan/plan';
import { NO_FLUX_SUBSTITUTION, PROTECT_FROM_PRUNING } from '../plan/labels';
import type { Manifest } from './manifest';

export const PASSWORD_KEY = 'postgres-password';
export const INTERNAL_KEYS = {
  superuser: 'superuser-password',
  replication: 'replication-password',
  monitoring: 'monitoring-password',
} as const;

const GENERATOR_API = 'generators.external-secrets.io/v1alpha1';

/** Alphanumeric only: the password is safe in URLs, shells and libpq strings. */
function passwordGenerator(plan: Plan, name: string, secretKeys?: string[]): Manifest {
  return {
    apiVersion: GENERATOR_API,
    kind: 'Password',
    metadata: meta(plan, name, 'credentials', PROTECT_FROM_PRUNING),
    spec: { length: 32, digits: 8, symbols: 0, noUpper: false, allowRepeat: true, ...(secretKeys ? { secretKeys } : {}) },
  };
}

/** Generated once, kept when the ExternalSecret goes, and never pruned by GitOps. */
function externalSecret(plan: Plan, name: string, generator: string, template?: Record<string, string>): Manifest {
  return {
    apiVersion: 'external-secrets.io/v1',
    kind: 'ExternalSecret',
    metadata: meta(plan, name, 'credentials', { ...PROTECT_FROM_PRUNING, ...NO_FLUX_SUBSTITUTION }),
    spec: {
      refreshPolicy: 'CreatedOnce',
      target: {
        name,
        creationPolicy: 'Orphan',
        deletionPolicy: 'Retain',
        ...(template
          ? { template: { engineVersion: 'v2', type: 'Opaque', metadata: { labels: meta(plan, name, 'credentials').labels }, data: template } }
          : {}),
      },
      dataFrom: [{ sourceRef: { generatorRef: { apiVersion: GENERATOR_API, kind: 'Password', name: generator } } }],
    },
  };
}

/** Keys of `{name}-postgresql-secret`: the seed promise's names, libpq's, and a URL. */
export function applicationSecretTemplate(plan: Plan): Record<string, string> {
  const { spec, hosts, port } = plan;
  const password = '{{ .password }}';
  const sslmode = spec.ssl ? 'require' : 'prefer';
  return {
    DATABASE_URL: `postgresql://${spec.username}:{{ .password | urlquery }}@${hosts.primary}:${port}/${spec.database}?sslmode=${sslmode}`,
    PGDATABASE: spec.database,
    PGHOST: hosts.primary,
    PGPASSWORD: password,
    PGPORT: String(port),
    PGSSLMODE: sslmode,
    PGUSER: spec.username,
    'postgres-database': spec.database,
    [PASSWORD_KEY]: password,
    'postgres-username': spec.username,
  };
}

/** Internal roles (superuser, replication, monitoring) get their own Secret, kept out of the application's envFrom. */
export function needsInternalSecret(plan: Plan): boolean {
  return !plan.roles.appIsSuperuser || plan.standbys > 0 || plan.spec.monitoring;
}

/**
 * Credentials are generated in the cluster by External Secrets Operator, never written to git.
 * With `credentials.source: existing-secret` the platform provides both Secrets itself.
 */
export function buildSecrets(plan: Plan): Manifest[] {
  if (plan.platform.credentials.source === 'existing-secret') return [];
  const { names } = plan;
  const application = [
    passwordGenerator(plan, names.passwordGenerator),
    externalSecret(plan, names.secret, names.passwordGenerator, applicationSecretTemplate(plan)),
  ];
  if (!needsInternalSecret(plan)) return application;
  return [
    ...application,
    passwordGenerator(plan, names.internalSecret, Object.values(INTERNAL_KEYS)),
    externalSecret(plan, names.internalSecret, names.internalSecret),
  ];
}

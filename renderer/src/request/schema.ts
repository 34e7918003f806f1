import { z } from 'zod/v3';
import { cronIssue } from './cron';
import { MAX_VOLUME, QUANTITY, quantityToMi } from './quantity';
import {
  ACCESS_PRIVILEGES,
  ACCESS_ROLE,
  DNS1123_LABEL,
  echo,
  ENTITY_REF,
  RESERVED_ACCESS_ROLES,
  RESERVED_DATABASES,
  RESERVED_ROLES,
  SQL_IDENTIFIER,
  utf8Length,
} from './names';

export const SIZES = ['small', 'medium', 'large'] as const;
export const PROFILES = ['dev', 'staging', 'prod'] as const;
export const ENGINES = ['statefulset', 'cloudnative-pg', 'shared-server'] as const;
/** Engines that run a server of their own; a shared-server database lives on one of them. */
export const SERVER_ENGINES = ['statefulset', 'cloudnative-pg'] as const;
export const SUPPORTED_VERSIONS = ['13', '14', '15', '16', '17', '18'] as const;
export const END_OF_LIFE_VERSIONS: readonly string[] = ['13'];

export const REQUEST_API_VERSION = 'postgres-gitops.dev/v1alpha1';
export const REQUEST_KIND = 'PostgreSQL';
export const KRATIX_API_VERSION = 'marketplace.kratix.io/v1alpha1';
export const KRATIX_KIND = 'postgresql';

const sqlIdentifier = (what: string, reserved: string[]) =>
  z
    .string()
    .regex(SQL_IDENTIFIER, `must be a ${what} of lower-case letters, digits and underscores, starting with a letter or underscore`)
    .refine(v => utf8Length(v) <= 63, 'must be at most 63 bytes (PostgreSQL NAMEDATALEN)')
    .refine(v => !v.startsWith('pg_'), 'must not start with "pg_" (reserved for PostgreSQL system objects)')
    .refine(v => !reserved.includes(v), v => ({ message: `"${echo(v)}" is reserved (reserved: ${reserved.join(', ')})` }));

/** A Kubernetes name: a DNS-1123 label, whose 63-character limit is checked first so a huge value fails fast. */
const dnsLabel = () => z.string().max(63, 'must be at most 63 characters').regex(DNS1123_LABEL, 'must be a DNS-1123 label');

const volumeSize = (example: string) =>
  z
    .string()
    .regex(QUANTITY, `must be a whole quantity in Mi, Gi or Ti, like "${example}"`)
    .refine(v => !QUANTITY.test(v) || quantityToMi(v) <= quantityToMi(MAX_VOLUME), `must be at most ${MAX_VOLUME}`);

/** A Backstage entity reference of one of the given kinds (the first is the default when no kind is written). */
const entityRef = (kinds: string[], example: string) =>
  z
    .string()
    .max(253)
    .regex(ENTITY_REF, `must be a Backstage entity reference like "${example}" (letters, digits, "-", "_", "."; no spaces or control characters)`)
    .superRefine((value, ctx) => {
      const kind = ENTITY_REF.exec(value)?.[1];
      if (kind && !kinds.includes(kind.toLowerCase())) {
        ctx.addIssue({ code: z.ZodIssueCode.custom, message: `must refer to a ${kinds.join(' or ')} entity, not a ${echo(kind)}` });
      }
    });

/** An access role's name: its own rules (names.ts ACCESS_ROLE), each failure its own message. */
const accessRoleName = () =>
  z
    .string()
    .max(63, 'must be at most 63 bytes (PostgreSQL NAMEDATALEN)')
    .regex(ACCESS_ROLE, 'must be a role name of lower-case letters, digits and underscores, starting with a letter and ending with a letter or digit, like "analytics"')
    .refine(v => !v.includes('__'), 'must not contain "__" (it separates a shared server\'s tenant from its roles)')
    .refine(v => !v.startsWith('pg_') && !v.startsWith('cnpg_'), 'must not start with "pg_" or "cnpg_" (PostgreSQL and CloudNativePG keep those names)')
    .refine(v => !RESERVED_ACCESS_ROLES.includes(v), v => ({ message: `"${echo(v)}" is reserved (reserved: ${RESERVED_ACCESS_ROLES.join(', ')})` }));

export const MAX_ACCESS_ROLES = 20;

/** RFC 3339 date-time with a zone, as PostgreSQL's recovery_target_time and CloudNativePG take it. */
const RFC3339 = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}:\d{2}(\.\d{1,6})?(Z|[+-]\d{2}:\d{2})$/;

/** Spec fields of a database request. Every field is optional here; defaults are resolved in defaults.ts. */
export const requestSpecSchema = z
  .object({
    size: z.enum(SIZES).describe('Resources and replicas: small 100m-500m CPU, 256Mi-512Mi memory, 1Gi; medium 250m-1 CPU, 512Mi-1Gi, 5Gi; large 500m-2 CPU, 1Gi-2Gi, 10Gi, one standby').optional(),
    version: z
      .union([z.string(), z.number()])
      .transform(v => String(v))
      .refine(v => (SUPPORTED_VERSIONS as readonly string[]).includes(v), v => ({
        message: `must be a PostgreSQL major version from 13 to 18 (got "${echo(v)}")`,
      }))
      .describe('PostgreSQL major version, 13 to 18 (13 is end-of-life)')
      .optional(),
    minorVersion: z
      .string({ invalid_type_error: 'must be a quoted string like "16.11" (unquoted, YAML reads 16.10 as the number 16.1)' })
      .max(8, 'must be at most 8 characters')
      .describe(`PostgreSQL minor release, like 16.11, or "latest"; a new database gets the newest the platform knows (postgres.newestMinor) and keeps it until asked`)
      .optional(),
    database: sqlIdentifier('database name', RESERVED_DATABASES).describe('Name of the database to create').optional(),
    username: sqlIdentifier('role name', RESERVED_ROLES).describe('Role the application connects as; it owns the database. "postgres" makes the application a superuser').optional(),
    persistence: z.boolean().describe('Keep data on a PersistentVolumeClaim (retained when the database is deleted)').optional(),
    backup: z.boolean().describe('Daily logical backups (pg_dump) to a dedicated volume; requires persistence').optional(),
    monitoring: z.boolean().describe('postgres-exporter, ServiceMonitor and alert rules').optional(),
    ssl: z.boolean().describe('TLS for client and replication connections, with a cert-manager certificate').optional(),
    engine: z
      .enum(ENGINES)
      .describe('How the database runs: "statefulset" (a primary and read-only standbys, no operator, no automatic failover), "cloudnative-pg" (the CloudNativePG operator: automatic failover, point-in-time recovery, pooling) or "shared-server" (a database and owner role on an existing cloudnative-pg server; set by spec.server)')
      .optional(),
    profile: z.enum(PROFILES).describe('Environment profile: feature defaults and tuning (dev, staging, prod)').optional(),
    replicas: z.number().int().min(1).max(5).describe('Number of PostgreSQL pods (one primary plus standbys); defaults from the size. On cloudnative-pg: 1 = no failover, 2 = failover without a quorum, 3 or more recommended').optional(),
    storageSize: volumeSize('20Gi').describe('Data volume size; defaults from the size').optional(),
    walStorageSize: volumeSize('5Gi').describe('cloudnative-pg: a separate volume for the write-ahead log, of this size').optional(),
    pooling: z.boolean().describe('cloudnative-pg: a PgBouncer pooler in transaction mode in front of the primary; applications connect through it').optional(),
    restore: z
      .object({
        from: dnsLabel().describe('Name of the database whose backups to restore from'),
        namespace: dnsLabel().describe('Its namespace; default this database\'s').optional(),
        cluster: dnsLabel().describe('Its worker cluster; default this database\'s').optional(),
        targetTime: z.string().regex(RFC3339, 'must be an RFC 3339 time with a zone, like "2026-11-20T08:00:00Z"').describe('Point in time to recover to; the latest point when empty').optional(),
      })
      .strict()
      .describe('cloudnative-pg: bootstrap this new database from another database\'s backups (point-in-time recovery)')
      .optional(),
    importFrom: z
      .object({
        from: dnsLabel().describe('Name of the database to import, in the same namespace and cluster (for example the statefulset database this one replaces)'),
        database: sqlIdentifier('database name', RESERVED_DATABASES).describe('Its database; default this request\'s database').optional(),
        username: sqlIdentifier('role name', []).describe('Its application role, which owns that database and so can dump it; default this request\'s username').optional(),
        ssl: z.boolean().describe('Whether it has ssl: true (the import then verifies its certificate against its CA); default this request\'s ssl').optional(),
      })
      .strict()
      .describe('cloudnative-pg: start this new database empty and copy another one into it once, with pg_dump as its owner (engine migration)')
      .optional(),
    passwordRotationDays: z
      .number()
      .int()
      .min(1)
      .max(365)
      .describe('Generate a new application password every this many days, applied live without a restart; never when empty')
      .optional(),
    server: z
      .object({
        name: dnsLabel().describe('Name of the cloudnative-pg database (with tenants: true) in the state store whose server hosts this database'),
        namespace: dnsLabel().describe('Its namespace; default this database\'s').optional(),
        userSuffix: z.string().regex(/^[@.#][A-Za-z0-9._-]{1,62}$/, 'must start with "@", "." or "#" followed by letters, digits, ".", "_" or "-", like "@shared-pg"').describe('Appended to the user name applications send, for proxies that route by it (like "@server")').optional(),
      })
      .strict()
      .describe('shared-server: a database and owner role on this existing server instead of a server of its own')
      .optional(),
    connectionLimit: z.number().int().min(1).max(1000).describe('shared-server: most concurrent connections of the owner role (default 20)').optional(),
    tenants: z.boolean().describe('cloudnative-pg: accept shared-server databases (tenants) on this server; each connects only to its own database').optional(),
    storageClass: dnsLabel().describe('StorageClass of the data and backup volumes; cluster default when empty').optional(),
    cluster: dnsLabel().describe('Worker cluster the database is deployed to').optional(),
    owner: entityRef(['group', 'user'], 'group:default/team-a').describe('Backstage owner entity (group or user), like group:default/team-a').optional(),
    system: entityRef(['system'], 'system:default/shop').describe('Backstage system the database belongs to, like system:default/shop').optional(),
    backupSchedule: z
      .string()
      .max(100)
      .superRefine((value, ctx) => {
        const issue = cronIssue(value);
        if (issue) ctx.addIssue({ code: z.ZodIssueCode.custom, message: issue });
      })
      .describe('Cron schedule of the backup job (UTC)').optional(),
    backupRetention: z.number().int().min(1).max(365).describe('Number of backups kept').optional(),
    restoreDrill: z
      .boolean()
      .describe('Prove each backup restorable: statefulset restores every dump into a throwaway server inside the backup job; cloudnative-pg recovers a throwaway Cluster from the object store on the backup schedule, checks it and deletes it. Default on in prod; needs backup')
      .optional(),
    access: z
      .array(
        z
          .object({
            role: accessRoleName().describe('Login role applications use, like analytics; it gets its own password and Secret'),
            privileges: z
              .enum(ACCESS_PRIVILEGES, { errorMap: () => ({ message: 'must be "read" or "write"' }) })
              .describe('read: SELECT on every table and sequence; write: also INSERT, UPDATE, DELETE and sequence USAGE; neither creates, alters or drops objects'),
          })
          .strict(),
      )
      .max(MAX_ACCESS_ROLES, `at most ${MAX_ACCESS_ROLES} access roles`)
      .describe('Extra login roles of the application database, each with its own generated password and Secret (the application Secret\'s keys)')
      .optional(),
    allowedNamespaces: z
      .array(dnsLabel())
      .max(50)
      .describe('Namespaces whose pods may connect, besides the database\'s own')
      .optional(),
  })
  .strict();

export type RequestSpecInput = z.infer<typeof requestSpecSchema>;

/** The request's spec fields, by name: what flat inputs (the actions, the CLI's --set) may carry. */
export const SPEC_FIELDS = Object.keys(requestSpecSchema.shape) as (keyof typeof requestSpecSchema.shape)[];

/** Fields that only one engine understands; a request for another engine that sets them is refused. */
export const ENGINE_ONLY_FIELDS: Partial<Record<keyof RequestSpecInput, (typeof ENGINES)[number]>> = {
  pooling: 'cloudnative-pg',
  walStorageSize: 'cloudnative-pg',
  restore: 'cloudnative-pg',
  importFrom: 'cloudnative-pg',
  tenants: 'cloudnative-pg',
  server: 'shared-server',
  connectionLimit: 'shared-server',
};

/**
 * What a shared server decides for its tenants: a shared-server request that sets one is refused.
 * The database and role names are derived (see tenantRoleName), so two tenants never share one.
 */
export const SERVER_DECIDES_FIELDS: readonly (keyof RequestSpecInput)[] = [
  'size', 'version', 'minorVersion', 'replicas', 'persistence', 'storageSize', 'storageClass', 'backup', 'backupSchedule', 'backupRetention',
  'monitoring', 'ssl', 'allowedNamespaces', 'database', 'username', 'restoreDrill',
];

/** ObjectMeta fields a Kubernetes object may carry besides name, namespace, labels and annotations. */
const SERVER_SET_METADATA = [
  'uid', 'resourceVersion', 'generation', 'creationTimestamp', 'deletionTimestamp', 'deletionGracePeriodSeconds',
  'managedFields', 'ownerReferences', 'finalizers', 'generateName', 'selfLink',
] as const;

/** A whole request object: our own kind, or the Kratix promise's `postgresql` object as Kratix hands it over. */
export const requestObjectSchema = z.object({
  apiVersion: z.enum([REQUEST_API_VERSION, KRATIX_API_VERSION], {
    errorMap: () => ({ message: `must be "${REQUEST_API_VERSION}" or "${KRATIX_API_VERSION}"` }),
  }),
  kind: z.enum([REQUEST_KIND, KRATIX_KIND], {
    errorMap: () => ({ message: `must be "${REQUEST_KIND}" or "${KRATIX_KIND}"` }),
  }),
  metadata: z
    .object({
      name: z
        .string({ required_error: 'is required' })
        .max(63, 'must be at most 63 characters')
        .regex(DNS1123_LABEL, 'must be a DNS-1123 label: lower-case letters, digits and "-", starting and ending with a letter or digit')
        .describe('Database name: the prefix of every Kubernetes object, like orders (DNS-1123 label)'),
      namespace: dnsLabel().describe('Kubernetes namespace the database runs in (default "default")').optional(),
      annotations: z.record(z.string()).optional(),
      labels: z.record(z.string()).optional(),
      // The rest of ObjectMeta, as the API server (and so Kratix) hands an object over; never rendered.
      ...Object.fromEntries(SERVER_SET_METADATA.map(field => [field, z.unknown().optional()])),
    })
    .strict(),
  spec: requestSpecSchema.default({}),
  status: z.unknown().optional(),
}).strict();

export type RequestObjectInput = z.infer<typeof requestObjectSchema>;

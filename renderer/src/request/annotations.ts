/** Annotations of the stored request.yaml: one place for their keys. */
export const ANNOTATION_SCHEMA_VERSION = 'postgres-gitops.dev/schema-version';
export const ANNOTATION_RENDERER_VERSION = 'postgres-gitops.dev/renderer-version';
export const ANNOTATION_REQUESTED_BY = 'postgres-gitops.dev/requested-by';
/** The major the database was created with: kept, so a later major upgrade can be told apart. */
export const ANNOTATION_CREATED_WITH_VERSION = 'postgres-gitops.dev/created-with-version';
/**
 * A retired database: on a shared server its owner role can no longer log in and its database
 * stays; a cloudnative-pg Cluster is hibernated (no pods, its volumes stay).
 */
export const ANNOTATION_RETIRED = 'postgres-gitops.dev/retired';
/** A retired shared-server database whose database and role are dropped for good (a second, destructive retirement). */
export const ANNOTATION_DROP_DATA = 'postgres-gitops.dev/drop-data';

/**
 * statefulset: the storage size in the StatefulSets' volume claim templates, which the API server
 * never lets change; kept from creation so that growing spec.storageSize grows the claims only.
 */
export const ANNOTATION_CLAIM_TEMPLATE_SIZE = 'postgres-gitops.dev/claim-template-storage-size';

/**
 * cloudnative-pg: applications were given the pooler's host (pooling was on). The application
 * Secret keeps the host it was created with (External Secrets, refreshPolicy CreatedOnce), so the
 * pooler's Service stays for the database's life: with pooling off it runs in session mode.
 */
export const ANNOTATION_POOLER_HOST_GIVEN = 'postgres-gitops.dev/pooler-host-given';

/**
 * When the database was first published (UTC, seconds), stamped once at create from the
 * publisher's clock and kept: each creation of a name archives under its own Barman server name,
 * so a database created again under a retired name, or the same restore repeated, never meets
 * an archive that is not empty (plan/cloudnative-pg/plan.ts archiveServerName).
 */
export const ANNOTATION_CREATED_AT = 'postgres-gitops.dev/created-at';
/** A restore: the source database's created-at when the restore was published, which names its archive. */
export const ANNOTATION_RESTORE_SOURCE_CREATED_AT = 'postgres-gitops.dev/restore-source-created-at';

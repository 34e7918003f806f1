/**
 * The engine migration's copy (importFrom), as the import Job runs it (render/cloudnative-pg/import.ts).
 * Constant text: every value comes from the environment. Why not CloudNativePG's own
 * `bootstrap.initdb.import`: its microservice import makes the new owner SUPERUSER while
 * pg_restore runs (v1.30.0 pkg/management/postgres/logicalimport/database.go,
 * importDatabaseContent), so the old owner's CHECK constraints, defaults and index expressions run
 * with a superuser's rights (SRE review 3 B2). Here nothing runs as a superuser: pg_dump connects to
 * the source as its owner, and the restore connects to the new database as the new owner (no SET
 * ROLE, which restored code could undo), only pg_catalog on its search path.
 *
 * Once, and only into an empty database. The whole copy is one transaction on the new server that
 * ends by recording the marker (the database's comment, "postgres-gitops: imported from <source>":
the owner may set it, where a database-level custom setting needs a superuser on 15+): a copy
 * that fails midway (pg_dump dies, an error stops psql, the pod is killed) leaves nothing, and a
 * retry starts over. A run that finds the marker does nothing (a re-run after success, or a new
 * Job after any change to the rendered one); a run that finds application objects without the
 * marker refuses for good (exit 3): something else wrote there, and importing over it would mix
 * two databases.
 */
export const IMPORT_MARKER_PREFIX = 'postgres-gitops: imported from ';

/** Objects of the application in a database: what a new, empty database has none of. */
const APPLICATION_OBJECTS_SQL = `SELECT
  (SELECT pg_catalog.count(*) FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
    WHERE n.nspname !~ '^pg_' AND n.nspname <> 'information_schema'
      AND NOT EXISTS (SELECT FROM pg_catalog.pg_depend d WHERE d.classid = 'pg_catalog.pg_class'::pg_catalog.regclass AND d.objid = c.oid AND d.deptype = 'e'))
  + (SELECT pg_catalog.count(*) FROM pg_catalog.pg_proc p JOIN pg_catalog.pg_namespace n ON n.oid = p.pronamespace
    WHERE n.nspname !~ '^pg_' AND n.nspname <> 'information_schema'
      AND NOT EXISTS (SELECT FROM pg_catalog.pg_depend d WHERE d.classid = 'pg_catalog.pg_proc'::pg_catalog.regclass AND d.objid = p.oid AND d.deptype = 'e'))
  + (SELECT pg_catalog.count(*) FROM pg_catalog.pg_namespace n WHERE n.nspname !~ '^pg_' AND n.nspname NOT IN ('information_schema', 'public'))`;

export const IMPORT_SH = String.raw`#!/bin/bash
# Usage: import.sh   (SOURCE_HOST, SOURCE_PORT, SOURCE_DATABASE, SOURCE_USER, SOURCE_PASSWORD, SOURCE_SSLMODE, [SOURCE_SSLROOTCERT],
#                     TARGET_HOST, TARGET_PORT, TARGET_DATABASE, TARGET_USER, TARGET_PASSWORD, TARGET_SSLMODE, [TARGET_SSLROOTCERT],
#                     IMPORT_SOURCE (what the marker records), WAIT_SECONDS; the target major's pg_dump and psql on PATH)
# Exit 0: imported now, or before. Exit 3: never will (the Job fails for good). Other: retried.
set -uo pipefail
started=$(date +%s)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
log() { echo "import.sh: $*" >&2; }
# Each side's connection from its own variables only, in a subshell: nothing of one reaches the other.
on_source() (
  unset PGPASSFILE PGSERVICE PGOPTIONS PGSSLROOTCERT
  export PGHOST="$SOURCE_HOST" PGPORT="$SOURCE_PORT" PGDATABASE="$SOURCE_DATABASE" PGUSER="$SOURCE_USER" PGPASSWORD="$SOURCE_PASSWORD" PGSSLMODE="$SOURCE_SSLMODE"
  [ -z "$(printenv SOURCE_SSLROOTCERT)" ] || export PGSSLROOTCERT="$SOURCE_SSLROOTCERT"
  export PGCONNECT_TIMEOUT=10 PGAPPNAME=postgres-gitops-import
  exec "$@"
)
# The new database as its owner, only pg_catalog searched (a startup option outranks ALTER DATABASE/ROLE SET).
on_target() (
  unset PGPASSFILE PGSERVICE PGSSLROOTCERT
  export PGHOST="$TARGET_HOST" PGPORT="$TARGET_PORT" PGDATABASE="$TARGET_DATABASE" PGUSER="$TARGET_USER" PGPASSWORD="$TARGET_PASSWORD" PGSSLMODE="$TARGET_SSLMODE"
  [ -z "$(printenv TARGET_SSLROOTCERT)" ] || export PGSSLROOTCERT="$TARGET_SSLROOTCERT"
  export PGCONNECT_TIMEOUT=10 PGAPPNAME=postgres-gitops-import PGOPTIONS="-c search_path=pg_catalog,pg_temp"
  exec "$@"
)
query() { "$@" psql -X -q -A -t -v ON_ERROR_STOP=1 -v VERBOSITY=terse; }
# Waits until a side answers (the new Cluster takes minutes to start); gives up after WAIT_SECONDS, and the Job retries.
wait_for() {
  until out=$(echo 'SELECT 1' | query "$1" 2>&1); do
    if [ $(( $(date +%s) - started )) -ge "$WAIT_SECONDS" ]; then log "$2 not reachable after $WAIT_SECONDS s: $out"; exit 1; fi
    sleep 5
  done
}
# "<marker>|<objects>": the import's marker (empty when none), and how many application objects the new database holds.
state() {
  query on_target <<'SQL'
SELECT coalesce((SELECT pg_catalog.substr(description, pg_catalog.length('$MARKER') + 1) FROM pg_catalog.pg_shdescription
  WHERE classoid = 'pg_catalog.pg_database'::pg_catalog.regclass AND objoid = (SELECT oid FROM pg_catalog.pg_database WHERE datname = pg_catalog.current_database())
    AND pg_catalog.starts_with(description, '$MARKER')), '') || '|' || ($OBJECTS);
SQL
}

wait_for on_target "the new database"
current=$(state 2>&1) || { log "cannot read the new database: $current"; exit 1; }
IFS='|' read -r marker objects <<< "$current"
if [ -n "$marker" ]; then
  log "already imported (from $marker): nothing to do"
  exit 0
fi
if [ "$objects" != 0 ]; then
  log "the new database $TARGET_DATABASE holds $objects objects of an application but no import marker: not importing over them. Drop them (or create the database anew), then run the import again"
  exit 3
fi

wait_for on_source "the source database $IMPORT_SOURCE"
source_version=$(echo "SELECT pg_catalog.current_setting('server_version_num')" | query on_source 2>&1) || { log "cannot read the source's version: $source_version"; exit 1; }
dump_version=$(pg_dump --version | sed -n 's/^pg_dump (PostgreSQL) \([0-9]*\).*/\1/p')
if [ $(( source_version / 10000 )) -gt "$dump_version" ]; then
  log "the source runs PostgreSQL $(( source_version / 10000 )), this image's pg_dump is $dump_version: the new database's major must be the source's or newer"
  exit 3
fi

# One transaction: BEGIN, the dump, the marker, COMMIT; the COMMIT only after pg_dump succeeded. Should
# pg_dump fail, psql reaches the end of its input inside the transaction and the server rolls it back.
marker_value=$(printf '%s' "$IMPORT_SOURCE" | sed "s/'/''/g")
{
  echo 'BEGIN;'
  if on_source pg_dump --format=plain --no-owner --no-privileges --no-subscriptions --no-publications 2> "$work/dump.err"; then
    echo "SELECT pg_catalog.set_config('search_path', 'pg_catalog, pg_temp', false);"
    printf "DO \$marker\$ BEGIN EXECUTE pg_catalog.format('COMMENT ON DATABASE %%I IS %%L', pg_catalog.current_database(), '$MARKER%s'); END \$marker\$;\n" "$marker_value"
    echo 'COMMIT;'
  else
    touch "$work/dump.failed"
  fi
} | on_target psql -X -q -v ON_ERROR_STOP=1 -v VERBOSITY=terse -f - > "$work/restore.log" 2>&1
restored=$?
if [ -e "$work/dump.failed" ]; then log "pg_dump failed (nothing kept): $(tail -n 5 "$work/dump.err" | tr '\n' ' ')"; exit 1; fi
if [ "$restored" != 0 ]; then log "the restore failed (nothing kept): $(grep -v '^$' "$work/restore.log" | tail -n 5 | tr '\n' ' ')"; exit 1; fi
current=$(state 2>&1) || { log "cannot read the new database after the import: $current"; exit 1; }
IFS='|' read -r marker objects <<< "$current"
if [ -z "$marker" ]; then log "the import ended without its marker (nothing kept): $(tail -n 5 "$work/restore.log" | tr '\n' ' ')"; exit 1; fi
log "imported $SOURCE_DATABASE from $IMPORT_SOURCE into $TARGET_DATABASE in $(( $(date +%s) - started )) s ($objects objects)"
`
  .split('$MARKER')
  .join(IMPORT_MARKER_PREFIX)
  .replace('$OBJECTS', APPLICATION_OBJECTS_SQL);

/**
 * Access roles on the statefulset engine, applied by the primary's reload loop (scripts.ts
 * RELOAD_SH) through the local socket as the superuser: on start, whenever the access list or a
 * role's password changes on disk, and every RESYNC_SECONDS (so tables other roles create later
 * are granted too). No restart: the list (ConfigMap `{name}-postgresql-access`) and the passwords
 * (Secret `{name}-postgresql-roles`) are mounted optional and the kubelet updates them in place.
 * Constant text; values through the environment and psql variables.
 */

/**
 * The roles as the list says: created or converged (login, no other attribute, a password from
 * its Secret, member of exactly its group, the marker comment), never a role of that name that is
 * not marked as an access role of this database (it is left alone and named in the log). Roles
 * marked for this database that left the list are dropped, having only a membership; one that
 * someone made own objects is kept without login or password and named in the log. A role whose
 * password has not reached the pod yet (NULL) is neither created nor changed nor dropped. The
 * backup role keeps CONNECT once PUBLIC loses it (access-grants.sql).
 *
 * psql -v db=app -v owner=app -v read_group=app__read -v write_group=app__write -v backup_role=postgres_backup -f access-sync.sql < rows
 * (rows: role<TAB>read|write<TAB>password or \N)
 */
export const ACCESS_SYNC_SQL = String.raw`-- access-sync.sql (postgres-gitops): the access roles of the application database, from the list and the role Secrets.
\set ON_ERROR_STOP on
\set VERBOSITY terse
\set SHOW_CONTEXT never
-- The owner's database: only pg_catalog is searched (role-sync.sh sets it at connection too, before
-- any ALTER DATABASE ... SET of the owner applies), every call is qualified besides.
SET search_path = pg_catalog, pg_temp;
-- No statement, no CONTEXT (the ALTER ROLE's text holds a password) in the server's log or ours.
SET log_statement = 'none';
SET log_min_error_statement = 'panic';
SET log_error_verbosity = 'terse';
SELECT pg_catalog.set_config('postgres_gitops.db', :'db', false) AS db_set,
       pg_catalog.set_config('postgres_gitops.read_group', :'read_group', false) AS read_set,
       pg_catalog.set_config('postgres_gitops.write_group', :'write_group', false) AS write_set,
       pg_catalog.set_config('postgres_gitops.backup_role', :'backup_role', false) AS backup_set \gset
CREATE TEMP TABLE desired (role text PRIMARY KEY, privileges text NOT NULL CHECK (privileges IN ('read', 'write')), password text);
\copy pg_temp.desired FROM pstdin
DO $sync$
DECLARE
  db text := pg_catalog.current_setting('postgres_gitops.db');
  reader text := pg_catalog.current_setting('postgres_gitops.read_group');
  writer text := pg_catalog.current_setting('postgres_gitops.write_group');
  backup text := pg_catalog.current_setting('postgres_gitops.backup_role');
  marker text := 'postgres-gitops access role of database ' || db || ': ';
  d record;
  r record;
  member_of text;
  other text;
BEGIN
  IF EXISTS (SELECT FROM pg_temp.desired) THEN
    IF NOT EXISTS (SELECT FROM pg_catalog.pg_roles WHERE rolname = reader) THEN EXECUTE pg_catalog.format('CREATE ROLE %I NOLOGIN', reader); END IF;
    IF NOT EXISTS (SELECT FROM pg_catalog.pg_roles WHERE rolname = writer) THEN EXECUTE pg_catalog.format('CREATE ROLE %I NOLOGIN', writer); END IF;
    IF NOT pg_catalog.pg_has_role(writer, reader, 'MEMBER') THEN EXECUTE pg_catalog.format('GRANT %I TO %I', reader, writer); END IF;
    IF pg_catalog.shobj_description(pg_catalog.to_regrole(reader), 'pg_authid') IS DISTINCT FROM 'postgres-gitops access group of database ' || db || ': read' THEN
      EXECUTE pg_catalog.format('COMMENT ON ROLE %I IS %L', reader, 'postgres-gitops access group of database ' || db || ': read');
    END IF;
    IF pg_catalog.shobj_description(pg_catalog.to_regrole(writer), 'pg_authid') IS DISTINCT FROM 'postgres-gitops access group of database ' || db || ': write' THEN
      EXECUTE pg_catalog.format('COMMENT ON ROLE %I IS %L', writer, 'postgres-gitops access group of database ' || db || ': write');
    END IF;
    IF backup <> '' AND EXISTS (SELECT FROM pg_catalog.pg_roles WHERE rolname = backup) THEN EXECUTE pg_catalog.format('GRANT CONNECT ON DATABASE %I TO %I', db, backup); END IF;
  END IF;
  FOR d IN SELECT * FROM pg_temp.desired ORDER BY role LOOP
    IF EXISTS (SELECT FROM pg_catalog.pg_roles WHERE rolname = d.role AND coalesce(pg_catalog.shobj_description(oid, 'pg_authid'), '') NOT LIKE marker || '%') THEN
      RAISE WARNING 'role-sync: refusing access role %: a role of that name exists and is not an access role of database %; choose another name in spec.access, or drop that role', d.role, db;
      CONTINUE;
    END IF;
    IF d.password IS NULL THEN
      RAISE WARNING 'role-sync: access role %: its password has not reached this pod yet (Secret ...-roles); left as it is', d.role;
      CONTINUE;
    END IF;
    IF NOT EXISTS (SELECT FROM pg_catalog.pg_roles WHERE rolname = d.role) THEN
      EXECUTE pg_catalog.format('CREATE ROLE %I', d.role);
      RAISE NOTICE 'role-sync: created access role % (%)', d.role, d.privileges;
    END IF;
    BEGIN
      EXECUTE pg_catalog.format('ALTER ROLE %I LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE INHERIT NOREPLICATION NOBYPASSRLS CONNECTION LIMIT -1 PASSWORD %L', d.role, d.password);
    EXCEPTION WHEN OTHERS THEN
      -- The message only (a password policy's words, a lock timeout): never the statement.
      RAISE WARNING 'role-sync: access role %: setting its login and password failed: %', d.role, SQLERRM;
      CONTINUE;
    END;
    IF pg_catalog.shobj_description(pg_catalog.to_regrole(d.role), 'pg_authid') IS DISTINCT FROM marker || d.privileges THEN
      EXECUTE pg_catalog.format('COMMENT ON ROLE %I IS %L', d.role, marker || d.privileges);
    END IF;
    member_of := CASE d.privileges WHEN 'write' THEN writer ELSE reader END;
    other := CASE d.privileges WHEN 'write' THEN reader ELSE writer END;
    IF NOT EXISTS (SELECT FROM pg_catalog.pg_auth_members m WHERE m.roleid = pg_catalog.to_regrole(member_of) AND m.member = pg_catalog.to_regrole(d.role)) THEN
      EXECUTE pg_catalog.format('GRANT %I TO %I', member_of, d.role);
    END IF;
    IF EXISTS (SELECT FROM pg_catalog.pg_auth_members m WHERE m.roleid = pg_catalog.to_regrole(other) AND m.member = pg_catalog.to_regrole(d.role)) THEN
      EXECUTE pg_catalog.format('REVOKE %I FROM %I', other, d.role);
    END IF;
  END LOOP;
  FOR r IN
    SELECT a.oid, a.rolname FROM pg_catalog.pg_roles a
     WHERE pg_catalog.shobj_description(a.oid, 'pg_authid') LIKE marker || '%' AND a.rolname NOT IN (SELECT role FROM pg_temp.desired)
  LOOP
    IF EXISTS (SELECT FROM pg_catalog.pg_shdepend WHERE refclassid = 'pg_catalog.pg_authid'::regclass AND refobjid = r.oid AND deptype = 'o') THEN
      EXECUTE pg_catalog.format('ALTER ROLE %I NOLOGIN PASSWORD NULL', r.rolname);
      EXECUTE pg_catalog.format('COMMENT ON ROLE %I IS %L', r.rolname, 'postgres-gitops retired access role of database ' || db || ' (owns objects)');
      RAISE WARNING 'role-sync: access role % left spec.access but owns objects: kept without login and password; reassign or drop its objects, then DROP ROLE %', r.rolname, r.rolname;
    ELSE
      BEGIN
        -- It owns nothing (checked above): this only takes back what it was granted here.
        EXECUTE pg_catalog.format('DROP OWNED BY %I', r.rolname);
        EXECUTE pg_catalog.format('DROP ROLE %I', r.rolname);
        RAISE NOTICE 'role-sync: dropped access role %', r.rolname;
      EXCEPTION WHEN dependent_objects_still_exist THEN
        EXECUTE pg_catalog.format('ALTER ROLE %I NOLOGIN PASSWORD NULL', r.rolname);
        EXECUTE pg_catalog.format('COMMENT ON ROLE %I IS %L', r.rolname, 'postgres-gitops retired access role of database ' || db || ' (holds privileges elsewhere)');
        RAISE WARNING 'role-sync: access role % left spec.access but holds privileges in another database: kept without login and password', r.rolname;
      END;
    END IF;
  END LOOP;
END
$sync$;
`;

/**
 * One pass of the role sync: the list and the passwords (each role's file in ROLE_PASSWORDS_DIR)
 * piped to access-sync.sql, never on the command line; then the groups' grants (access-grants.sql)
 * while any access role is listed. On a standby it does nothing (roles follow the primary).
 */
export const ROLE_SYNC_SH = String.raw`#!/bin/bash
# Usage: role-sync.sh   (APP_DATABASE, APP_USER, ACCESS_FILE, ROLE_PASSWORDS_DIR, READ_GROUP, WRITE_GROUP, BACKUP_ROLE, PGSOCKET, PGPORT_SERVER)
set -uo pipefail
dir=$(dirname "$0")
set -- -X -q -A -t -v ON_ERROR_STOP=1 -h "$PGSOCKET" -p "$PGPORT_SERVER" -U postgres
# As the superuser in a database its owner shapes: only pg_catalog on the search path from the
# connection on (a startup option outranks the owner's ALTER DATABASE ... SET search_path).
export PGOPTIONS="-c search_path=pg_catalog,pg_temp"
[ "$(psql "$@" -d postgres -c 'SELECT pg_catalog.pg_is_in_recovery()')" = f ] || exit 0
psql "$@" -d "$APP_DATABASE" -c 'SELECT 1' > /dev/null 2>&1 || { echo "role-sync: database $APP_DATABASE is not there yet" >&2; exit 1; }
rows() {
  [ -s "$ACCESS_FILE" ] || return 0
  while IFS=$'\t' read -r role privileges; do
    [ -n "$role" ] || continue
    password=$(cat "$ROLE_PASSWORDS_DIR/$role" 2>/dev/null || true)
    if printf '%s' "$password" | grep -Eq '^[A-Za-z0-9]{16,}$'; then
      printf '%s\t%s\t%s\n' "$role" "$privileges" "$password"
    else
      printf '%s\t%s\t\\N\n' "$role" "$privileges"
    fi
  done < "$ACCESS_FILE"
}
rows | psql "$@" -d "$APP_DATABASE" -v db="$APP_DATABASE" -v owner="$APP_USER" -v read_group="$READ_GROUP" -v write_group="$WRITE_GROUP" -v backup_role="$BACKUP_ROLE" -f "$dir/access-sync.sql" || exit 1
if [ -s "$ACCESS_FILE" ]; then
  psql "$@" -d "$APP_DATABASE" -v db="$APP_DATABASE" -v owner="$APP_USER" -v read_group="$READ_GROUP" -v write_group="$WRITE_GROUP" -v with_groups=true -f "$dir/access-grants.sql" || exit 1
fi
echo "role-sync: access roles of $APP_DATABASE applied ($(grep -c . "$ACCESS_FILE" 2>/dev/null || echo 0) listed)"
`;

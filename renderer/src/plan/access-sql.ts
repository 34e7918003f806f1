/**
 * The SQL of access roles, one text for every engine (constant: values reach it as psql variables,
 * never by substitution; no "${" for Flux). The statefulset role sync connects as the superuser,
 * the cloudnative-pg and shared-server grants Job as the database owner; either way the grants run
 * as the owner (SET ROLE), so they cover "every object the owner may grant" on every engine (a
 * non-owner's GRANT on a table it holds nothing on fails outright: the GRANT reference page's
 * notes, PostgreSQL 18). The owner shapes its database (functions, operators, a schema named as
 * the superuser, its search_path): only pg_catalog is searched and calls are qualified, so nothing
 * of the owner's runs here (review 2 B1). docs/access-roles.md has the reasoning and sources.
 */

/**
 * Who may connect to the application database, and the privileges of its two access groups.
 * Converges; any number of runs leave the catalogs as one run does: it only grants (a group's set
 * of privileges never shrinks, read and write are memberships), and GRANT of a held privilege or
 * REVOKE of one not held changes nothing.
 *
 * psql -X -q -v ON_ERROR_STOP=1 -v db=app -v owner=app -v read_group=app__read -v write_group=app__write -v with_groups=true -d app -f access-grants.sql
 */
export const ACCESS_GRANTS_SQL = `-- access-grants.sql (postgres-gitops): connections to the application database and the privileges of its access groups.
\\set ON_ERROR_STOP on
-- The database belongs to its owner, who may create functions, operators and schemas on any
-- search path: only pg_catalog is searched (pg_temp is never searched for functions or operators),
-- and every function call is qualified besides (PostgreSQL "Schemas: Usage Patterns", CVE-2018-1058).
SET search_path = pg_catalog, pg_temp;
SELECT pg_catalog.set_config('postgres_gitops.owner', :'owner', false) AS owner_set,
       pg_catalog.set_config('postgres_gitops.read_group', :'read_group', false) AS read_group_set,
       pg_catalog.set_config('postgres_gitops.write_group', :'write_group', false) AS write_group_set \\gset
BEGIN;
-- Only the owner, the access groups and roles granted CONNECT by name connect (superusers always do).
REVOKE CONNECT ON DATABASE :"db" FROM PUBLIC;
\\if :with_groups
-- TEMPORARY too: reporting tools build temporary tables.
GRANT CONNECT, TEMPORARY ON DATABASE :"db" TO :"read_group";
-- PostgreSQL 13 and 14 let every role create in schema public (15 stopped that). A superuser first
-- gives the schema to the owner (the owner keeps creating there), then nobody else may: the
-- cloudnative-pg Database object's schemas did the first step where the owner runs this.
DO $public$
DECLARE
  owner text := pg_catalog.current_setting('postgres_gitops.owner');
BEGIN
  IF (SELECT rolsuper FROM pg_catalog.pg_roles WHERE rolname = current_user)
     AND NOT (SELECT rolsuper FROM pg_catalog.pg_roles WHERE rolname = owner)
     AND EXISTS (SELECT FROM pg_catalog.pg_namespace WHERE nspname = 'public' AND nspowner = 10) THEN
    EXECUTE pg_catalog.format('ALTER SCHEMA public OWNER TO %I', owner);
  END IF;
  IF EXISTS (SELECT FROM pg_catalog.pg_namespace WHERE nspname = 'public' AND pg_catalog.pg_has_role(nspowner, 'USAGE')) THEN
    REVOKE CREATE ON SCHEMA public FROM PUBLIC;
  END IF;
END
$public$;
-- The rest as the owner (the statefulset sync connects as the superuser; the grants Job already is
-- the owner, SET ROLE to oneself is allowed): it grants on what the owner may grant and nothing
-- else. Not a boundary against code that runs (RESET ROLE): the search path above is.
SET LOCAL ROLE :"owner";
-- Every schema, table, view, materialized view, foreign table and sequence there is (not the
-- system's, not an extension's), one object at a time: a GRANT over ALL TABLES IN SCHEMA fails
-- whole when the owner may not grant on one of them. Only what a group lacks is granted: a GRANT
-- writes a new catalog row even when it changes nothing (aclchk.c ExecGrant_Relation), so the
-- hourly pass on an unchanged database writes nothing.
DO $grants$
DECLARE
  reader oid := pg_catalog.current_setting('postgres_gitops.read_group')::regrole;
  writer oid := pg_catalog.current_setting('postgres_gitops.write_group')::regrole;
  o record;
BEGIN
  FOR o IN
    SELECT n.oid::regnamespace AS name FROM pg_catalog.pg_namespace n
     WHERE n.nspname !~ '^pg_' AND n.nspname <> 'information_schema'
       AND pg_catalog.pg_has_role(n.nspowner, 'USAGE')
       AND NOT EXISTS (SELECT FROM pg_catalog.pg_depend d WHERE d.classid = 'pg_catalog.pg_namespace'::regclass AND d.objid = n.oid AND d.deptype = 'e')
       AND NOT EXISTS (SELECT FROM pg_catalog.aclexplode(n.nspacl) a WHERE a.grantee = reader AND a.privilege_type = 'USAGE')
  LOOP
    EXECUTE pg_catalog.format('GRANT USAGE ON SCHEMA %s TO %s', o.name, reader::regrole);
  END LOOP;
  FOR o IN
    SELECT c.oid::regclass AS name, c.relkind,
           (SELECT pg_catalog.array_agg(a.privilege_type::text) FROM pg_catalog.aclexplode(c.relacl) a WHERE a.grantee = reader) AS read_has,
           (SELECT pg_catalog.array_agg(a.privilege_type::text) FROM pg_catalog.aclexplode(c.relacl) a WHERE a.grantee = writer) AS write_has
      FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
     WHERE c.relkind IN ('r', 'p', 'v', 'm', 'f', 'S')
       AND n.nspname !~ '^pg_' AND n.nspname <> 'information_schema'
       AND pg_catalog.pg_has_role(c.relowner, 'USAGE')
       AND NOT EXISTS (SELECT FROM pg_catalog.pg_depend d WHERE d.classid = 'pg_catalog.pg_class'::regclass AND d.objid = c.oid AND d.deptype = 'e')
  LOOP
    IF o.relkind = 'S' THEN
      IF NOT coalesce(o.read_has @> '{SELECT}', false) THEN EXECUTE pg_catalog.format('GRANT SELECT ON SEQUENCE %s TO %s', o.name, reader::regrole); END IF;
      IF NOT coalesce(o.write_has @> '{USAGE}', false) THEN EXECUTE pg_catalog.format('GRANT USAGE ON SEQUENCE %s TO %s', o.name, writer::regrole); END IF;
    ELSE
      IF NOT coalesce(o.read_has @> '{SELECT}', false) THEN EXECUTE pg_catalog.format('GRANT SELECT ON TABLE %s TO %s', o.name, reader::regrole); END IF;
      IF o.relkind <> 'm' AND NOT coalesce(o.write_has @> '{INSERT,UPDATE,DELETE}', false) THEN
        EXECUTE pg_catalog.format('GRANT INSERT, UPDATE, DELETE ON TABLE %s TO %s', o.name, writer::regrole);
      END IF;
    END IF;
  END LOOP;
END
$grants$;
-- What the owner creates later, in any schema (no IN SCHEMA: database-wide defaults).
ALTER DEFAULT PRIVILEGES FOR ROLE :"owner" GRANT USAGE ON SCHEMAS TO :"read_group";
ALTER DEFAULT PRIVILEGES FOR ROLE :"owner" GRANT SELECT ON TABLES TO :"read_group";
ALTER DEFAULT PRIVILEGES FOR ROLE :"owner" GRANT SELECT ON SEQUENCES TO :"read_group";
ALTER DEFAULT PRIVILEGES FOR ROLE :"owner" GRANT INSERT, UPDATE, DELETE ON TABLES TO :"write_group";
ALTER DEFAULT PRIVILEGES FOR ROLE :"owner" GRANT USAGE ON SEQUENCES TO :"write_group";
\\endif
COMMIT;
`;

/**
 * What the grants still wait for, one line, empty once they can run: the operator makes the group
 * roles from their DatabaseRoles and, on PostgreSQL 14, hands the owner schema public (the
 * Database object's schemas), in its own time. Never fails on a missing role.
 */
export const ACCESS_READY_SQL = `-- access-ready.sql (postgres-gitops): prints what access-grants.sql waits for; nothing once it can run.
\\set ON_ERROR_STOP on
\\if :with_groups
SELECT concat_ws('; ',
  CASE WHEN NOT EXISTS (SELECT FROM pg_roles WHERE rolname = :'read_group') THEN 'group role ' || :'read_group' || ' does not exist yet' END,
  CASE WHEN NOT EXISTS (SELECT FROM pg_auth_members m JOIN pg_roles g ON g.oid = m.roleid JOIN pg_roles w ON w.oid = m.member
                         WHERE g.rolname = :'read_group' AND w.rolname = :'write_group')
       THEN 'group role ' || :'write_group' || ' is not a member of ' || :'read_group' || ' yet' END,
  (SELECT 'schema public belongs to ' || nspowner::regrole || ', not to ' || current_user FROM pg_namespace
    WHERE nspname = 'public' AND NOT pg_has_role(nspowner, 'USAGE')));
\\endif
`;

/**
 * The grants Job's command (cloudnative-pg and shared-server): waits for what the operator makes,
 * then applies the grants as the owner through the Service. Its name carries a digest of its whole
 * pod template, so a change runs a new Job (a Job's template is immutable) and GitOps prunes the old.
 */
export const GRANTS_SH = `#!/bin/bash
# Usage: grants.sh   (libpq's PG* variables of the owner; READ_GROUP, WRITE_GROUP, WITH_GROUPS, WAIT_SECONDS, CHECK_OPEN_DATABASES)
set -eu
dir=$(dirname "$0")
set -- -X -q -w -A -t -v ON_ERROR_STOP=1 -v db="$PGDATABASE" -v owner="$PGUSER" -v read_group="$READ_GROUP" -v write_group="$WRITE_GROUP" -v with_groups="$WITH_GROUPS"
deadline=$((SECONDS + WAIT_SECONDS))
while true; do
  if waiting=$(psql "$@" -f "$dir/access-ready.sql" 2>&1); then
    [ -z "$waiting" ] && break
  fi
  if [ "$SECONDS" -ge "$deadline" ]; then
    echo "grants.sh: gave up after $WAIT_SECONDS s: $waiting" >&2
    exit 1
  fi
  echo "grants.sh: waiting: $waiting"
  sleep 10
done
psql "$@" -f "$dir/access-grants.sql"
echo "grants.sh: connections to $PGDATABASE and the privileges of its access groups are in place"
# A tenant's access roles pass the server's pg_hba into every database but postgres and template1:
# CONNECT keeps them out, which tenants rendered before their grants Job existed never revoked
# from PUBLIC. A tenant created a moment ago is open until its own Job ran: wait WAIT_SECONDS, then
# name them and fail the Job for good (exit 3, its podFailurePolicy): the alert says so, and the
# GitOps tool never applies this tenant's login roles (layout/access-gate.ts).
if [ "$(printenv CHECK_OPEN_DATABASES)" = true ]; then
  deadline=$((SECONDS + WAIT_SECONDS))
  while true; do
    open=$(psql "$@" -c "SELECT pg_catalog.string_agg(d.datname, ', ' ORDER BY d.datname) FROM pg_catalog.pg_database d WHERE d.datallowconn AND d.datname NOT IN ('postgres', 'template0', 'template1') AND (d.datacl IS NULL OR EXISTS (SELECT FROM pg_catalog.aclexplode(d.datacl) a WHERE a.grantee = 0 AND a.privilege_type = 'CONNECT'))") || exit 1
    [ -n "$open" ] || break
    if [ "$SECONDS" -ge "$deadline" ]; then
      echo "grants.sh: every role may connect to database(s) $open on this server, this tenant's access roles too, so they are not created: re-render those tenants (postgres-gitops fleet publish, or any update of each) so that their grants Job revokes CONNECT from PUBLIC, then delete this Job; GitOps runs it again and creates the access roles once it succeeds" >&2
      exit 3
    fi
    sleep 10
  done
fi
`;

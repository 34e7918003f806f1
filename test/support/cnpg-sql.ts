/**
 * What CloudNativePG v1.30.0's instance manager runs for the DatabaseRole and Database objects we
 * render, as psql scripts, to apply them to a real PostgreSQL: the same statements, values in psql
 * variables. Read from internal/management/controller/roles/postgres.go (Create: CREATE ROLE with
 * appendRoleOptions, IN ROLE and the password, then COMMENT ON ROLE; Update: ALTER ROLE with the
 * options and the password; UpdateMembership: GRANT the missing parents, REVOKE the extra ones, from
 * GetParentRoles; Delete: DROP ROLE IF EXISTS), databaserole_controller.go (handleDeletion drops
 * only with reclaim policy delete) and database_controller_sql.go (createDatabase, updateDatabase's
 * OWNER TO, updateDatabaseSchema's ALTER SCHEMA ... OWNER TO).
 */
type Obj = Record<string, any>;

const quote = (value: string) => `'${value.replace(/'/g, "''")}'`;

/** roles/postgres.go appendRoleOptions, in its order. */
function roleOptions(r: Obj): string {
  return [
    r.bypassrls ? 'BYPASSRLS' : 'NOBYPASSRLS',
    r.createdb ? 'CREATEDB' : 'NOCREATEDB',
    r.createrole ? 'CREATEROLE' : 'NOCREATEROLE',
    r.inherit ?? true ? 'INHERIT' : 'NOINHERIT',
    r.login ? 'LOGIN' : 'NOLOGIN',
    r.replication ? 'REPLICATION' : 'NOREPLICATION',
    r.superuser ? 'SUPERUSER' : 'NOSUPERUSER',
    `CONNECTION LIMIT ${r.connectionLimit ?? -1}`,
  ].join(' ');
}

/**
 * One reconcile of a DatabaseRole: create it or update it, then its memberships. `password` is the
 * value of its passwordSecret (the operator reads the Secret); without a passwordSecret the
 * password is left as it is, with disablePassword it is set NULL. The operator retries a failed
 * reconcile (a parent role that does not exist yet fails CREATE ROLE ... IN ROLE): so do callers.
 */
export function databaseRoleSql(role: Obj, password?: string): string {
  const r = role.spec;
  const inRoles: string[] = r.inRoles ?? [];
  const passwordClause = r.passwordSecret ? ` PASSWORD ${quote(password ?? '')}` : r.disablePassword ? ' PASSWORD NULL' : '';
  const inRole = inRoles.length > 0 ? ` IN ROLE ${inRoles.map(g => `"${g}"`).join(',')}` : '';
  return [
    '\\set ON_ERROR_STOP on',
    `\\set role ${quote(r.name)}`,
    `SELECT NOT EXISTS (SELECT FROM pg_roles WHERE rolname = :'role') AS create_role \\gset`,
    '\\if :create_role',
    `  CREATE ROLE :"role" ${roleOptions(r)}${inRole}${passwordClause};`,
    ...(r.comment ? [`  COMMENT ON ROLE :"role" IS ${quote(r.comment)};`] : []),
    '\\else',
    `  ALTER ROLE :"role" ${roleOptions(r)}${passwordClause};`,
    ...(r.comment ? [`  COMMENT ON ROLE :"role" IS ${quote(r.comment)};`] : []),
    '  BEGIN;',
    `  SELECT format('GRANT %I TO %I', g, :'role') FROM unnest(ARRAY[${inRoles.map(quote).join(',')}]::text[]) g`,
    `   WHERE NOT EXISTS (SELECT FROM pg_auth_members m JOIN pg_roles p ON p.oid = m.roleid JOIN pg_roles c ON c.oid = m.member WHERE p.rolname = g AND c.rolname = :'role') \\gexec`,
    `  SELECT format('REVOKE %I FROM %I', p.rolname, :'role') FROM pg_auth_members m JOIN pg_roles p ON p.oid = m.roleid JOIN pg_roles c ON c.oid = m.member`,
    `   WHERE c.rolname = :'role' AND p.rolname <> ALL (ARRAY[${inRoles.map(quote).join(',')}]::text[]) \\gexec`,
    '  COMMIT;',
    '\\endif',
    '',
  ].join('\n');
}

/** A DatabaseRole's object deleted: dropped with reclaim policy delete, kept otherwise. */
export function databaseRoleDeletedSql(role: Obj): string {
  return role.spec.databaseRoleReclaimPolicy === 'delete' ? `DROP ROLE IF EXISTS "${role.spec.name}";\n` : '';
}

/** One reconcile of a Database (ensure: present): create it, or set its owner; then its schemas' owners. Run against `postgres`; schemas need the database itself (`schemaSql`). */
export function databaseSql(database: Obj): string {
  const d = database.spec;
  return [
    '\\set ON_ERROR_STOP on',
    `\\set database ${quote(d.name)}`,
    `\\set owner ${quote(d.owner)}`,
    `SELECT NOT EXISTS (SELECT FROM pg_database WHERE datname = :'database') AS create_database \\gset`,
    '\\if :create_database',
    '  CREATE DATABASE :"database" OWNER :"owner";',
    '\\endif',
    'ALTER DATABASE :"database" OWNER TO :"owner";',
    '',
  ].join('\n');
}

export function schemaSql(database: Obj): string {
  return (database.spec.schemas ?? [])
    .map((s: Obj) => `DO $s$ BEGIN IF EXISTS (SELECT FROM pg_namespace WHERE nspname = ${quote(s.name)}) THEN EXECUTE format('ALTER SCHEMA %I OWNER TO %I', ${quote(s.name)}, ${quote(s.owner)}); ELSE EXECUTE format('CREATE SCHEMA %I AUTHORIZATION %I', ${quote(s.name)}, ${quote(s.owner)}); END IF; END $s$;\n`)
    .join('');
}

/**
 * Shell scripts the pods run, shipped in the `-scripts` ConfigMap. They are constant text:
 * every per-database value reaches them through environment variables, never by substitution,
 * and they avoid the `${...}` form so Flux post-build substitution cannot touch them.
 */

/**
 * Primary: refuse to initialise over standbys that hold data, start the server, sync roles, wait.
 * Stopping sends the server SIGINT, a fast shutdown: a smart one (SIGTERM) waits for every
 * client, so pooled connections would hold it until the kubelet's SIGKILL and a crash recovery.
 */
export const PRIMARY_SH = `#!/bin/bash
# Usage: primary.sh <server command...>   (the image's docker-entrypoint.sh postgres ...)
set -eu

if [ ! -s "$PGDATA/PG_VERSION" ] && [ -n "$STANDBY_HOST" ]; then
  if pg_isready -q -h "$STANDBY_HOST" -p "$STANDBY_PORT" -t 5; then
    echo "primary.sh: refusing to initialise an empty data directory: standby $STANDBY_HOST is up and holds this database's data." >&2
    echo "primary.sh: restore the primary volume, or promote the standby; to start over, scale the read StatefulSet to 0 and delete its volumes first." >&2
    exit 1
  fi
fi

"$@" &
server=$!
trap 'kill -INT "$server" 2>/dev/null || true' TERM INT

# Wait for the real server: the image's temporary initdb server does not listen on TCP.
until pg_isready -q -h 127.0.0.1 -p "$PGPORT_SERVER"; do
  if ! kill -0 "$server" 2>/dev/null; then
    wait "$server"
    exit $?
  fi
  sleep 1
done

if ! /bin/bash "$(dirname "$0")/sync-roles.sh"; then
  echo "primary.sh: role sync failed; stopping the server" >&2
  kill -INT "$server"
  wait "$server" || true
  exit 1
fi

# wait returns early when the trap fires; keep waiting until the server has shut down.
while kill -0 "$server" 2>/dev/null; do
  wait "$server" || true
done
status=0
wait "$server" || status=$?
exit "$status"
`;

/**
 * Roles and database, on every start of the primary. The official image applies
 * POSTGRES_PASSWORD only at initdb; the Secret stays the source of truth because this sets
 * every role's password from it each time. Values reach psql through the environment
 * (backticks), never through argv, so no password shows in the process list.
 */
export const SYNC_ROLES_SH = `#!/bin/bash
set -eu
exec psql -X -q -v ON_ERROR_STOP=1 -h "$PGSOCKET" -p "$PGPORT_SERVER" -U postgres -d postgres <<'SQL'
\\set app_user \`printenv APP_USER\`
\\set app_database \`printenv APP_DATABASE\`
\\set app_password \`printenv APP_PASSWORD\`
\\set superuser_password \`printenv POSTGRES_PASSWORD\`
\\set replication_password \`printenv REPLICATION_PASSWORD || true\`
\\set monitoring_password \`printenv MONITORING_PASSWORD || true\`
SELECT pg_is_in_recovery() AS in_recovery \\gset
\\if :in_recovery
  \\echo 'sync-roles: standby, roles follow the primary'
  \\quit
\\endif
SET log_statement = 'none';
ALTER ROLE postgres PASSWORD :'superuser_password';
SELECT NOT EXISTS (SELECT FROM pg_roles WHERE rolname = :'app_user') AS create_app \\gset
\\if :create_app
  CREATE ROLE :"app_user" LOGIN;
\\endif
ALTER ROLE :"app_user" LOGIN PASSWORD :'app_password';
SELECT NOT EXISTS (SELECT FROM pg_database WHERE datname = :'app_database') AS create_database \\gset
\\if :create_database
  CREATE DATABASE :"app_database" OWNER :"app_user";
\\endif
SELECT :'replication_password' <> '' AS with_replication \\gset
\\if :with_replication
  SELECT NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'replicator') AS create_replicator \\gset
  \\if :create_replicator
    CREATE ROLE replicator WITH REPLICATION LOGIN;
  \\endif
  ALTER ROLE replicator WITH REPLICATION LOGIN PASSWORD :'replication_password';
\\endif
SELECT :'monitoring_password' <> '' AS with_monitoring \\gset
\\if :with_monitoring
  SELECT NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'postgres_exporter') AS create_exporter \\gset
  \\if :create_exporter
    CREATE ROLE postgres_exporter LOGIN;
  \\endif
  ALTER ROLE postgres_exporter LOGIN PASSWORD :'monitoring_password';
  GRANT pg_monitor TO postgres_exporter;
\\endif
\\echo 'sync-roles: roles and database in place'
SQL
`;

/**
 * Rotation, on the primary: the application Secret is mounted as a file, which the kubelet
 * updates in place when External Secrets writes a new password; this applies each new value
 * with ALTER ROLE through the local socket. Open sessions stay; new ones need the new password.
 */
export const PASSWORD_SYNC_SH = `#!/bin/bash
# Usage: credential-sync.sh   (APP_USER, APP_PASSWORD_FILE, PGSOCKET, PGPORT_SERVER, SYNC_INTERVAL_SECONDS)
set -u
trap 'exit 0' TERM INT
applied=''
while true; do
  current=$(sha256sum "$APP_PASSWORD_FILE" 2>/dev/null | cut -d ' ' -f 1)
  if [ -n "$current" ] && [ "$current" != "$applied" ]; then
    if psql -X -q -t -A -v ON_ERROR_STOP=1 -h "$PGSOCKET" -p "$PGPORT_SERVER" -U postgres -d postgres <<'SQL'
\\set app_user \`printenv APP_USER\`
\\set app_password \`cat "$APP_PASSWORD_FILE"\`
SELECT pg_is_in_recovery() AS in_recovery \\gset
\\if :in_recovery
  \\echo 'password-sync: standby, nothing to apply'
\\else
  SET log_statement = 'none';
  ALTER ROLE :"app_user" PASSWORD :'app_password';
  \\echo 'password-sync: applied the application password from the Secret'
\\endif
SQL
    then
      applied=$current
    fi
  fi
  sleep "$SYNC_INTERVAL_SECONDS" &
  wait $! || true
done
`;

/** Standby: clone the primary once with pg_basebackup, then run as a hot standby following it. */
export const STANDBY_SH = `#!/bin/bash
# Usage: standby.sh <server command...>
set -eu
if [ ! -s "$PGDATA/PG_VERSION" ]; then
  echo "standby.sh: cloning $PRIMARY_HOST into an empty data directory"
  rm -rf "$PGDATA.partial"
  PGPASSWORD="$REPLICATION_PASSWORD" pg_basebackup -h "$PRIMARY_HOST" -p "$PRIMARY_PORT" -U replicator \\
    -D "$PGDATA.partial" -X stream -R -c fast --no-password
  chmod 700 "$PGDATA.partial"
  rm -rf "$PGDATA"
  mv "$PGDATA.partial" "$PGDATA"
fi
exec "$@"
`;

/** Backup: pg_dump (custom format) and the globals, into a dated directory; keep the newest N. */
export const BACKUP_SH = `#!/bin/bash
set -euo pipefail
stamp=$(date -u +%Y%m%dT%H%M%S.%NZ)
target="$BACKUP_DIR/$stamp"
find "$BACKUP_DIR" -mindepth 1 -maxdepth 1 -type d -name '*.partial' -exec rm -rf {} +
mkdir -p "$target.partial"
pg_dump --format=custom --file="$target.partial/$PGDATABASE.dump" "$PGDATABASE"
pg_dumpall --globals-only --file="$target.partial/globals.sql"
mv "$target.partial" "$target"
echo "backup.sh: wrote $target"

count=$(find "$BACKUP_DIR" -mindepth 1 -maxdepth 1 -type d -name '*Z' | wc -l)
excess=$((count - BACKUP_RETENTION))
if [ "$excess" -gt 0 ]; then
  find "$BACKUP_DIR" -mindepth 1 -maxdepth 1 -type d -name '*Z' | sort | head -n "$excess" | while read -r old; do
    echo "backup.sh: pruning $old"
    rm -rf "$old"
  done
fi
`;

/**
 * Shell scripts the pods run, shipped in the `-scripts` ConfigMap. They are constant text:
 * every per-database value reaches them through environment variables, never by substitution,
 * and they avoid the `${...}` form so Flux post-build substitution cannot touch them.
 */

/**
 * Primary: refuse to initialise over standbys that hold data, start the server, sync roles, wait.
 * Stopping sends the server SIGINT, a fast shutdown: a smart one (SIGTERM) waits for every
 * client, so pooled connections would hold it until the kubelet's SIGKILL and a crash recovery.
 *
 * The guard (review 3 B1) asks the standbys through the headless read Service's name
 * (STANDBY_HOSTS), never through the `-replicas` Service: a standby whose primary is gone stops
 * streaming and leaves that Service after a minute (its readiness), so by the time a lost primary
 * volume comes back empty the ClusterIP has no endpoint. The headless Service publishes not-ready
 * addresses, so its name resolves to every standby pod that has an address, ready or not, and
 * pg_isready tries each address in turn (statefulset.ts, standbyHosts). A
 * server that answers at all holds this database's data: pg_isready 0 (accepting) or 1
 * (rejecting: still starting or recovering) refuses; only 2 (no answer) and 3 (no attempt) do not.
 * A standby without data never runs a server (it waits in its clone init container), so at first
 * creation none answers. None answering, it asks again for STANDBY_WAIT_SECONDS before
 * initialising: after a restart of every pod, a standby's server may start later than the primary.
 */
export const PRIMARY_SH = `#!/bin/bash
# Usage: primary.sh <server command...>   (the image's docker-entrypoint.sh postgres ...)
set -eu

if [ ! -s "$PGDATA/PG_VERSION" ] && [ -n "$STANDBY_HOSTS" ]; then
  deadline=$(( $(date +%s) + STANDBY_WAIT_SECONDS ))
  while true; do
    for host in $STANDBY_HOSTS; do
      answer=0
      pg_isready -q -h "$host" -p "$STANDBY_PORT" -t 5 || answer=$?
      if [ "$answer" -le 1 ]; then
        echo "primary.sh: refusing to initialise an empty data directory: standby $host is up and holds this database's data." >&2
        echo "primary.sh: restore the primary volume, or promote the standby; to start over with an empty database, delete the read StatefulSet's data claims and pods first." >&2
        exit 1
      fi
    done
    if [ "$(date +%s)" -ge "$deadline" ]; then break; fi
    sleep 5
  done
  echo "primary.sh: no standby answered in $STANDBY_WAIT_SECONDS s; initialising an empty data directory"
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
 * (backticks), never through argv, so no password shows in the process list. Before the first
 * password the session stops every way PostgreSQL logs a statement's text: log_statement, a
 * slow statement (log_min_duration_statement) and a failing one (log_min_error_statement logs
 * STATEMENT: with the error); all three are superuser-settable per session. reload.sh does the same.
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
\\set backup_password \`printenv BACKUP_PASSWORD || true\`
SELECT pg_is_in_recovery() AS in_recovery \\gset
\\if :in_recovery
  \\echo 'sync-roles: standby, roles follow the primary'
  \\quit
\\endif
SET log_statement = 'none';
SET log_min_duration_statement = -1;
SET log_min_error_statement = panic;
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
SELECT :'backup_password' <> '' AS with_backup \\gset
\\if :with_backup
  SELECT NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'postgres_backup') AS create_backup \\gset
  \\if :create_backup
    CREATE ROLE postgres_backup LOGIN;
  \\endif
  ALTER ROLE postgres_backup LOGIN NOSUPERUSER BYPASSRLS PASSWORD :'backup_password';
  GRANT pg_read_all_data TO postgres_backup;
  -- pg_read_all_data reads tables, views and sequences, not large objects, which have an ACL of their own.
  \\connect :"app_database"
  SELECT format('GRANT SELECT ON LARGE OBJECT %s TO postgres_backup', oid) FROM pg_largeobject_metadata \\gexec
  SELECT current_setting('server_version_num')::int >= 180000 AS large_object_defaults \\gset
  \\if :large_object_defaults
    ALTER DEFAULT PRIVILEGES FOR ROLE :"app_user" GRANT SELECT ON LARGE OBJECTS TO postgres_backup;
  \\endif
\\endif
\\echo 'sync-roles: roles and database in place'
SQL
`;

/**
 * Beside every PostgreSQL container: makes what the kubelet updates in place take effect without
 * a restart. PostgreSQL reads postgresql.conf, pg_hba.conf and ssl_cert_file/ssl_key_file only at
 * start and on reload (SIGHUP); the kubelet rewrites mounted ConfigMaps and Secrets in place (an
 * atomic swap of the ..data link) when they change: a certificate cert-manager renewed, a setting
 * a reload applies. Every RELOAD_INTERVAL_SECONDS this compares a digest of RELOAD_FILES with the
 * one last loaded and calls pg_reload_conf() over the local socket when it differs (and once at
 * start, for a change that landed before it ran). With rotation, on the primary, it also applies
 * a new application password from the mounted Secret with ALTER ROLE: open sessions stay, new
 * ones need the new password.
 */
export const RELOAD_SH = `#!/bin/bash
# Usage: reload.sh   (PGSOCKET, PGPORT_SERVER, RELOAD_INTERVAL_SECONDS, RELOAD_FILES; with rotation APP_USER, APP_PASSWORD_FILE;
#                    on the primary ACCESS_FILE, ROLE_PASSWORDS_DIR, RESYNC_SECONDS and role-sync.sh's variables)
set -u
trap 'exit 0' TERM INT
password_file=$(printenv APP_PASSWORD_FILE || true)
access_file=$(printenv ACCESS_FILE || true)
loaded=''
applied=''
synced=''
synced_at=0
while true; do
  files=$(cat $RELOAD_FILES 2>/dev/null | sha256sum | cut -d ' ' -f 1)
  if [ "$files" != "$loaded" ]; then
    if psql -X -q -t -A -v ON_ERROR_STOP=1 -h "$PGSOCKET" -p "$PGPORT_SERVER" -U postgres -d postgres -c 'SELECT pg_reload_conf()' >/dev/null; then
      if [ -n "$loaded" ]; then echo 'reload: configuration or certificate changed; the server reloaded it'; fi
      loaded=$files
    fi
  fi
  current=''
  if [ -n "$password_file" ]; then current=$(sha256sum "$password_file" 2>/dev/null | cut -d ' ' -f 1); fi
  if [ -n "$current" ] && [ "$current" != "$applied" ]; then
    if psql -X -q -t -A -v ON_ERROR_STOP=1 -h "$PGSOCKET" -p "$PGPORT_SERVER" -U postgres -d postgres <<'SQL'
\\set app_user \`printenv APP_USER\`
\\set app_password \`cat "$APP_PASSWORD_FILE"\`
SELECT pg_is_in_recovery() AS in_recovery \\gset
\\if :in_recovery
  \\echo 'password-sync: standby, nothing to apply'
\\else
  SET log_statement = 'none';
  SET log_min_duration_statement = -1;
  SET log_min_error_statement = panic;
  ALTER ROLE :"app_user" PASSWORD :'app_password';
  \\echo 'password-sync: applied the application password from the Secret'
\\endif
SQL
    then
      applied=$current
    fi
  fi
  if [ -n "$access_file" ]; then
    state=$(cat "$access_file" "$ROLE_PASSWORDS_DIR"/* 2>/dev/null | sha256sum | cut -d ' ' -f 1)
    now=$(date +%s)
    if [ "$state" != "$synced" ] || [ $((now - synced_at)) -ge "$RESYNC_SECONDS" ]; then
      if /bin/bash "$(dirname "$0")/role-sync.sh"; then
        synced=$state
        synced_at=$now
      fi
    fi
  fi
  sleep "$RELOAD_INTERVAL_SECONDS" &
  wait $! || true
done
`;

/**
 * Standby, in two steps. The init container (`standby.sh clone`) clones the primary once with
 * pg_basebackup onto an empty volume: init containers have no probes, so a clone of any size
 * runs to its end. The server container then runs the hot standby and never clones, so its
 * startup probe only waits for a server that already has its data. Each standby tells the primary
 * its pod name: pg_basebackup -R leaves application_name out of primary_conninfo, and the
 * walreceiver then reports cluster_name, or "walreceiver" for every standby alike (which makes
 * the exporter's per-standby series collide).
 *
 * Before it starts the server, it raises the five hot-standby-sensitive settings (max_connections,
 * max_wal_senders, max_worker_processes, max_prepared_transactions, max_locks_per_transaction)
 * to at least the values its control file records for the primary. PostgreSQL 13-18 refuse to
 * start a hot standby below them (xlogrecovery.c CheckRequiredParameterValues: "recovery aborted
 * because of insufficient parameter settings"), and the control file only learns a lowered value
 * by replaying the primary's XLOG_PARAMETER_CHANGE, which a standby that cannot start never does.
 * The primary and read StatefulSets roll at the same time, so without this a change that lowers
 * one of them (a smaller size) crash-loops the standbys for good. CloudNativePG does the same
 * (v1.30.0 internal/management/controller/instance_controller.go verifyParametersForFollower,
 * pkg/management/postgres/restore.go LoadEnforcedParametersFromPgControldata). The standby keeps
 * the higher value until its next restart; it is never lower than the primary's.
 */
export const STANDBY_SH = `#!/bin/bash
# Usage: standby.sh clone                 (init container: clone the primary onto an empty volume)
#        standby.sh <server command...>   (server container: run the hot standby)
set -eu
if [ "$1" = clone ]; then
  if [ -s "$PGDATA/PG_VERSION" ]; then
    echo "standby.sh: the data directory is in place; nothing to clone"
    exit 0
  fi
  echo "standby.sh: cloning $PRIMARY_HOST into an empty data directory"
  rm -rf "$PGDATA.partial"
  PGPASSWORD="$REPLICATION_PASSWORD" pg_basebackup -h "$PRIMARY_HOST" -p "$PRIMARY_PORT" -U replicator \\
    -D "$PGDATA.partial" -X stream -R -c fast --no-password
  chmod 700 "$PGDATA.partial"
  rm -rf "$PGDATA"
  mv "$PGDATA.partial" "$PGDATA"
  echo "standby.sh: clone complete"
  exit 0
fi
if [ ! -s "$PGDATA/PG_VERSION" ]; then
  echo "standby.sh: no data directory; the clone init container fills it before the server starts" >&2
  exit 1
fi
# A hot standby refuses to start with a hot-standby-sensitive setting below the primary's value
# as recorded in its own control file. Start with the larger of the two, as CloudNativePG does.
for pair in max_connections:max_connections max_wal_senders:max_wal_senders max_worker_processes:max_worker_processes \\
    max_prepared_xacts:max_prepared_transactions max_locks_per_xact:max_locks_per_transaction; do
  recorded=$(LC_ALL=C pg_controldata -D "$PGDATA" | awk -F ': *' -v key="$(echo "$pair" | cut -d : -f 1) setting" '$1 == key { print $2 }')
  setting=$(echo "$pair" | cut -d : -f 2)
  configured=$("$@" -C "$setting")
  if [ -n "$recorded" ] && [ "$recorded" -gt "$configured" ]; then
    echo "standby.sh: $setting: starting with the primary's recorded $recorded, not $configured, until the primary's change is replayed and the standby restarts"
    set -- "$@" -c "$setting=$recorded"
  fi
done
exec "$@" -c "cluster_name=$POD_NAME"
`;

export { BACKUP_SH } from './drill-scripts';

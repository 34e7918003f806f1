/**
 * The restore drill of a cloudnative-pg database, as its runner (CronJob `{name}-drill`) carries it
 * in ConfigMap `{name}-postgresql-drill`. Constant text: every value comes from the environment or
 * psql variables; no "${" for Flux. README "Restore drills" has the design, docs/production-readiness.md its sources.
 */

/**
 * The runner: the database's own image (bash, psql of the same major) with kubectl copied in. It
 * makes sure the admission policy is installed (a probe Cluster it must not be allowed to create is
 * refused, in a server-side dry run), deletes a drill left by an earlier run, finds the live
 * Cluster's newest completed base backup, creates the drill Cluster (recovered by the operator
 * from the object store, archiving nothing), waits for it, checks it as its owner over the network
 * and deletes it whatever happened (EXIT trap; SIGTERM at the Job's deadline ends in it too). The
 * verdict is one JSON line on stdout and the pod's termination message.
 */
export const DRILL_SH = String.raw`#!/bin/bash
# Usage: drill.sh   (NAMESPACE, DRILL_CLUSTER, LIVE_CLUSTER, BACKUP_STORE, SERVER_NAME, APP_DATABASE, APP_OWNER,
#                   APP_SECRET, RECOVERY_JOB, POLICY, TIMEOUT_SECONDS, BACKUP_PERIOD_SECONDS; kubectl and psql on PATH)
set -uo pipefail
started=$(date +%s)
kc() { kubectl --namespace "$NAMESPACE" "$@"; }
verdict() {
  printf '%s\n' "$1"
  { printf '%s' "$1" | head -c 4000 > /dev/termination-log; } 2>/dev/null || true
}
json_string() { printf '"%s"' "$(printf '%s' "$1" | tr '\n\t' '  ' | sed -e 's/\\/\\\\/g' -e 's/"/\\"/g')"; }
fail() {
  echo "drill: FAILED: $*" >&2
  verdict "{\"result\":\"failed\",\"cluster\":\"$DRILL_CLUSTER\",\"reason\":$(json_string "$*")}"
  exit 1
}
cluster_status() { kc get cluster "$DRILL_CLUSTER" -o jsonpath='{.status.phase}: {.status.phaseReason}' 2>/dev/null || echo 'status unknown'; }

# 1. The admission policy must refuse what a drill may never create (probe.yaml archives into the live store).
if probe=$(kc create --dry-run=server -f /drill/probe.yaml -o name 2>&1); then
  fail "the admission policy $POLICY is not installed on this cluster, so this drill's ServiceAccount could create any Cluster; install it (postgres-gitops wiring --drill-policy, README: Restore drills)"
fi
case "$probe" in
  *"$POLICY"*) ;;
  *) fail "could not check the admission policy $POLICY: $probe" ;;
esac

# 2. A drill Cluster left by an earlier run goes first.
kc delete cluster "$DRILL_CLUSTER" --ignore-not-found --wait=true --timeout=10m >/dev/null \
  || fail "could not delete the drill Cluster $DRILL_CLUSTER left by an earlier run"

# 3. The newest completed base backup of the live Cluster: the drill recovers past its end.
backups=$(kc get backups -o jsonpath='{range .items[*]}{.spec.cluster.name}{" "}{.status.phase}{" "}{.status.stoppedAt}{" "}{.status.endLSN}{" "}{.metadata.name}{"\n"}{end}') \
  || fail "could not list the Backups of $LIVE_CLUSTER"
newest=$(printf '%s\n' "$backups" | awk -v cluster="$LIVE_CLUSTER" '$1 == cluster && $2 == "completed" && NF == 5 { print $3, $4, $5 }' | sort | tail -n 1)
[ -n "$newest" ] || fail "no completed base backup of $LIVE_CLUSTER yet"
read -r stopped_at end_lsn backup_name <<< "$newest"
age=$(( $(date +%s) - $(date -d "$stopped_at" +%s) ))
if [ "$age" -gt $((BACKUP_PERIOD_SECONDS + 3 * 3600)) ]; then
  fail "the newest base backup of $LIVE_CLUSTER ($backup_name) stopped at $stopped_at, $((age / 3600)) h ago: base backups are not being taken"
fi
window=$(kc get objectstore "$BACKUP_STORE" -o jsonpath="{.status.serverRecoveryWindow['$SERVER_NAME'].firstRecoverabilityPoint}" 2>/dev/null || true)

# 4. From here on the drill Cluster is deleted however the run ends.
cleanup() {
  status=$?
  if ! kc delete cluster "$DRILL_CLUSTER" --ignore-not-found --wait=true --timeout=10m >/dev/null 2>&1; then
    echo "drill: FAILED: the drill Cluster $DRILL_CLUSTER was left behind: kubectl -n $NAMESPACE delete cluster $DRILL_CLUSTER" >&2
    exit 1
  fi
  exit "$status"
}
trap cleanup EXIT
trap 'exit 143' TERM INT
kc create -f /drill/cluster.yaml >/dev/null || fail "could not create the drill Cluster $DRILL_CLUSTER"

# 5. The operator recovers it (a full-recovery Job, then the instance): wait until it is Ready.
deadline=$((started + TIMEOUT_SECONDS - 900))
until kc wait cluster "$DRILL_CLUSTER" --for=condition=Ready --timeout=60s >/dev/null 2>&1; do
  recovery=$(kc get job "$RECOVERY_JOB" --ignore-not-found -o jsonpath='{.status.conditions[?(@.type=="Failed")].status}' 2>/dev/null || true)
  if [ "$recovery" = True ]; then
    fail "the recovery of $DRILL_CLUSTER failed (kubectl -n $NAMESPACE logs job/$RECOVERY_JOB): $(cluster_status)"
  fi
  if [ "$(date +%s)" -ge "$deadline" ]; then
    fail "$DRILL_CLUSTER was not ready $(( $(date +%s) - started )) s after the drill started: $(cluster_status)"
  fi
done

# 6. Checked as its owner, over the network, with the password the operator generated for the drill.
PGPASSWORD=$(kc get secret "$APP_SECRET" -o jsonpath='{.data.password}' | base64 -d) || fail "could not read the drill's own Secret $APP_SECRET"
export PGPASSWORD
check=$(psql -X -q -A -t -v ON_ERROR_STOP=1 -v app_owner="$APP_OWNER" -v backup_end_lsn="$end_lsn" -f /drill/checks.sql \
  "host=$DRILL_CLUSTER-rw.$NAMESPACE.svc port=5432 dbname=$APP_DATABASE user=$APP_OWNER sslmode=require connect_timeout=10" 2>&1) \
  || fail "$(printf '%s' "$check" | tail -n 3 | tr '\n' ' ')"
verdict "{\"result\":\"passed\",\"cluster\":\"$DRILL_CLUSTER\",\"backup\":\"$backup_name\",\"backup_stopped_at\":\"$stopped_at\",\"backup_end_lsn\":\"$end_lsn\",\"first_recoverability_point\":\"$window\",\"duration_seconds\":$(( $(date +%s) - started )),\"check\":$check}"
echo "drill: PASSED" >&2
`;

/**
 * The checks, as the drill's owner in the recovered database: it is the application's database,
 * owned by the application's role; recovery reached past the end of the newest base backup (so
 * the WAL archive served at least that far); every table the owner may read is read end to end
 * (sequential scans, every value detoasted: a damaged block or TOAST chunk fails the drill).
 * Prints one JSON object.
 */
export const CHECKS_SQL = String.raw`-- checks.sql (postgres-gitops restore drill): psql -v app_owner=app -v backup_end_lsn=0/3000100 -f checks.sql
\set ON_ERROR_STOP on
SET enable_indexscan = off;
SET enable_indexonlyscan = off;
SET enable_bitmapscan = off;
SELECT set_config('drill.app_owner', :'app_owner', false) AS owner_set,
       set_config('drill.backup_end_lsn', :'backup_end_lsn', false) AS lsn_set \gset
CREATE TEMP TABLE drill_tables (name text, rows bigint, readable boolean);
DO $check$
DECLARE
  owner text := (SELECT pg_get_userbyid(datdba) FROM pg_database WHERE datname = current_database());
  t record;
  n bigint;
  bytes numeric;
BEGIN
  IF owner <> current_setting('drill.app_owner') THEN
    RAISE EXCEPTION 'database % is owned by %, not by %', current_database(), owner, current_setting('drill.app_owner');
  END IF;
  IF pg_current_wal_lsn() < current_setting('drill.backup_end_lsn')::pg_lsn THEN
    RAISE EXCEPTION 'recovered to %, before the end of the newest base backup (%): WAL is missing from the archive', pg_current_wal_lsn(), current_setting('drill.backup_end_lsn');
  END IF;
  FOR t IN
    SELECT c.oid, n.nspname, c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
     WHERE c.relkind = 'r' AND n.nspname !~ '^pg_' AND n.nspname <> 'information_schema'
     ORDER BY 2, 3
  LOOP
    IF has_table_privilege(t.oid, 'SELECT') THEN
      EXECUTE format('SELECT count(*), coalesce(sum(pg_column_size(r.*)), 0) FROM %I.%I r', t.nspname, t.relname) INTO n, bytes;
      INSERT INTO drill_tables VALUES (format('%I.%I', t.nspname, t.relname), n, true);
    ELSE
      INSERT INTO drill_tables VALUES (format('%I.%I', t.nspname, t.relname), NULL, false);
    END IF;
  END LOOP;
END
$check$;
SELECT json_build_object(
  'database', current_database(),
  'owner', (SELECT pg_get_userbyid(datdba) FROM pg_database WHERE datname = current_database()),
  'reached_lsn', pg_current_wal_lsn()::text,
  'tables', (SELECT count(*) FROM drill_tables WHERE readable),
  'rows', (SELECT coalesce(sum(rows), 0) FROM drill_tables),
  'skipped', (SELECT coalesce(json_agg(name ORDER BY name), '[]'::json) FROM drill_tables WHERE NOT readable),
  'databases', (SELECT json_agg(datname ORDER BY datname) FROM pg_database WHERE NOT datistemplate));
`;

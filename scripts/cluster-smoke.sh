#!/usr/bin/env bash
# Smoke test of the job on a real standalone Flink cluster (run by scripts/test.sh after
# the Maven tests): run the README's command `scripts/crawl.sh --demo --until-idle` (starts
# the services and the cluster, submits job/target/crawler-job.jar, crawls a generated site
# and checks the summary line), then `scripts/crawl.sh <site> --spec politeness.json
# --until-idle` with a spec without seeds, check that the job and all its vertices run, take a
# savepoint, stop the job with a savepoint, check FINISHED, stop the cluster and the
# services, check that none of our Flink processes is left.
#   [SMOKE_TIMEOUT=60] [DEMO_PAGES=300] scripts/cluster-smoke.sh
# It refuses to run while a local cluster is already up, so it never disturbs (or stops)
# a cluster someone is using: stop it first with scripts/flink-cluster.sh stop.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
source "$ROOT/scripts/lib/common.sh"
source "$ROOT/scripts/lib/flink.sh"
source "$ROOT/scripts/lib/ops.sh"

JAR="$ROOT/job/target/crawler-job.jar"
TIMEOUT="${SMOKE_TIMEOUT:-60}"
T0=$SECONDS
CLUSTER_STARTED=0
SERVICES_STARTED=0
JOB_ID=""

fail() {
  warn "$*"
  echo "cluster smoke: 0 passed, 1 failed"
  exit 1
}

cleanup() {
  local rc=$?
  trap - EXIT INT TERM
  if ((rc != 0)); then
    stop_pid site-spec 5 >/dev/null || true
    if [[ -n $JOB_ID ]]; then
      warn "job $JOB_ID: $(curl -s --max-time 2 "$REST/jobs/$JOB_ID/exceptions" | head -c 2000 || true)"
    fi
    if ((CLUSTER_STARTED)); then
      warn "stopping the cluster after a failure (logs stay in .local/flink/log)"
      "$ROOT/scripts/flink-cluster.sh" stop || true
    fi
    if ((SERVICES_STARTED)); then
      "$ROOT/scripts/services.sh" stop || true
    fi
  fi
  exit "$rc"
}
trap cleanup EXIT
trap 'fail "interrupted"' INT TERM

# --- 1. job jar -----------------------------------------------------------------------
if [[ ! -f $JAR ]]; then
  log "job/target/crawler-job.jar missing: building it"
  (cd "$ROOT" && mvn -B -q -DskipTests install) || fail "could not build the job jar"
fi
[[ -f $JAR ]] || fail "no job jar at $JAR"

# --- 2. cluster -----------------------------------------------------------------------
prepare_flink
REST="$(flink_rest_url)"
if "$ROOT/scripts/flink-cluster.sh" status >/dev/null 2>&1; then
  fail "a local Flink cluster is already running; this test starts and stops its own: stop it first (scripts/flink-cluster.sh stop)"
fi
if curl -sf --max-time 2 "$REST/overview" >/dev/null 2>&1; then
  fail "something already answers on $REST (another Flink cluster?); stop it first"
fi
if pid_of redis >/dev/null || pid_of etcd >/dev/null; then
  fail "local services are already running; this test starts and stops its own: stop them first (scripts/services.sh stop)"
fi
CLUSTER_STARTED=1
SERVICES_STARTED=1

# --- 3. the README's run command: services, job, a demo crawl until idle -------------------
# A task name of its own: counters and seed markers left in .local by earlier crawls do not count.
# The demo site takes a free port: only the ports a user configures are fixed.
task="smoke-$(date +%s)"
out="$(DEMO_PORT="$(free_port)" "$ROOT/scripts/crawl.sh" --demo --task "$task" --until-idle 2>&1)" \
  || { echo "$out" >&2; fail "crawl.sh --demo --until-idle failed"; }
echo "$out" | tail -5
summary="$(tail -1 <<<"$out")"
pages="${DEMO_PAGES:-300}"
[[ $summary =~ ^crawl\ summary:\ task=$task\ pages=$pages\ errors=0\ seconds=[0-9.]+\ pages_per_s=[0-9.]+$ ]] \
  || fail "expected the summary of $pages pages and no error, got: $summary"
JOB_ID="$(curl -sf --max-time 5 "$REST/jobs/overview" | grep -oE '"jid":"[0-9a-f]{32}","name":"streamcrawl"' | head -1 | cut -d'"' -f4)"
[[ -n $JOB_ID ]] || fail "no streamcrawl job listed by $REST/jobs/overview"
log "crawl ok ($summary); job $JOB_ID"

# --- 3b. the README's form with a spec that sets only politeness: the seed comes from the command line
spec_port="$(free_port)" spec_pages=50
start_site spec "$spec_port" "$spec_pages"
echo '{"politeness": {"delayMs": 0, "maxInFlightPerHost": 4}}' >"$LOCAL/politeness.json"
out="$("$ROOT/scripts/crawl.sh" "http://127.0.0.1:$spec_port/" --spec "$LOCAL/politeness.json" --until-idle 2>&1)" \
  || { echo "$out" >&2; fail "crawl.sh http://127.0.0.1:$spec_port/ --spec politeness.json --until-idle failed"; }
stop_pid site-spec 5
summary="$(tail -1 <<<"$out")"
[[ $summary =~ ^crawl\ summary:\ task=127\.0\.0\.1-$spec_port\ pages=$spec_pages\ errors=0\ seconds= ]] \
  || fail "expected the summary of $spec_pages pages of task 127.0.0.1-$spec_port and no error, got: $summary"
log "crawl with --spec ok ($summary)"

wait_until "$TIMEOUT" "job $JOB_ID RUNNING" job_in_state "$JOB_ID" RUNNING \
  || fail "job $JOB_ID not RUNNING after ${TIMEOUT}s (state: $(job_state "$JOB_ID" || echo '?'))"
wait_until "$TIMEOUT" "all vertices of $JOB_ID RUNNING" all_vertices_running "$JOB_ID" \
  || fail "not all vertices RUNNING after ${TIMEOUT}s: $(vertex_states "$JOB_ID" | sort | uniq -c | xargs)"
log "job RUNNING, all $(vertex_states "$JOB_ID" | wc -l) vertices RUNNING"

# --- 4. savepoint ---------------------------------------------------------------------
out="$("$ROOT/scripts/flink" savepoint "$JOB_ID" 2>&1)" || { echo "$out" >&2; fail "flink savepoint failed"; }
echo "$out"
sp="$(savepoint_path "$out")"
[[ -n $sp && -f $sp/_metadata ]] || fail "savepoint directory missing or incomplete: '${sp}'"
log "savepoint ok: ${sp#"$ROOT"/}"
first_sp="$sp"

# --- 5. stop with savepoint -----------------------------------------------------------
stop_dir="$FLINK_HOME/savepoints/smoke"
out="$("$ROOT/scripts/flink" stop --savepointPath "$stop_dir" "$JOB_ID" 2>&1)" \
  || { echo "$out" >&2; fail "flink stop --savepointPath failed"; }
echo "$out"
sp="$(savepoint_path "$out")"
[[ -n $sp && -f $sp/_metadata ]] || fail "stop-with-savepoint directory missing or incomplete: '${sp}'"
wait_until "$TIMEOUT" "job $JOB_ID FINISHED" job_in_state "$JOB_ID" FINISHED \
  || fail "job $JOB_ID not FINISHED after stop (state: $(job_state "$JOB_ID" || echo '?'))"
log "job FINISHED after stop-with-savepoint: ${sp#"$ROOT"/}"
# The test's own savepoints and (empty) checkpoint directory: keep .local small.
rm -rf "$first_sp" "$stop_dir" "$FLINK_HOME/checkpoints/$JOB_ID"

# --- 6. stop the cluster and the services, nothing left ---------------------------------
"$ROOT/scripts/flink-cluster.sh" stop || fail "stopping the cluster failed"
CLUSTER_STARTED=0
"$ROOT/scripts/services.sh" stop || fail "stopping the services failed"
SERVICES_STARTED=0
if left="$(pgrep -af "$FLINK_LIB" | grep -E 'StandaloneSessionClusterEntrypoint|TaskManagerRunner')"; then
  fail "Flink processes left behind: $left"
fi
log "no JobManager/TaskManager left; total $((SECONDS - T0))s"
echo "cluster smoke: 1 passed, 0 failed"

#!/usr/bin/env bash
# Operations tests on a real standalone Flink cluster (run by scripts/test.sh after the smoke
# test), all on one start of the local services, cluster and job:
#   metrics   a demo crawl scraped by a real Prometheus with config/prometheus/prometheus.yml:
#             the crawler_* series (and every crawler_* name of alerts.yml and the Grafana
#             dashboard) are there with the right values, the alert rules load and evaluate
#   webui     headless Chromium renders the job's page of the Flink web UI: every operator
#             name is in the job graph (screenshot: .local/artifacts/webui-job.png)
#   fence     a second submission on the same crawl namespace is refused with a clear message
#   upgrade   a crawl stopped with a savepoint midway resumes from a rebuilt jar whose keyed
#             state class gained a field: every page fetched exactly once
#   taskmanagers  a crawl of four hosts runs on both TaskManagers; kill -9 of one midway: its work
#             moves to the other's free slots, every page fetched
#   failures  kill -9 of the TaskManager three times (a new one each time), of redis-server and
#             of etcd in one full-speed crawl that crawl.sh --until-idle waits for: no page lost,
#             the same job RUNNING, re-fetches per failure at most the fetches in flight at it, and
#             each page once in streamcrawl:pages
# Manual scenarios, run only when named (after the others; each takes minutes):
#   rescale   a crawl grows from one TaskManager's worth of parallelism to two and back while it
#             runs (adaptive scheduler, no savepoint): splits reassigned, every page fetched
#   scripts/cluster-ops.sh [SCENARIO...]      (default: all but the manual ones; always in this order)
# The cluster has two TaskManagers of 4 slots (scripts/flink-cluster.sh start --taskmanagers 2).
# It uses the ports a user configures (Flink's REST port 8081, redis 16379, etcd 23790, Flink's
# Prometheus reporter 9249-9251); its sites and its Prometheus take free ports. It refuses to run
# while a local cluster or the local services are up.
# Last line: `cluster ops: N passed, M failed`.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
source "$ROOT/scripts/lib/common.sh"
source "$ROOT/scripts/lib/flink.sh"
source "$ROOT/scripts/lib/ops.sh"

ALL=(metrics webui fence upgrade taskmanagers failures)
MANUAL=(rescale)
T0=$SECONDS
STARTED=0
for s in "$@"; do
  [[ " ${ALL[*]} ${MANUAL[*]} " == *" $s "* ]] || { sed -n '2,26p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2; }
done
# Always in the order of ALL: metrics expects the counters of a fresh job.
scenarios=()
for s in "${ALL[@]}" "${MANUAL[@]}"; do
  if { (($# == 0)) && [[ " ${ALL[*]} " == *" $s "* ]]; } || [[ " $* " == *" $s "* ]]; then
    scenarios+=("$s")
    source "$ROOT/scripts/ops/$s.sh"
  fi
done

# fail MESSAGE: ends the current scenario (each runs in a subshell) as failed.
fail() {
  warn "$*"
  exit 1
}

# stop_all: everything this script may have started, by the pid files of .local/run.
stop_all() {
  local f
  for f in "$RUN_DIR"/site-*.pid "$RUN_DIR"/prometheus.pid; do
    [[ -e $f ]] && stop_pid "$(basename "$f" .pid)" 5
  done
  "$ROOT/scripts/flink-cluster.sh" stop || true
  "$ROOT/scripts/services.sh" stop || true
}

cleanup() {
  local rc=$?
  trap - EXIT INT TERM
  if ((STARTED)) && ((rc != 0)); then
    warn "stopping what was started (logs stay in .local/log and .local/flink/log)"
    stop_all
  fi
  exit "$rc"
}
trap cleanup EXIT
trap 'warn "interrupted"; exit 130' INT TERM

# --- preconditions, and the jars --------------------------------------------------------
# Only the tests use these (scripts/test.sh installs them; scripts/crawl.sh does not).
[[ " ${scenarios[*]} " != *" metrics "* ]] || command -v prometheus >/dev/null \
  || die "prometheus not found: run scripts/setup.sh --no-build --test-tools"
[[ " ${scenarios[*]} " != *" webui "* ]] || command -v chromium >/dev/null \
  || die "chromium not found: run scripts/setup.sh --no-build --test-tools"
prepare_flink
if "$ROOT/scripts/flink-cluster.sh" status >/dev/null 2>&1 || curl -sf --max-time 2 "$(flink_rest_url)/overview" >/dev/null; then
  die "a Flink cluster is already running; this test starts and stops its own: stop it first (scripts/flink-cluster.sh stop)"
fi
if pid_of redis >/dev/null || pid_of etcd >/dev/null; then
  die "local services are already running; this test starts and stops its own: stop them first (scripts/services.sh stop)"
fi
if [[ ! -f $JAR || -z "$(site_jar)" ]]; then
  log "building the job jar (mvn -B -q -DskipTests package)"
  (cd "$ROOT" && mvn -B -q -DskipTests package) || die "could not build the project"
fi
if [[ " ${scenarios[*]} " == *" upgrade "* ]]; then
  build_upgraded_jar   # before the cluster starts: the build wants both cores
fi

# --- one start of services, cluster and job for all scenarios ---------------------------
STARTED=1
mkdir -p "$LOG_DIR"
"$ROOT/scripts/services.sh" start
"$ROOT/scripts/flink-cluster.sh" start --taskmanagers 2
"$ROOT/scripts/flink" run -d "$JAR"
wait_until 60 "the streamcrawl job" running_job streamcrawl || die "the streamcrawl job does not run"
wait_job_running "$(running_job streamcrawl)" || die "the streamcrawl job's tasks do not all run"

passed=0 failed=0
for s in "${scenarios[@]}"; do
  log "=== scenario $s"
  t=$SECONDS
  set +e
  (set -e; "scenario_$s")
  rc=$?
  set -e
  if ((rc == 0)); then
    passed=$((passed + 1))
    log "=== scenario $s: ok ($((SECONDS - t)) s)"
  else
    failed=$((failed + 1))
    log "=== scenario $s: FAILED ($((SECONDS - t)) s)"
  fi
done

# --- stop everything, nothing left ------------------------------------------------------
stop_all
STARTED=0
if left="$(pgrep -af "$FLINK_LIB" | grep -E 'StandaloneSessionClusterEntrypoint|TaskManagerRunner')"; then
  warn "Flink processes left behind: $left"
  failed=$((failed + 1))
fi
log "total $((SECONDS - T0)) s"
echo "cluster ops: $passed passed, $failed failed"
((failed == 0))

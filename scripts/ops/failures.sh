# Scenario "failures" of scripts/cluster-ops.sh: one crawl survives three kill -9 of the
# TaskManager (a new TaskManager started each time), a restart of redis-server (AOF) and a
# restart of etcd. No page may be lost; the pages fetched again after a failure are those the
# restored state had not seen fetched: at most the async capacity per failure.

FAILURES_PAGES=400
FAILURES_STEP=40           # pages fetched between two failures
FAILURES_CAPACITY=100      # fetch.async-capacity of config/crawler.yaml

# job_restarts JOB: the job's numRestarts metric.
job_restarts() {
  curl -sf --max-time 5 "$(flink_rest_url)/jobs/$1/metrics?get=numRestarts" \
    | python3 -c 'import json, sys; m = json.load(sys.stdin); print(m[0]["value"] if m else 0)'
}

restarted_since() { (($(job_restarts "$1") > $2)); }

# await_progress: the crawl fetched FAILURES_STEP more pages; shows the repeated fetches so far.
await_progress() {
  local target=$(($(site_requests "$FAILURES_PORT") + FAILURES_STEP))
  wait_until 180 "$target page requests" site_requests_at_least "$FAILURES_PORT" "$target" \
    || fail "the crawl does not progress after the failure ($(site_requests "$FAILURES_PORT") requests)"
  log "$(site_requests "$FAILURES_PORT") page requests, $(site_counts "$FAILURES_PORT" | awk '$1 > 1 { n += $1 - 1 } END { print n + 0 }') of them repeats"
}

kill_taskmanager() {
  local job="$1" restarts f name pid
  restarts="$(job_restarts "$job")"
  for f in "$RUN_DIR"/flink-taskmanager-*.pid; do
    name="$(basename "$f" .pid)"
    pid="$(pid_of "$name")" || continue
    log "kill -9 $name (pid $pid) after $(site_requests "$FAILURES_PORT") page requests"
    kill -9 "$pid"
  done
  "$ROOT/scripts/flink-cluster.sh" start-taskmanager
  wait_until 120 "job $job to restart" restarted_since "$job" "$restarts" || fail "job $job did not restart"
  wait_job_running "$job" || fail "job $job did not come back: $(job_state "$job")"
  log "job $job running again (restarts: $(job_restarts "$job"))"
}

restart_service() {
  log "restarting $1 after $(site_requests "$FAILURES_PORT") page requests"
  stop_pid "$1" 15
  "$ROOT/scripts/services.sh" start
}

scenario_failures() {
  local job i out failures=5
  job="$(running_job streamcrawl)" || fail "no running streamcrawl job"
  FAILURES_PORT="$(free_port)"   # the site's port, for the helpers above; the scenario runs in a subshell of its own
  start_site failures "$FAILURES_PORT" "$FAILURES_PAGES"
  start_task failures "$FAILURES_PORT" '{"delayMs": 100}'
  await_progress
  for i in 1 2 3; do
    kill_taskmanager "$job"
    await_progress
  done
  restart_service redis
  await_progress
  restart_service etcd
  await_progress
  out="$("$ROOT/scripts/crawlctl" wait-idle failures --timeout 300 --progress 0)" || fail "the crawl did not finish: $out"
  log "$out"
  [[ "$(running_job streamcrawl)" == "$job" ]] || fail "job $job no longer runs"
  check_site_pages "$FAILURES_PORT" "$FAILURES_PAGES" $((failures * FAILURES_CAPACITY)) \
    || fail "pages lost or fetched too often across the failures"
  stop_pid site-failures 5
}

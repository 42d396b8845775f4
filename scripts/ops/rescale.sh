# Scenario "rescale" of scripts/cluster-ops.sh (manual: named on the command line only, it takes
# about 3 minutes): a crawl of four loopback hosts grows from one TaskManager's worth of
# parallelism (its slots, 4) to two TaskManagers' worth (8) and back while it runs, through the
# adaptive scheduler and PUT /jobs/<id>/resource-requirements (scripts/flink-cluster.sh rescale),
# with no savepoint; then the second TaskManager stops. After each step the scheduler's subtasks
# number the parallelism asked for and each frontier Redis split is read by exactly one source
# subtask; the crawl finishes with every page fetched. It prints, per step, the pages fetched
# again against the fetches in flight before it (scripts/lib/faults.sh's report).

source "$ROOT/scripts/lib/faults.sh"

RESCALE_HOSTS=(127.0.0.6 127.0.0.7 127.0.0.8 127.0.0.9)
# Slow enough (about 20 pages/s in all) that the crawl is still going when the steps are done.
RESCALE_PAGES=1000   # per host
RESCALE_POLITENESS='{"delayMs": 200, "maxInFlightPerHost": 1}'

# runs_at JOB P TMS: the whole job RUNNING, the scheduler at parallelism P over TMS TaskManagers.
runs_at() {
  local on
  all_vertices_running "$1" && on="$(vertex_taskmanagers "$1" "$SCHEDULER_VERTEX")" || return 1
  (($(grep -c . <<<"$on") == $2 && $(sort -u <<<"$on" | grep -c .) == $3))
}

# split_assignment JOB: "<subtask> <stream>" for each frontier split a source subtask of the job
# reads now: the per-split gauge (stream.<key>.consumerLag) each reader registers for its splits,
# from the TaskManagers' Prometheus endpoints (metrics.reporter.prom.port). Not from the REST API:
# its metric store keeps the gauges of a subtask's earlier attempts, before the rescale.
split_assignment() {
  local range port
  range="$(conf_get metrics.reporter.prom.port "$FLINK_CONF/config.yaml")"
  for ((port = ${range%-*}; port <= ${range#*-}; port++)); do
    curl -sf --max-time 3 "http://127.0.0.1:$port/metrics" || true
  done | python3 -c '
import re, sys
for line in sys.stdin:
    if line.startswith("flink_taskmanager_job_task_operator_stream_consumerLag{") and f"job_id=\"{sys.argv[1]}\"" in line:
        labels = dict(re.findall(r"(\w+)=\"([^\"]*)\"", line))
        print(labels["subtask_index"], labels["stream"])' "$1" | sort -n
}

# splits_each_once JOB SHARDS: every one of the SHARDS frontier streams is read by one subtask.
splits_each_once() {
  local assignment
  assignment="$(split_assignment "$1")"
  (($(grep -c . <<<"$assignment") == $2)) && (($(cut -d' ' -f2 <<<"$assignment" | sort -u | grep -c .) == $2))
}

# rescale_to JOB P TMS: asks for parallelism P, waits until the job runs at it over TMS TaskManagers
# with each frontier split read once, and logs the split assignment.
rescale_to() {
  local shards
  "$ROOT/scripts/flink-cluster.sh" rescale "$1" "$2" >/dev/null || return 1
  wait_until 120 "job $1 at parallelism $2 on $3 TaskManager(s)" runs_at "$1" "$2" "$3" || return 1
  shards="$(conf_get frontier.shards "$ROOT/config/crawler.yaml" | awk '{ print $1 }')"
  wait_until 60 "each of the $shards frontier splits read once" splits_each_once "$1" "$shards" || {
    warn "split assignment: $(split_assignment "$1" | xargs)"; return 1; }
  log "parallelism $2 on $3 TaskManager(s); splits (subtask stream): $(split_assignment "$1" | tr '\n' ' ')"
}

# autoscaler_inputs JOB: what Flink's autoscaler reads to decide a vertex's parallelism, from the
# REST API (aggregated over the subtasks): the frontier's backlog (FLIP-33 pendingRecords of the
# Redis source), and per vertex the records in per second and the busy and back-pressured time.
autoscaler_inputs() {
  python3 - "$(flink_rest_url)/jobs/$1" <<'PY'
import json, sys, urllib.parse, urllib.request
rest = sys.argv[1]
def get(url):
    with urllib.request.urlopen(url, timeout=5) as response:
        return json.load(response)
figures = []
for vertex in get(rest)["vertices"]:
    base = f"{rest}/vertices/{vertex['id']}/subtasks/metrics"
    names = [m["id"] for m in get(base)]
    wanted = [n for n in names if n.endswith(".pendingRecords")] + [
        n for n in ("numRecordsInPerSecond", "busyTimeMsPerSecond", "backPressuredTimeMsPerSecond") if n in names]
    if not wanted:
        continue
    values = get(base + "?agg=sum,max&get=" + urllib.parse.quote(",".join(wanted)))
    short = vertex["name"].split(" ->")[0].removeprefix("Source: ")
    figures.append(f"[{short}] p={vertex['parallelism']} " + " ".join(
        f"{v['id'].rsplit('.', 1)[-1]}=sum:{v.get('sum', 0):.0f},max:{v.get('max', 0):.0f}" for v in values))
print(" ".join(figures))
PY
}

# rescale_repeats: the requests beyond the first of each page of the scenario's sites.
rescale_repeats() { site_counts "${RESCALE_SITES[@]}" | awk '{ n += $1 - 1 } END { print n + 0 }'; }

# rescale_step KIND: notes the pages, the fetches in flight and the repeats so far before a step
# (FAULTS_LOG, read by fault_report).
rescale_step() {
  printf '%s %s %s %s\n' "$1" "$(site_requests "${RESCALE_SITES[@]}")" "$(task_in_flight "$RESCALE_TASK")" \
    "$(rescale_repeats)" >>"$FAULTS_LOG"
  log "$1 after $(site_requests "${RESCALE_SITES[@]}") of $RESCALE_TOTAL pages"
}

scenario_rescale() {
  local job slots i out
  RESCALE_TASK="rescale-$(date +%s)" RESCALE_SITES=() FAULTS_LOG="$LOG_DIR/rescale-steps.txt"
  : >"$FAULTS_LOG"
  job="$(running_job streamcrawl)" || fail "no running streamcrawl job"
  slots="$(conf_get taskmanager.numberOfTaskSlots "$FLINK_CONF/config.yaml")"
  while (($(taskmanager_ids | wc -w) > 1)); do
    "$ROOT/scripts/flink-cluster.sh" stop-taskmanager >/dev/null
  done
  rescale_to "$job" "$slots" 1 || fail "the job does not run at one TaskManager's parallelism ($slots)"

  for ((i = 0; i < ${#RESCALE_HOSTS[@]}; i++)); do RESCALE_SITES+=("${RESCALE_HOSTS[i]}:$(free_port)"); done
  start_sites rescale "$RESCALE_PAGES" "${RESCALE_SITES[@]}"
  RESCALE_TOTAL=$((${#RESCALE_SITES[@]} * RESCALE_PAGES))
  # The second TaskManager first: it takes a while to start, and the job does not grow by itself
  # (its parallelism's upper bound is one TaskManager's slots).
  "$ROOT/scripts/flink-cluster.sh" start-taskmanager >/dev/null || fail "no second TaskManager"
  start_task "$RESCALE_TASK" "${RESCALE_SITES[*]}" "$RESCALE_POLITENESS"
  wait_until 120 "a sixth of the pages fetched" site_requests_at_least "${RESCALE_SITES[*]}" $((RESCALE_TOTAL / 6)) \
    || fail "the crawl does not progress"
  log "autoscaler inputs before the grow: $(autoscaler_inputs "$job")"

  rescale_step grow
  rescale_to "$job" $((2 * slots)) 2 || fail "the job did not grow to $((2 * slots)) on two TaskManagers"
  wait_until 120 "100 more pages fetched" site_requests_at_least "${RESCALE_SITES[*]}" \
    $(($(site_requests "${RESCALE_SITES[@]}") + 100)) || fail "the crawl does not progress at parallelism $((2 * slots))"
  rescale_step shrink
  rescale_to "$job" "$slots" 2 || fail "the job did not shrink to $slots"
  rescale_step stop-taskmanager
  "$ROOT/scripts/flink-cluster.sh" stop-taskmanager >/dev/null
  rescale_to "$job" "$slots" 1 || fail "the job does not run on the TaskManager left"
  (($(site_requests "${RESCALE_SITES[@]}") < RESCALE_TOTAL)) || fail "the crawl ended before the last step: too fast for this test"

  out="$("$ROOT/scripts/crawlctl" wait-idle "$RESCALE_TASK" --timeout 300 --progress 0)" || fail "the crawl did not finish: $out"
  log "$out"
  [[ "$(running_job streamcrawl)" == "$job" ]] || fail "job $job no longer runs"
  fault_report "$(rescale_repeats)" | sed 's/^failure/step/; s/failures=/steps=/' | while read -r line; do log "$line"; done
  log "page record duplicates=$(page_record_duplicates "$RESCALE_TASK") (streamcrawl:pages, task $RESCALE_TASK)"
  check_site_pages "${RESCALE_SITES[*]}" "$RESCALE_PAGES" || fail "pages lost across the rescaling"
  stop_sites rescale "${#RESCALE_SITES[@]}"
  rm -f "$LOCAL/task-$RESCALE_TASK.json"
}

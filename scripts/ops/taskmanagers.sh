# Scenario "taskmanagers" of scripts/cluster-ops.sh: on the cluster's two TaskManagers, a crawl of
# four loopback hosts (127.0.0.2 .. 127.0.0.5, one site each) runs its scheduler and fetcher
# subtasks on both (checked through the REST API); a kill -9 of one TaskManager midway moves its
# subtasks into the other's free slots (4 slots each, the job needs 2: (2 - 1) x 4 >= 2), and the
# crawl finishes with every page of every site fetched. The cluster keeps one TaskManager (the
# failures scenario, next, starts its own).

source "$ROOT/scripts/lib/faults.sh"

TASKMANAGERS_HOSTS=(127.0.0.2 127.0.0.3 127.0.0.4 127.0.0.5)
TASKMANAGERS_PAGES=250   # per host
TASKMANAGERS_POLITENESS='{"delayMs": 20, "maxInFlightPerHost": 2}'

# taskmanager_name ID: the pid file name (flink-taskmanager-<i>) of the TaskManager with resource id
# ID (localhost-taskmanager-<i>-<start time>, see scripts/flink-cluster.sh).
taskmanager_name() { sed -E 's/^localhost-(taskmanager-[0-9]+)-[0-9]+$/flink-\1/' <<<"$1"; }

scenario_taskmanagers() {
  local task="taskmanagers-$(date +%s)" job sites=() on victim pid in_flight repeats i out
  job="$(running_job streamcrawl)" || fail "no running streamcrawl job"
  on="$(vertex_taskmanagers "$job" "$SCHEDULER_VERTEX" | sort -u)"
  (($(grep -c . <<<"$on") == 2)) || fail "the $SCHEDULER_VERTEX subtasks do not run on two TaskManagers: $(xargs <<<"$on")"
  log "$SCHEDULER_VERTEX subtasks on $(xargs <<<"$on")"

  for ((i = 0; i < ${#TASKMANAGERS_HOSTS[@]}; i++)); do sites+=("${TASKMANAGERS_HOSTS[i]}:$(free_port)"); done
  start_sites taskmanagers "$TASKMANAGERS_PAGES" "${sites[@]}"
  start_task "$task" "${sites[*]}" "$TASKMANAGERS_POLITENESS"
  wait_until 120 "a third of the pages fetched" site_requests_at_least "${sites[*]}" \
    $((${#sites[@]} * TASKMANAGERS_PAGES / 3)) || fail "the crawl does not progress"

  victim="$(head -1 <<<"$on")"
  pid="$(pid_of "$(taskmanager_name "$victim")")" || fail "no pid for TaskManager $victim"
  in_flight="$(task_in_flight "$task")"
  repeats="$(site_counts "${sites[@]}" | awk '{ n += $1 - 1 } END { print n + 0 }')"
  log "kill -9 TaskManager $victim (pid $pid) after $(site_requests "${sites[@]}") requests, $in_flight fetches in flight"
  kill -9 "$pid"
  wait_until 120 "job $job to run without $victim" runs_without "$job" "$victim" \
    || fail "job $job did not move off $victim: $(job_state "$job")"
  log "job $job runs on $(vertex_taskmanagers "$job" "$SCHEDULER_VERTEX" | sort -u | xargs)"

  out="$("$ROOT/scripts/crawlctl" wait-idle "$task" --timeout 180 --progress 0)" || fail "the crawl did not finish: $out"
  log "$out"
  [[ "$(running_job streamcrawl)" == "$job" ]] || fail "job $job no longer runs"
  repeats=$(($(site_counts "${sites[@]}" | awk '{ n += $1 - 1 } END { print n + 0 }') - repeats))
  # Not checked yet: a restart fetches again what was fetched since the last checkpoint (README, Failures).
  log "fetched again after the kill: $repeats (in flight at the kill: $in_flight)"
  check_site_pages "${sites[*]}" "$TASKMANAGERS_PAGES" || fail "pages lost across the kill of $victim"

  stop_sites taskmanagers "${#sites[@]}"
  rm -f "$LOCAL/task-$task.json"
}

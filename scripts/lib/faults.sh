# The failures one crawl goes through, and their figures, shared by the `failures` scenario of
# scripts/cluster-ops.sh and scripts/bench.sh --faults. Source after common.sh and flink.sh; the
# caller sets FAULTS_LOG (a file: one line per failure inflicted).

# In this order: the TaskManager kills while most of the crawl is ahead.
FAULTS=(taskmanager taskmanager taskmanager redis etcd)
FAULTS_LOG=""

# fault_points PAGES: the page counts at which the failures come, evenly spread over the first
# five sevenths of the crawl (the rest shows the crawl finishing after the last one).
fault_points() {
  local i
  for ((i = 1; i <= ${#FAULTS[@]}; i++)); do echo $((i * $1 / (${#FAULTS[@]} + 2))); done
}

# taskmanager_ids: the ids of the TaskManagers registered with the cluster.
taskmanager_ids() {
  curl -sf --max-time 5 "$(flink_rest_url)/taskmanagers" \
    | python3 -c 'import json, sys; print(" ".join(t["id"] for t in json.load(sys.stdin)["taskmanagers"]))'
}

# runs_without JOB IDS: every subtask of the job RUNNING, on none of the TaskManagers IDS. (The
# job's numRestarts metric is no sign of a restart: once it stayed 1 across two.)
runs_without() {
  local rest vertex
  rest="$(flink_rest_url)"
  all_vertices_running "$1" || return 1
  for vertex in $(curl -sf --max-time 5 "$rest/jobs/$1" | python3 -c 'import json, sys; print(" ".join(v["id"] for v in json.load(sys.stdin)["vertices"]))'); do
    curl -sf --max-time 5 "$rest/jobs/$1/vertices/$vertex/taskmanagers" | python3 -c '
import json, sys
dead = set(sys.argv[1].split())
tms = json.load(sys.stdin)["taskmanagers"]
sys.exit(0 if tms and all(t["status"] == "RUNNING" and t["taskmanager-id"] not in dead for t in tms) else 1)' "$2" || return 1
  done
}

# kill_taskmanagers JOB [THEN]: kill -9 of every TaskManager, THEN (a command, run while no
# TaskManager is up: nothing is fetched or written meanwhile), a new one started, and the same
# job running again on it.
kill_taskmanagers() {
  local job="$1" then="${2:-true}" dead f name pid
  dead="$(taskmanager_ids)"
  for f in "$RUN_DIR"/flink-taskmanager-*.pid; do
    name="$(basename "$f" .pid)"
    pid="$(pid_of "$name")" || continue
    log "kill -9 $name (pid $pid)"
    kill -9 "$pid"
    wait_until 10 "$name to exit" eval '! alive '"$pid" || return 1
  done
  "$then"
  "$ROOT/scripts/flink-cluster.sh" start-taskmanager >/dev/null
  wait_until 180 "job $job to run on the new TaskManager" runs_without "$job" "$dead" \
    || { warn "job $job did not come back: $(job_state "$job")"; return 1; }
  log "job $job running again"
}

# kill_service NAME: kill -9 of redis-server (it restarts from its AOF) or etcd, started again
# by scripts/services.sh (with the caller's SERVICES_DATA).
kill_service() {
  local pid
  pid="$(pid_of "$1")" || { warn "$1 is not running"; return 1; }
  log "kill -9 $1 (pid $pid)"
  kill -9 "$pid"
  wait_until 10 "$1 to exit" eval '! alive '"$pid" || return 1
  "$ROOT/scripts/services.sh" start >/dev/null
}

# task_in_flight TASK: the task's URLs released to the fetchers and not done (pages and errors),
# released minus done of the counters the job publishes to Redis (every stats.interval, 1 s).
task_in_flight() {
  redis-cli -p "${REDIS_PORT:-16379}" HGETALL "streamcrawl:stats:$1" \
    | awk 'NR % 2 { key = $0; next } key ~ /^released\./ { n += $0 } key ~ /^done\./ { n -= $0 } END { print n + 0 }'
}

# page_record_counts TASK: "recorded duplicates" of streamcrawl:pages for TASK: the distinct
# urls of its records, and the records whose url came before. A record's url field comes before
# its task field (PageRecord's field order).
page_record_counts() {
  redis-cli -p "${REDIS_PORT:-16379}" --raw XRANGE streamcrawl:pages - + \
    | awk -v t="$1" 'prev == "url" { url = $0 } prev == "task" && $0 == t { if (seen[url]++) dup++; else d++ } { prev = $0 }
      END { print d + 0, dup + 0 }'
}

page_record_duplicates() { page_record_counts "$1" | cut -d' ' -f2; }

# inflict_faults JOB TASK PAGES_FN REPEATS_FN CRAWL_PID TOTAL_PAGES: the FAULTS in order, each once
# PAGES_FN (distinct pages fetched so far) reaches its fault_points of TOTAL_PAGES, while the crawl of CRAWL_PID
# goes on. At each (a TaskManager kill: once it is dead, before a new one starts; a service:
# just before its kill) FAULTS_LOG gets "kind pages in_flight repeats released_not_done":
# in_flight the pages fetched whose record is not in streamcrawl:pages (all a failure may fetch
# again), REPEATS_FN the fetches beyond the first of each page so far, released_not_done the
# task's counters (task_in_flight, as of the last checkpoint).
inflict_faults() {
  local job="$1" task="$2" pages_fn="$3" repeats_fn="$4" crawl_pid="$5" total="$6" i=0 at kind
  : >"$FAULTS_LOG"
  reached() { (($("$pages_fn") >= $1)) || ! alive "$crawl_pid"; }
  figures() {
    local pages recorded
    # The records first: before a service's kill the crawl goes on, and a record read later than
    # the requests would make in_flight too small. A site's request log may be flushed every second.
    recorded="$(page_record_counts "$task" | cut -d' ' -f1)"
    sleep 2
    pages="$("$pages_fn")"
    printf '%s %s %s %s %s\n' "$kind" "$pages" "$((pages - recorded))" "$("$repeats_fn")" "$(task_in_flight "$task")" \
      >>"$FAULTS_LOG"
  }
  for at in $(fault_points "$total"); do
    kind="${FAULTS[i]}"
    i=$((i + 1))
    wait_until 300 "$at pages before failure $i" reached "$at" || return 1
    alive "$crawl_pid" || { warn "the crawl ended before failure $i ($kind at $at pages)"; return 1; }
    log "failure $i: $kind after $("$pages_fn") pages"
    case $kind in
      taskmanager) kill_taskmanagers "$job" figures ;;
      *) figures && kill_service "$kind" ;;
    esac || { warn "failure $i ($kind): the crawl did not recover"; return 1; }
  done
}

# fault_report REPEATS: one line per failure of FAULTS_LOG, "failure=N kind=K pages=P
# in_flight=F refetched=R released_not_done=C", R the repeats from this failure to the next
# (REPEATS: at the end), then the totals. Fails when a failure fetched again more pages than were
# in flight at it, or a page was fetched twice before the first failure.
fault_report() {
  awk -v end="$1" '{ kind[NR] = $1; pages[NR] = $2; flight[NR] = $3; rep[NR] = $4; counted[NR] = $5 }
    END {
      rep[NR + 1] = end
      for (i = 1; i <= NR; i++) {
        r = rep[i + 1] - rep[i]; total += r; within += (r <= flight[i])
        printf "failure=%d kind=%s pages=%d in_flight=%d refetched=%d released_not_done=%d%s\n", i, kind[i], pages[i],
          flight[i], r, counted[i], (r > flight[i] ? " (MORE THAN IN FLIGHT)" : "")
      }
      printf "failures=%d refetched=%d before_first=%d refetched_within_in_flight=%d_of_%d\n", NR, total, rep[1], within, NR
      exit (within == NR && rep[1] == 0) ? 0 : 1
    }' "$FAULTS_LOG"
}

# stop_crawl PID: a crawl.sh the caller started in the background, with its children
# (crawlctl's JVM, and crawl.sh under timeout), by their pids.
stop_crawl() {
  local child
  for child in $(pgrep -P "$1"); do stop_crawl "$child"; done
  kill -TERM "$1" 2>/dev/null || true
}

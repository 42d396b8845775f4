# Scenario "failures" of scripts/cluster-ops.sh: one crawl at full speed survives three kill -9
# of the TaskManager (a new TaskManager started each time), a kill -9 of redis-server (it
# restarts from its AOF) and of etcd, with `crawl.sh --until-idle` waiting across all five. No
# page may be lost, no failure may fetch again more pages than were in flight at it (fetched,
# their record not yet in streamcrawl:pages; scripts/lib/faults.sh), and streamcrawl:pages holds
# each page once.

source "$ROOT/scripts/lib/faults.sh"

FAILURES_PAGES=2000
FAILURES_POLITENESS='{"delayMs": 0, "maxInFlightPerHost": 8}'

# failures_pages / failures_repeats: the site's distinct pages requested so far, and the
# requests beyond the first of each page.
failures_pages() { site_counts "$FAILURES_PORT" | grep -c . || true; }
failures_repeats() { site_counts "$FAILURES_PORT" | awk '{ n += $1 - 1 } END { print n + 0 }'; }

scenario_failures() {
  # A task of its own: the counters of an earlier run's task (kept in Redis) would look idle.
  local task="failures-$(date +%s)" job spec crawl_pid status=0 out="$LOG_DIR/failures-crawl.out" report bound=held dups
  job="$(running_job streamcrawl)" || fail "no running streamcrawl job"
  FAILURES_PORT="$(free_port)"   # the site's port, for the helpers above; the scenario runs in a subshell of its own
  start_site failures "$FAILURES_PORT" "$FAILURES_PAGES"
  spec="$(task_spec "$task" "$FAILURES_PORT" "$FAILURES_POLITENESS")"
  FAULTS_LOG="$LOG_DIR/failures-faults.txt"
  "$ROOT/scripts/crawl.sh" --task "$task" --spec "$spec" --until-idle >"$out" 2>&1 &
  crawl_pid=$!
  inflict_faults "$job" "$task" failures_pages failures_repeats "$crawl_pid" "$FAILURES_PAGES" \
    || { stop_crawl "$crawl_pid"; fail "the failures did not all pass (crawl.sh output: $out)"; }
  wait "$crawl_pid" || status=$?
  ((status == 0)) || fail "crawl.sh --until-idle returned $status across the failures: $(tail -3 "$out")"
  log "$(grep '^crawl summary:' "$out" | tail -1)"
  [[ "$(running_job streamcrawl)" == "$job" ]] || fail "job $job no longer runs"
  check_site_pages "$FAILURES_PORT" "$FAILURES_PAGES" || fail "pages lost across the failures"
  report="$(fault_report "$(failures_repeats)")" || bound=broken
  while read -r line; do log "$line"; done <<<"$report"
  [[ $bound == held ]] || fail "a failure fetched again more pages than were in flight at it, or pages were fetched twice before the first"
  dups="$(page_record_duplicates "$task")"
  log "page record duplicates=$dups (streamcrawl:pages, task $task)"
  ((dups == 0)) || fail "$dups duplicate page records in streamcrawl:pages"
  stop_pid site-failures 5
  rm -f "$spec"
}

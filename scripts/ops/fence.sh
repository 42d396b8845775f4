# Scenario "fence" of scripts/cluster-ops.sh: while the job runs, a second submission on the
# same crawl namespace is refused by flink run, with a message that names the holder.

scenario_fence() {
  local job out owner
  job="$(running_job streamcrawl)" || fail "no running streamcrawl job"
  owner="$(etcd_ctl get --print-value-only /streamcrawl/jobs/streamcrawl/owner)"
  [[ $owner == *"holder=flink-job-$job "* ]] || fail "the fence is not held by job $job: '$owner'"
  log "fence held: $owner"
  if out="$("$ROOT/scripts/flink" run -d "$JAR" 2>&1)"; then
    fail "a second job was submitted on the same namespace: $out"
  fi
  grep -q "crawl namespace /streamcrawl/jobs/streamcrawl/owner is held by another job" <<<"$out" \
    || { tail -20 <<<"$out" >&2; fail "flink run failed without the fence's message"; }
  log "second submission refused: $(grep -o 'crawl namespace .* is held by another job.*' <<<"$out" | head -1)"
  [[ "$(running_job streamcrawl)" == "$job" ]] || fail "the first job no longer runs"
}

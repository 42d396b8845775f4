# Scenario "upgrade" of scripts/cluster-ops.sh: the upgrade procedure of the README on a crawl
# in progress. The new jar is built from a copy of this tree in which a keyed state class gained
# a field, so the restore must migrate that state (Flink's POJO serializer: records and POJOs
# may gain and lose fields).

UPGRADE_PAGES=300
UPGRADE_BUILD="$LOCAL/upgrade-build"
UPGRADED_JAR="$UPGRADE_BUILD/job/target/crawler-job.jar"
# A record kept in the host scheduler's keyed MapState "queue-bounds".
UPGRADE_STATE_CLASS="job/src/main/java/io/streamcrawl/job/frontier/QueueBounds.java"

# build_upgraded_jar: copies the tree to .local/upgrade-build, adds a String component to the
# record UPGRADE_STATE_CLASS (with a constructor of the old components, so callers compile
# unchanged) and builds the job jar there.
build_upgraded_jar() {
  local file="$UPGRADE_BUILD/$UPGRADE_STATE_CLASS"
  log "building the upgraded jar: ${UPGRADE_STATE_CLASS##*/} gains a field (log: .local/log/upgrade-build.log)"
  rm -rf "$UPGRADE_BUILD"
  mkdir -p "$UPGRADE_BUILD" "$LOG_DIR"
  tar -C "$ROOT" --exclude=./.git --exclude=./.local --exclude=target -cf - . | tar -C "$UPGRADE_BUILD" -xf -
  python3 - "$file" <<'PY'
import re, sys
path = sys.argv[1]
source = open(path).read()
def add_field(m):
    name, params = m.group(1), m.group(2)
    args = ", ".join(p.split()[-1] for p in params.split(","))
    return (f"public record {name}({params}, String upgradeNote) {{\n"
            f"    public {name}({params}) {{\n        this({args}, \"added by the upgrade\");\n    }}\n")
open(path, "w").write(re.sub(r"public record (\w+)\(([^)]*)\)\s*\{", add_field, source, count=1))
PY
  grep -q 'String upgradeNote' "$file" || die "could not add a field to $UPGRADE_STATE_CLASS: is it still a record?"
  (cd "$UPGRADE_BUILD" && mvn -B -q -o -DskipTests package -pl job -am) >"$LOG_DIR/upgrade-build.log" 2>&1 \
    || { tail -30 "$LOG_DIR/upgrade-build.log" >&2; die "the upgraded jar did not build"; }
  log "upgraded jar: ${UPGRADED_JAR#"$ROOT"/}"
}

# restored_from JOB: the external path of the savepoint or checkpoint the job was restored from.
restored_from() {
  curl -sf --max-time 5 "$(flink_rest_url)/jobs/$1/checkpoints" | python3 -c '
import json, sys
restored = (json.load(sys.stdin).get("latest") or {}).get("restored") or {}
print(restored.get("external_path", "").removeprefix("file:"))'
}

scenario_upgrade() {
  local job new_job out sp before crawlctl="$ROOT/scripts/crawlctl"
  job="$(running_job streamcrawl)" || fail "no running streamcrawl job"
  [[ -f $UPGRADED_JAR ]] || fail "no upgraded jar at $UPGRADED_JAR"
  UPGRADE_PORT="$(free_port)"   # the site's port; the scenario runs in a subshell of its own
  start_site upgrade "$UPGRADE_PORT" "$UPGRADE_PAGES"
  start_task upgrade "$UPGRADE_PORT" '{"delayMs": 50}'
  wait_until 120 "100 pages fetched" site_requests_at_least "$UPGRADE_PORT" 100 || fail "the crawl does not progress"

  # The README's procedure: pause the tasks, so that no fetch is in flight at the savepoint
  # (a fetch in flight would be made again by the new job). etcdctl is quicker than crawlctl
  # here: the crawl must not finish first.
  etcd_ctl put /streamcrawl/tasks/upgrade/enabled false >/dev/null
  wait_until 60 "no fetch in flight" task_nothing_in_flight upgrade || fail "fetches still in flight after 60 s"
  before="$(site_requests "$UPGRADE_PORT")"
  ((before < UPGRADE_PAGES)) || fail "the crawl finished before the savepoint ($before pages)"
  out="$("$ROOT/scripts/flink" stop --savepointPath "$FLINK_HOME/savepoints/upgrade" "$job" 2>&1)" \
    || { echo "$out" >&2; fail "flink stop --savepointPath failed"; }
  sp="$(savepoint_path "$out")"
  [[ -f $sp/_metadata ]] || fail "no savepoint in the output of flink stop: $out"
  wait_until 60 "job $job FINISHED" job_in_state "$job" FINISHED || fail "job $job not FINISHED: $(job_state "$job")"
  log "job $job stopped after $before of $UPGRADE_PAGES pages: ${sp#"$ROOT"/}"

  out="$("$ROOT/scripts/flink" run -d -s "$sp" "$UPGRADED_JAR" 2>&1)" || { echo "$out" >&2; fail "flink run -s failed"; }
  wait_until 60 "the upgraded job" running_job streamcrawl || fail "the upgraded job does not run"
  new_job="$(running_job streamcrawl)"
  wait_job_running "$new_job" || fail "the upgraded job's tasks do not all run"
  [[ "$(restored_from "$new_job")" == "$sp" ]] || fail "job $new_job was not restored from $sp: '$(restored_from "$new_job")'"
  log "upgraded job $new_job restored from the savepoint"

  "$crawlctl" task enable upgrade >/dev/null
  out="$("$crawlctl" wait-idle upgrade --timeout 180 --progress 0)" || fail "the upgraded crawl did not finish: $out"
  log "$out"
  check_site_pages "$UPGRADE_PORT" "$UPGRADE_PAGES" 0 || fail "not every page fetched exactly once across the upgrade"
  stop_pid site-upgrade 5
  rm -rf "$FLINK_HOME/savepoints/upgrade"
}

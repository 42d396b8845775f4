# Helpers of the operations tests (scripts/cluster-ops.sh and scripts/ops/*.sh): generated sites
# that count their requests, crawl tasks, and checks. Source after common.sh and flink.sh.

JAR="$ROOT/job/target/crawler-job.jar"
ETCD_URL="http://127.0.0.1:${ETCD_PORT:-23790}"   # the etcd of scripts/services.sh
# The job's vertex of the host scheduler and the fetchers (chained: one slot per subtask).
SCHEDULER_VERTEX="host scheduler"
SITE_LINKS=20
SITE_DEPTH=3

# site_jar: the jar of connectors/testing, which holds TestSite.
site_jar() {
  ls "$ROOT"/connectors/testing/target/streamcrawl-testing-*.jar 2>/dev/null | grep -v -- '-tests.jar' | head -1
}

# start_site NAME PORT PAGES [ADDRESS]: serves a generated site of PAGES pages (all within 3 links
# of /) on http://ADDRESS:PORT/ (default 127.0.0.1; any 127.x.y.z is loopback too, and a host of
# its own for the crawler) in a process of its own (pid file site-NAME).
start_site() {
  local name="site-$1" port="$2" pages="$3" address="${4:-127.0.0.1}" jar
  jar="$(site_jar)"
  [[ -n $jar ]] || die "no connectors/testing jar: build the project first"
  port_open "$address:$port" && die "port $port of $address is in use: cannot serve the $1 site"
  spawn "$name" "$LOG_DIR/$name.log" java -cp "$jar" io.streamcrawl.testing.TestSite \
    --address "$address" --port "$port" --pages "$pages" --links "$SITE_LINKS" --depth "$SITE_DEPTH"
  wait_until 30 "the $1 site on $address:$port" port_open "$address:$port" || die "the $1 site did not start (log: $LOG_DIR/$name.log)"
}

# start_sites NAME PAGES ADDRESS:PORT...: start_site for each (pid files site-NAME-0, -1, ...), all
# at once: a site's JVM takes seconds to start on a busy machine.
start_sites() {
  local name="$1" pages="$2" i=0 site pids=() pid
  shift 2
  for site in "$@"; do
    start_site "$name-$i" "${site##*:}" "$pages" "${site%:*}" >/dev/null &
    pids+=($!)
    i=$((i + 1))
  done
  for pid in "${pids[@]}"; do wait "$pid" || die "a site of $name did not start"; done
}

# stop_sites NAME COUNT: stops the sites start_sites started.
stop_sites() {
  local i
  for ((i = 0; i < $2; i++)); do stop_pid "site-$1-$i" 5; done
}

# site_counts SITE...: "<count> <path>" for each page requested so far of each SITE, a PORT on
# 127.0.0.1 or ADDRESS:PORT (the sites' other paths, robots.txt or their request counter, are
# left out). With several sites, each path is prefixed with its site.
site_counts() {
  local site prefix=""
  for site in "$@"; do
    [[ $site == *:* ]] || site="127.0.0.1:$site"
    (($# == 1)) || prefix="$site"
    curl -sf --max-time 5 "http://$site/_test/requests" | grep -E '^[0-9]+ (/|/pages/[0-9]+\.html)$' \
      | sed "s|^\([0-9]*\) |\1 $prefix|" || true
  done
}

# site_requests SITE...: how many page requests the sites have answered.
site_requests() { site_counts "$@" | awk '{ n += $1 } END { print n + 0 }'; }

# site_requests_at_least SITES N: SITES (separated by spaces) have answered N page requests.
site_requests_at_least() {
  local sites
  read -r -a sites <<<"$1"
  (($(site_requests "${sites[@]}") >= $2))
}

# check_site_pages SITES PAGES [MAX_REPEATS]: every page of the sites (SITES: one or more of PORT
# or ADDRESS:PORT, separated by spaces; PAGES pages each) was requested, and (when MAX_REPEATS is
# given) the requests beyond the first of each page are at most MAX_REPEATS. Prints the figures.
check_site_pages() {
  local sites pages max="${3:-}" counts distinct total
  read -r -a sites <<<"$1"
  pages=$(($2 * ${#sites[@]}))
  counts="$(site_counts "${sites[@]}")"
  distinct="$(grep -c . <<<"$counts" || true)"
  total="$(awk '{ n += $1 } END { print n + 0 }' <<<"$counts")"
  echo "pages=$pages requested=$distinct requests=$total repeats=$((total - distinct))${max:+ (at most $max allowed)}"
  ((distinct == pages)) || { warn "$((pages - distinct)) of $pages pages were never requested"; return 1; }
  [[ -z $max ]] || ((total - distinct <= max)) || {
    warn "$((total - distinct)) repeated requests, more than $max: $(sort -rn <<<"$counts" | head -5 | xargs)"
    return 1
  }
}

# task_spec TASK SITES SPEC_POLITENESS: writes the spec of a task that crawls the sites (SITES:
# one or more of PORT or ADDRESS:PORT, separated by spaces), with the given politeness object,
# e.g. '{"delayMs": 50}', and prints its path. The sites are on loopback, so the spec allows
# their hosts as crawl.sh does for a seed on its command line.
task_spec() {
  local spec="$LOCAL/task-$1.json"
  python3 - "$2" "$3" >"$spec" <<'PY'
import json, sys
sites = [s if ":" in s else "127.0.0.1:" + s for s in sys.argv[1].split()]
print(json.dumps({"seeds": [f"http://{s}/" for s in sites],
                  "scope": {"allowPrivateHosts": sorted({s.rsplit(":", 1)[0] for s in sites})},
                  "politeness": json.loads(sys.argv[2])}))
PY
  echo "$spec"
}

# start_task TASK SITES SPEC_POLITENESS: puts and enables that task (the job injects its seed).
start_task() {
  "$ROOT/scripts/crawlctl" task put "$1" "$(task_spec "$@")" >/dev/null
  "$ROOT/scripts/crawlctl" task enable "$1" >/dev/null
}

# task_field TASK FIELD: one field (pages, queued, in_flight, ...) of `crawlctl status TASK`.
task_field() {
  "$ROOT/scripts/crawlctl" status "$1" | tr ' ' '\n' | sed -n "s/^$2=//p"
}

task_nothing_in_flight() { [[ "$(task_field "$1" in_flight)" == 0 ]]; }

# etcd_ctl ARGS...: etcdctl against the local etcd (quicker than a crawlctl JVM).
etcd_ctl() { ETCDCTL_API=3 etcdctl --endpoints "$ETCD_URL" "$@"; }

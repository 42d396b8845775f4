# Helpers of the operations tests (scripts/cluster-ops.sh and scripts/ops/*.sh): generated sites
# that count their requests, crawl tasks, and checks. Source after common.sh and flink.sh.

JAR="$ROOT/job/target/crawler-job.jar"
ETCD_URL="http://127.0.0.1:${ETCD_PORT:-23790}"   # the etcd of scripts/services.sh
SITE_LINKS=20
SITE_DEPTH=3

# site_jar: the jar of connectors/testing, which holds TestSite.
site_jar() {
  ls "$ROOT"/connectors/testing/target/streamcrawl-testing-*.jar 2>/dev/null | grep -v -- '-tests.jar' | head -1
}

# start_site NAME PORT PAGES: serves a generated site of PAGES pages (all within 3 links of /)
# on http://127.0.0.1:PORT/ in a process of its own (pid file site-NAME).
start_site() {
  local name="site-$1" port="$2" pages="$3" jar
  jar="$(site_jar)"
  [[ -n $jar ]] || die "no connectors/testing jar: build the project first"
  port_open "$port" && die "port $port is in use: cannot serve the $1 site"
  spawn "$name" "$LOG_DIR/$name.log" java -cp "$jar" io.streamcrawl.testing.TestSite \
    --port "$port" --pages "$pages" --links "$SITE_LINKS" --depth "$SITE_DEPTH"
  wait_until 30 "the $1 site on port $port" port_open "$port" || die "the $1 site did not start (log: $LOG_DIR/$name.log)"
}

# site_counts PORT: "<count> <path>" for each page of the site requested so far (the site's
# other paths, robots.txt or its request counter, are left out).
site_counts() {
  curl -sf --max-time 5 "http://127.0.0.1:$1/_test/requests" | grep -E '^[0-9]+ (/|/pages/[0-9]+\.html)$' || true
}

# site_requests PORT: how many page requests the site has answered.
site_requests() { site_counts "$1" | awk '{ n += $1 } END { print n + 0 }'; }

site_requests_at_least() { (($(site_requests "$1") >= $2)); }

# check_site_pages PORT PAGES [MAX_REPEATS]: every page of the site was requested, and (when
# MAX_REPEATS is given) the requests beyond the first of each page are at most MAX_REPEATS.
# Prints the figures.
check_site_pages() {
  local port="$1" pages="$2" max="${3:-}" counts distinct total
  counts="$(site_counts "$port")"
  distinct="$(grep -c . <<<"$counts" || true)"
  total="$(awk '{ n += $1 } END { print n + 0 }' <<<"$counts")"
  echo "pages=$pages requested=$distinct requests=$total repeats=$((total - distinct))${max:+ (at most $max allowed)}"
  ((distinct == pages)) || { warn "$((pages - distinct)) of $pages pages were never requested"; return 1; }
  [[ -z $max ]] || ((total - distinct <= max)) || {
    warn "$((total - distinct)) repeated requests, more than $max: $(sort -rn <<<"$counts" | head -5 | xargs)"
    return 1
  }
}

# task_spec TASK PORT SPEC_POLITENESS: writes the spec of a task that crawls the site on PORT,
# with the given politeness object, e.g. '{"delayMs": 50}', and prints its path. The site is on
# loopback, so the spec allows its host as crawl.sh does for a seed on its command line.
task_spec() {
  local spec="$LOCAL/task-$1.json"
  printf '{"seeds": ["http://127.0.0.1:%s/"], "scope": {"allowPrivateHosts": ["127.0.0.1"]}, "politeness": %s}\n' "$2" "$3" >"$spec"
  echo "$spec"
}

# start_task TASK PORT SPEC_POLITENESS: puts and enables that task (the job injects its seed).
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

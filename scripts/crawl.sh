#!/usr/bin/env bash
# Run a crawl on the local defaults: starts what is missing (services, Flink cluster, job),
# creates or updates the task, seeds it and shows progress.
#   scripts/crawl.sh <seed-url>... [--task NAME] [--spec FILE.json] [--until-idle] [--demo]
# --demo serves a generated site on loopback and crawls it (no internet needed).
# --until-idle returns when the task has nothing queued, in flight or unread; the last line is
#   crawl summary: task=<t> pages=<n> errors=<n> seconds=<s> pages_per_s=<r>
#   It waits out a restart of redis-server or etcd for up to 5 minutes (one line says so).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
source "$ROOT/scripts/lib/common.sh"
source "$ROOT/scripts/lib/flink.sh"
cd "$ROOT"

usage() { sed -n '2,8p' "$0" | sed 's/^# \{0,1\}//'; exit 2; }

seeds=() task="" spec="" until_idle=false demo=false
while (($#)); do
  case "$1" in
    --task) [[ $# -ge 2 ]] || usage; task="$2"; shift 2 ;;
    --spec) [[ $# -ge 2 ]] || usage; spec="$2"; shift 2 ;;
    --until-idle) until_idle=true; shift ;;
    --demo) demo=true; shift ;;
    -h|--help) usage ;;
    -*) warn "unknown option $1"; usage ;;
    *) seeds+=("$1"); shift ;;
  esac
done
$demo || ((${#seeds[@]})) || [[ -n $spec ]] || { warn "give at least one seed URL, a --spec, or --demo"; usage; }
[[ -z $spec || -f $spec ]] || die "spec file $spec not found"

JAR="$ROOT/job/target/crawler-job.jar"
SITE_JAR="$(ls "$ROOT"/connectors/testing/target/streamcrawl-testing-*.jar 2>/dev/null | grep -v -- '-tests.jar' | head -1 || true)"
if ! command -v redis-server >/dev/null || ! command -v etcd >/dev/null || [[ ! -f $JAR ]] || { $demo && [[ -z $SITE_JAR ]]; }; then
  log "setting up (first run)"
  scripts/setup.sh
  SITE_JAR="$(ls "$ROOT"/connectors/testing/target/streamcrawl-testing-*.jar | grep -v -- '-tests.jar' | head -1)"
fi
scripts/services.sh start
scripts/flink-cluster.sh start

REST="$(flink_rest_url)"
job_running() { curl -sf "$REST/jobs/overview" | grep -q '"name":"streamcrawl"[^}]*"state":"RUNNING"'; }
if job_running; then
  log "the streamcrawl job already runs"
else
  log "submitting job/target/crawler-job.jar"
  scripts/flink run -d "$JAR"
  wait_until 60 "the job to run" job_running || die "the job did not reach RUNNING; see .local/flink/log/"
fi

if $demo; then
  port="${DEMO_PORT:-18080}"
  if ! port_open "$port"; then
    log "serving a generated demo site on http://127.0.0.1:$port/"
    spawn demo-site "$LOG_DIR/demo-site.log" java -cp "$SITE_JAR" io.streamcrawl.testing.TestSite \
      --port "$port" --pages "${DEMO_PAGES:-300}" --links 20 --depth 3 \
      --near-duplicates "$(( ${DEMO_PAGES:-300} >= 100 ? 10 : 0 ))"
    trap 'stop_pid demo-site 5 >/dev/null' EXIT
    wait_until 30 "the demo site" port_open "$port" || die "the demo site did not start; see $LOG_DIR/demo-site.log"
  fi
  seeds=("http://127.0.0.1:$port/")
  task="${task:-demo}"
fi

if [[ -z $task ]]; then
  ((${#seeds[@]})) || die "a --spec without seed URLs needs --task NAME"
  host="${seeds[0]#*://}"; host="${host%%/*}"
  task="$(printf '%s' "$host" | tr -c 'A-Za-z0-9._-' '-')"
fi

# The seeds given here join the spec's seeds (crawlctl task put merges them), and their hosts may
# be loopback or private addresses: naming one is the user's explicit intent (the SSRF guard
# refuses those for every other host).
if [[ -z $spec ]]; then
  spec="$LOCAL/task-$task.json"
  if $demo; then
    # One local host: no politeness delay, a few requests at a time.
    echo '{"politeness": {"delayMs": 0, "maxInFlightPerHost": 4}}' >"$spec"
  else
    echo '{}' >"$spec"
  fi
fi

scripts/crawlctl task put "$task" "$spec" "${seeds[@]}"
scripts/crawlctl task enable "$task"

if $until_idle; then
  exec_status=0
  scripts/crawlctl wait-idle "$task" --progress 5 || exec_status=$?
  exit "$exec_status"
fi
log "crawling; Ctrl-C stops watching (the crawl goes on: scripts/crawlctl task disable $task stops it)"
while true; do
  scripts/crawlctl status "$task"
  sleep 5
done

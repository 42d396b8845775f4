#!/usr/bin/env bash
# Benchmark of the whole crawl on this machine, and the JMH benchmarks of its hot paths.
#   scripts/bench.sh [--pages N] [--seed S] [-p N] [--hosts N] [--warmup] [--profile] [--build]   crawl a generated site
#   scripts/bench.sh --faults [--pages N] [--seed S] [-p N] [--hosts N] [--warmup] [--build]   the same through five kill -9
#   scripts/bench.sh --messy [--pages N] ...            then the same site with 2% failing URLs: good pages/s against clean
#   scripts/bench.sh --compare wget2 [--pages N] [--warmup] ...   wget2 crawls the same site first: both figures, their ratios
#   scripts/bench.sh --compare wget2 --smoke           the test command's form: 300 pages, the ratios, exactly once checked
#   scripts/bench.sh --fresh-job [--compare wget2] ...  warm-up in a job of its own, then a fresh job on the warm TaskManager
#   scripts/bench.sh --taskmanagers N [--hosts N] ...   the crawl on one TaskManager, then afresh on N: pages/s, CPU/page
#   scripts/bench.sh jmh [JMH options...]               JMH benchmarks (e.g. jmh -f 1 Serialization)
#   scripts/bench.sh frontier [--urls N] [--hosts N] [--backlog N]   memory of a 10M-URL frontier
# The crawl benchmark generates a documentation-like site (default 10,000 pages, cached in
# .local/bench/), serves it with nginx on 127.0.0.1:BENCH_PORT (default 18090), measures the
# server's own ceiling with wrk, starts redis, etcd and a standalone Flink cluster on the local
# default ports with fresh data, submits job/target/crawler-job.jar with checkpoints every 10 s,
# crawls until idle with scripts/crawl.sh and prints the figures (lines starting "bench:").
# Everything it started is stopped at the end. It refuses to run while the local cluster or
# services are up. nginx, wrk and jq are installed with apt-get when missing.
# BENCH_TIMEOUT (default 420, 900 with --faults) bounds the crawl in seconds; BENCH_JOB_ARGS adds job arguments for
# before/after comparisons, e.g. BENCH_JOB_ARGS="--frontier.recent-links 0"; BENCH_JAR runs another
# build of the job jar (e.g. one built from an older commit). -p sets the job's parallelism
# (default: parallelism.default of config/flink/config.yaml, 2). --warmup first crawls the same site
# under another origin (the ceiling port), so that the measured crawl runs JIT-compiled code: the
# figures of a long-running crawl rather than of a job's first seconds. --hosts N serves the site
# under N hosts (127.0.0.1 .. 127.0.0.N, each a full copy: N x pages), for the scaling run: the
# scheduler is keyed by host, so one host is crawled by one subtask whatever the parallelism
# (127.0.0.1 and 127.0.0.2 fall on different subtasks at parallelism 2). --profile samples the
# TaskManager with async-profiler (from Maven Central) during the measured crawl and prints its CPU
# per page by activity and by thread (bench: profile lines; the samples stay in
# .local/bench/run/profile.collapsed). BENCH_JFR=SETTINGS (a .jfc file or "profile") also records JFR
# over the measured crawl with --profile (.local/bench/run/crawl.jfr: what the JIT compiled, with
# jdk.Compilation's threshold at 0 ms). BENCH_WARMUPS=N crawls the warm-up site N times (tasks warmup,
# warmup2, ...) before the measured crawl.
# --faults kills (kill -9) the TaskManager three times (a new one started each time), then
# redis-server, then etcd at fixed page counts (scripts/lib/faults.sh) while crawl.sh --until-idle
# waits, and prints the pages lost, the pages fetched again per failure against the fetches in
# flight at it, and the pages stream's duplicate records (bench: faults lines) instead of the
# CPU and memory figures; it exits 1 when a page was lost, a failure fetched again more pages
# than were in flight at it, or the pages stream holds a page twice.
# --messy (one host; implies --warmup, so that both measured crawls run compiled code) then crawls
# the same site under another origin (BENCH_PORT+2) as task messy, where evenly spread pages each
# link to one URL that fails (2% of the URLs: 500, 502, 503, a reset mid-body, a head then silence,
# one byte a second past the fetch deadline, and a few 429 with Retry-After; see messy_links),
# and prints the good pages/s of both crawls, their ratio, exactly-once of the good pages and the
# attempts of every failing URL. Both crawls' specs set a 2 s fetch deadline.
# --compare wget2 (one host) first crawls the site with wget2 (installed with apt-get when missing)
# from the same nginx under another origin (BENCH_PORT+4, its own access log), before the services
# and the cluster start, then runs the crawl benchmark, and prints both pages/s and CPU per page
# (wget2's user+sys; ours TaskManager + Redis + etcd) and their ratios against the issue's targets
# (scripts/lib/compare.sh). The figure is cold (a fresh job's first crawl) unless --warmup is given.
# --smoke (what scripts/test.sh runs) makes the run short: a 300-page site unless --pages is given,
# no server ceiling (wrk), no checkpoint after the crawl for the state figures, at most 120 s of
# crawl; it exits 1 unless every page was fetched exactly once and the crawl ended idle. The ratios
# are printed, never checked: on a busy CI machine they say little.
# --fresh-job (implies --warmup) runs the warm-up crawl in a job that is then cancelled, and
# measures the crawl of a job submitted afresh to the same TaskManager: the Flink runtime's code is
# compiled, the job's classes (loaded per job) are not. It tells a cold start's cost per job from
# its cost per TaskManager process.
# --taskmanagers N (N >= 2) measures the crawl twice on fresh services, cluster and job: with one
# TaskManager, then with N (scripts/flink-cluster.sh start --taskmanagers N), at the same job
# parallelism (spread over the N TaskManagers), and prints both runs' lines prefixed
# "taskmanagers=<n>" and the ratios of their pages/s and CPU per page (bench: taskmanagers lines).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
source "$ROOT/scripts/lib/common.sh"
source "$ROOT/scripts/lib/flink.sh"
cd "$ROOT"

usage() { sed -n '2,11p' "$0" | sed 's/^# \{0,1\}//'; exit 2; }

if [[ ${1:-} == jmh ]]; then
  shift
  source "$ROOT/scripts/lib/jmh.sh"
  run_jmh "$@"
  exit
fi
if [[ ${1:-} == frontier ]]; then
  shift
  source "$ROOT/scripts/lib/jmh.sh"
  run_frontier "$@"
  exit
fi

PAGES="" SEED=42 BUILD=0 PARALLELISM="" WARMUP=0 HOSTS=1 PROFILE=0 FAULTS_RUN=0 MESSY=0 COMPARE="" TASKMANAGERS=1 SMOKE=0 FRESH_JOB=0
while (($#)); do
  case "$1" in
    --pages) [[ $# -ge 2 ]] || usage; PAGES="$2"; shift 2 ;;
    --seed) [[ $# -ge 2 ]] || usage; SEED="$2"; shift 2 ;;
    -p|--parallelism) [[ $# -ge 2 ]] || usage; PARALLELISM="$2"; shift 2 ;;
    --hosts) [[ $# -ge 2 ]] || usage; HOSTS="$2"; shift 2 ;;
    --warmup) WARMUP=1; shift ;;
    --fresh-job) FRESH_JOB=1 WARMUP=1; shift ;;
    --profile) PROFILE=1; shift ;;
    --faults) FAULTS_RUN=1; shift ;;
    --messy) MESSY=1 WARMUP=1; shift ;;
    --compare) [[ ${2:-} == wget2 ]] || usage; COMPARE=wget2; shift 2 ;;
    --taskmanagers) [[ $# -ge 2 ]] || usage; TASKMANAGERS="$2"; shift 2 ;;
    --smoke) SMOKE=1; shift ;;
    --build) BUILD=1; shift ;;
    *) usage ;;
  esac
done
PAGES="${PAGES:-$( ((SMOKE)) && echo 300 || echo 10000)}"
[[ $PAGES =~ ^[1-9][0-9]*$ && $SEED =~ ^[0-9]+$ && $PARALLELISM =~ ^([1-9][0-9]*)?$ && $HOSTS =~ ^[1-9][0-9]?$ ]] || usage
((FAULTS_RUN && PROFILE)) && usage   # --profile follows one TaskManager, which --faults kills
((FAULTS_RUN && MESSY)) && usage     # one kind of run at a time
[[ $TASKMANAGERS =~ ^[1-9]$ ]] || usage
((TASKMANAGERS > 1 && (FAULTS_RUN || MESSY || PROFILE))) && usage
((SMOKE && (FAULTS_RUN || MESSY || PROFILE || TASKMANAGERS > 1))) && usage
((FRESH_JOB && (FAULTS_RUN || MESSY || TASKMANAGERS > 1))) && usage
((MESSY && HOSTS > 1)) && die "--messy crawls one host: drop --hosts"
[[ -n $COMPARE ]] && ((FAULTS_RUN || MESSY)) && usage
[[ -n $COMPARE ]] && ((HOSTS > 1)) && die "--compare crawls one host: drop --hosts"

PORT="${BENCH_PORT:-18090}"
CEILING_PORT=$((PORT + 1))         # same site, no access log: for wrk only
TIMEOUT="${BENCH_TIMEOUT:-$((FAULTS_RUN ? 900 : SMOKE ? 120 : 420))}"   # each TaskManager kill costs a restore
BENCH="$LOCAL/bench"
RUN="$BENCH/run"                   # this run's logs, nginx prefix, services data, samples
JAR="${BENCH_JAR:-$ROOT/job/target/crawler-job.jar}"
[[ -z ${BENCH_JAR:-} || -f $JAR ]] || die "BENCH_JAR: no such file: $JAR"
TASK=bench
MESSY_PORT=$((PORT + 2))           # the messy site (--messy), logged on its own
FAILING_PORT=$((PORT + 3))         # FailingPathServer, behind nginx on MESSY_PORT
MESSY_ORIGIN="http://127.0.0.1:$MESSY_PORT/"
WGET2_PORT=$((PORT + 4))           # the site for wget2 (--compare wget2), logged on its own
# --messy: a short fetch deadline, so that the slow URLs end soon (the site's pages take
# milliseconds), and the failing-path server's Retry-After.
FETCH_TIMEOUT_MS=""
((MESSY)) && FETCH_TIMEOUT_MS=2000
RETRY_AFTER_S=1
ORIGINS=()
for ((i = 1; i <= HOSTS; i++)); do ORIGINS+=("http://127.0.0.$i:$PORT/"); done
T0=$SECONDS

source "$ROOT/scripts/lib/bench.sh"
source "$ROOT/scripts/lib/faults.sh"
source "$ROOT/scripts/lib/compare.sh"

trap cleanup EXIT
trap 'exit 130' INT TERM

install_tools
refuse_if_running
build_jars "$BUILD"
SITE="$(ensure_site "$PAGES" "$SEED")"
machine_line

rm -rf "$RUN"
mkdir -p "$RUN"
((MESSY)) && { messy_links "$SITE"; start_failing_server; }
start_nginx "$SITE" "$PORT" "$CEILING_PORT"
((SMOKE)) || server_ceiling "$SITE" "$CEILING_PORT"
[[ -n $COMPARE ]] && wget2_crawl

# Fresh redis and etcd on the default ports (data under .local/bench/run, not the user's .local).
export SERVICES_DATA="$RUN/services"
STARTED_SERVICES=1
scripts/services.sh start
STARTED_CLUSTER=1
scripts/flink-cluster.sh start
REST="$(flink_rest_url)"
submit_job
((WARMUP)) && warm_up
((FRESH_JOB)) && resubmit_job

bench_spec "${ORIGINS[@]}" >"$RUN/spec.json"
if ((FAULTS_RUN)); then
  crawl_with_faults
  faults_report
  exit
fi

if ((TASKMANAGERS > 1)); then
  taskmanagers_run
  exit
fi
measured_crawl
((PROFILE)) && profile_report
[[ -n $COMPARE ]] && compare_report
((SMOKE)) && smoke_verdict
if ((MESSY)); then
  messy_crawl
  messy_report
fi

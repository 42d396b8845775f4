#!/usr/bin/env bash
# A real standalone Flink session cluster (one JobManager, one or more TaskManagers) run
# from the distribution assembled from Maven artifacts in .local/flink (no Flink tarball).
#   scripts/flink-cluster.sh start [--taskmanagers N]   JobManager and N TaskManagers (default 1)
#   scripts/flink-cluster.sh start-taskmanager          one more TaskManager
#   scripts/flink-cluster.sh stop-taskmanager           stops the TaskManager started last
#   scripts/flink-cluster.sh rescale JOB_ID P           the running job's parallelism to P (no savepoint)
#   scripts/flink-cluster.sh stop|status
# Each TaskManager has its own resource id, log, pid file and temporary directory (Flink's
# tm_<resource id> under io.tmp.dirs); its RPC and data ports are free ones chosen by the kernel
# (Flink's default), its Prometheus port the next free one of metrics.reporter.prom.port.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
source "$ROOT/scripts/lib/common.sh"
source "$ROOT/scripts/lib/flink.sh"

START_TIMEOUT="${FLINK_START_TIMEOUT:-60}"

# resource_params JM|TM: sets JVM_PARAMS (heap, direct, metaspace) and DYN_PARAMS (-D memory
# settings to pass after --configDir), computed by Flink from config.yaml.
resource_params() {
  local out lines
  out="$(java -Dlog.file="$FLINK_LOG/bash-java-utils.log" \
    -Dlog4j.configurationFile="file:$FLINK_CONF/log4j-cli.properties" \
    -cp "$FLINK_LIB/*" org.apache.flink.runtime.util.bash.BashJavaUtils \
    "GET_$1_RESOURCE_PARAMS" --configDir "$FLINK_CONF" 2>&1)" \
    || die "BashJavaUtils GET_$1_RESOURCE_PARAMS failed: $out"
  mapfile -t lines < <(sed -n 's/^BASH_JAVA_UTILS_EXEC_RESULT://p' <<<"$out")
  ((${#lines[@]} >= 2)) || die "unexpected BashJavaUtils output: $out"
  JVM_PARAMS="${lines[-2]}"
  DYN_PARAMS="${lines[-1]}"
}

# start_process NAME MAIN_CLASS JM|TM [-D key=value ...]
start_process() {
  local name="$1" main="$2" kind="$3"; shift 3
  resource_params "$kind"
  log "starting $name ($main)"
  # Word splitting of the flag strings is intended: each holds several JVM/Flink options.
  # shellcheck disable=SC2086
  spawn "$name" "$FLINK_LOG/$name.out" java $JVM_PARAMS $(flink_java_opts) \
    -Djava.io.tmpdir="$FLINK_HOME/tmp" \
    -Dlog.file="$FLINK_LOG/$name.log" \
    -Dlog4j.configurationFile="file:$FLINK_CONF/log4j.properties" \
    -cp "$FLINK_LIB/*" "$main" --configDir "$FLINK_CONF" $DYN_PARAMS "$@"
  log "$name: pid $(<"$RUN_DIR/$name.pid"), log .local/flink/log/$name.log"
}

taskmanager_names() {
  local f
  for f in "$RUN_DIR"/flink-taskmanager-*.pid; do [[ -e $f ]] && basename "$f" .pid; done
  return 0
}

running_taskmanagers() {
  local n
  for n in $(taskmanager_names); do pid_of "$n" >/dev/null && echo "$n"; done
  return 0
}

# start_taskmanager: starts TaskManager number i (the first free pid file) with a unique
# resource id, so that we can wait for exactly this one to register (a killed TaskManager
# stays listed until its heartbeat times out). Sets TM_NAME and TM_ID.
start_taskmanager() {
  local i=1
  while pid_of "flink-taskmanager-$i" >/dev/null; do i=$((i + 1)); done
  TM_NAME="flink-taskmanager-$i"
  TM_ID="localhost-taskmanager-$i-$(date +%s)"
  start_process "$TM_NAME" org.apache.flink.runtime.taskexecutor.TaskManagerRunner TM \
    -D "taskmanager.resource-id=$TM_ID"
}

overview() { curl -sf --max-time 2 "$(flink_rest_url)/overview"; }
json_num() { grep -o "\"$1\":[0-9]*" | head -1 | cut -d: -f2; }

# ready [TM_NAME TM_ID]: the REST API lists a TaskManager (that TaskManager, if given).
ready() {
  if [[ -n ${2:-} ]]; then
    curl -sf --max-time 2 "$(flink_rest_url)/taskmanagers" | grep -qF "\"id\":\"$2\""
  else
    local n
    n="$(overview | json_num taskmanagers)"
    ((${n:-0} >= 1))
  fi
}

# wait_ready [TM_NAME TM_ID]: poll ready() until the timeout; fail early if a process died.
wait_ready() {
  local deadline=$((SECONDS + START_TIMEOUT))
  until ready "$@" 2>/dev/null; do
    pid_of flink-jobmanager >/dev/null || { warn "the JobManager died"; show_logs; return 1; }
    if [[ -n ${1:-} ]] && ! pid_of "$1" >/dev/null; then
      warn "$1 died"; show_logs; return 1
    fi
    if ((SECONDS >= deadline)); then
      warn "cluster not ready after ${START_TIMEOUT}s"; show_logs; return 1
    fi
    sleep 0.5
  done
}

show_logs() {
  local f
  for f in "$FLINK_LOG"/flink-jobmanager.{out,log} "$FLINK_LOG"/flink-taskmanager-*.{out,log}; do
    [[ -s $f ]] || continue
    echo "----- tail of ${f#"$ROOT"/} -----" >&2
    tail -n 30 "$f" >&2
  done
}

cmd_start() {
  local t0=$SECONDS
  prepare_flink
  if pid_of flink-jobmanager >/dev/null; then
    log "JobManager already running (pid $(pid_of flink-jobmanager))"
  else
    if overview >/dev/null 2>&1; then
      die "something else already answers on $(flink_rest_url) (another Flink cluster?); not starting"
    fi
    local rest_port
    rest_port="$(flink_rest_url)"; rest_port="${rest_port##*:}"
    if port_open "$rest_port"; then
      die "port $rest_port (Flink's REST port) is in use by another process: stop it, or set rest.port in config/flink/config.yaml to a free port"
    fi
    start_process flink-jobmanager \
      org.apache.flink.runtime.entrypoint.StandaloneSessionClusterEntrypoint JM
  fi
  local running started=()
  running="$(running_taskmanagers | grep -c . || true)"
  ((running == 0)) || log "TaskManagers already running: $(running_taskmanagers | xargs)"
  for ((; running < TASKMANAGERS; running++)); do
    start_taskmanager
    started+=("$TM_NAME $TM_ID")
  done
  log "waiting for the cluster at $(flink_rest_url) (timeout ${START_TIMEOUT}s)"
  wait_ready || die "Flink cluster did not start"
  local tm
  for tm in "${started[@]}"; do
    # Word splitting intended: "NAME ID".
    # shellcheck disable=SC2086
    wait_ready $tm || die "${tm%% *} did not register"
  done
  log "Flink cluster ready in $((SECONDS - t0))s: web UI $(flink_rest_url)"
}

cmd_start_taskmanager() {
  pid_of flink-jobmanager >/dev/null || die "no JobManager running: use '$0 start'"
  prepare_flink
  start_taskmanager
  wait_ready "$TM_NAME" "$TM_ID" || die "$TM_NAME did not register"
  log "$TM_NAME registered as $TM_ID"
}

cmd_stop_taskmanager() {
  local last
  last="$(running_taskmanagers | sort -t- -k3 -n | tail -1)"
  [[ -n $last ]] || die "no TaskManager running"
  stop_pid "$last" 15
}

# cmd_rescale JOB P: declares parallelism P as the upper bound of every vertex of the job but the
# task control chain (one etcd watch: always 1), and 1 as the lower bound; the adaptive scheduler
# rescales at the next checkpoint, as far as the free slots allow.
cmd_rescale() {
  local job="$1" parallelism="$2" rest body
  [[ $parallelism =~ ^[1-9][0-9]*$ ]] || die "parallelism must be a positive number: '$parallelism'"
  rest="$(flink_rest_url)/jobs/$job"
  body="$FLINK_HOME/tmp/rescale-$job.json"
  python3 - "$rest" "$parallelism" >"$body" <<'PY' || die "no resource requirements for job $job (is it running, on the adaptive scheduler?)"
import json, sys, urllib.request
rest, parallelism = sys.argv[1], int(sys.argv[2])
def get(url):
    with urllib.request.urlopen(url, timeout=5) as response:
        return json.load(response)
fixed = {v["id"] for v in get(rest)["vertices"] if v["name"].startswith("Source: task control source")}
requirements = get(rest + "/resource-requirements")
for vertex, requirement in requirements.items():
    if vertex not in fixed:
        requirement["parallelism"] = {"lowerBound": 1, "upperBound": parallelism}
json.dump(requirements, sys.stdout)
PY
  curl -sf --max-time 5 -X PUT -H 'Content-Type: application/json' --data @"$body" \
    "$rest/resource-requirements" >/dev/null || die "PUT $rest/resource-requirements refused"
  rm -f "$body"
  log "job $job: parallelism up to $parallelism requested"
}

cmd_stop() {
  local n
  # TaskManagers first, so the JobManager does not restart jobs on a half-dead cluster.
  for n in $(taskmanager_names); do stop_pid "$n" 15; done
  stop_pid flink-jobmanager 15
}

cmd_status() {
  local n pid ov any=0
  if pid="$(pid_of flink-jobmanager)"; then
    log "JobManager:  pid $pid"; any=1
  else
    log "JobManager:  not running"
  fi
  for n in $(taskmanager_names); do
    if pid="$(pid_of "$n")"; then log "TaskManager: pid $pid (${n#flink-})"; any=1
    else log "TaskManager: ${n#flink-} not running (stale pid file)"; fi
  done
  [[ -n "$(taskmanager_names)" ]] || log "TaskManager: not running"
  if [[ -f $FLINK_CONF/config.yaml ]] && ov="$(overview)"; then
    log "REST $(flink_rest_url): taskmanagers=$(json_num taskmanagers <<<"$ov")" \
      "slots=$(json_num slots-available <<<"$ov")/$(json_num slots-total <<<"$ov") free" \
      "jobs running=$(json_num jobs-running <<<"$ov") finished=$(json_num jobs-finished <<<"$ov")" \
      "cancelled=$(json_num jobs-cancelled <<<"$ov") failed=$(json_num jobs-failed <<<"$ov")"
  else
    log "REST: not answering"
  fi
  ((any)) || return 3
}

usage() { sed -n '4,8p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2; }

TASKMANAGERS=1
case "${1:-}" in
  start)
    shift
    while (($#)); do
      case "$1" in
        --taskmanagers) [[ ${2:-} =~ ^[1-9][0-9]*$ ]] || usage; TASKMANAGERS="$2"; shift 2 ;;
        *) usage ;;
      esac
    done
    cmd_start ;;
  stop) cmd_stop ;;
  status) cmd_status ;;
  start-taskmanager) cmd_start_taskmanager ;;
  stop-taskmanager) cmd_stop_taskmanager ;;
  rescale) (($# == 3)) || usage; cmd_rescale "$2" "$3" ;;
  *) usage ;;
esac

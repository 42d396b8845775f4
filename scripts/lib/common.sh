# Shared helpers for scripts/*.sh. Source it after setting ROOT (the repository root):
#   ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"; source "$ROOT/scripts/lib/common.sh"

LOCAL="$ROOT/.local"          # all runtime data (git-ignored)
RUN_DIR="$LOCAL/run"          # pid files of the processes our scripts started
LOG_DIR="$LOCAL/log"          # logs of redis and etcd (Flink logs: .local/flink/log)
SCRIPT_NAME="$(basename "$0")"

log() { printf '[%s] %s\n' "$SCRIPT_NAME" "$*"; }
warn() { printf '[%s] WARNING: %s\n' "$SCRIPT_NAME" "$*" >&2; }
die() { printf '[%s] ERROR: %s\n' "$SCRIPT_NAME" "$*" >&2; exit 1; }

# alive PID: the process exists and is not a zombie (exited, not yet reaped by init).
alive() {
  kill -0 "$1" 2>/dev/null && [[ "$(ps -o stat= -p "$1" 2>/dev/null)" != Z* ]]
}

# pid_of NAME: the pid recorded in .local/run/NAME.pid if that process still lives.
pid_of() {
  local file="$RUN_DIR/$1.pid" pid
  [[ -f $file ]] || return 1
  pid="$(<"$file")"
  [[ $pid =~ ^[0-9]+$ ]] && alive "$pid" || return 1
  echo "$pid"
}

# stop_pid NAME [GRACE_SECONDS]: TERM the process of NAME.pid, wait, KILL after the grace
# period, remove the pid file. Only ever touches a pid this project recorded.
stop_pid() {
  local name="$1" grace="${2:-15}" pid i
  if ! pid="$(pid_of "$name")"; then
    rm -f "$RUN_DIR/$name.pid" "$RUN_DIR/$name.url"
    log "$name: not running"
    return 0
  fi
  log "$name: stopping pid $pid"
  kill -TERM "$pid" 2>/dev/null || true
  for ((i = 0; i < grace * 5; i++)); do
    alive "$pid" || break
    sleep 0.2
  done
  if alive "$pid"; then
    warn "$name: pid $pid still alive after ${grace}s, sending KILL"
    kill -KILL "$pid" 2>/dev/null || true
    for ((i = 0; i < 25; i++)); do alive "$pid" || break; sleep 0.2; done
  fi
  rm -f "$RUN_DIR/$name.pid" "$RUN_DIR/$name.url"
  log "$name: stopped"
}

# spawn NAME LOGFILE CMD...: run CMD detached (own session, stdin closed, output to LOGFILE)
# and record its pid in .local/run/NAME.pid. exec keeps the pid, so the file is exact.
spawn() {
  local name="$1" out="$2"; shift 2
  mkdir -p "$RUN_DIR" "$(dirname "$out")"
  rm -f "$RUN_DIR/$name.pid"
  setsid bash -c 'echo $$ > "$0"; exec "$@"' "$RUN_DIR/$name.pid" "$@" </dev/null >>"$out" 2>&1 &
  local i
  for ((i = 0; i < 50; i++)); do [[ -s "$RUN_DIR/$name.pid" ]] && return 0; sleep 0.1; done
  die "$name: no pid file after 5s"
}

# port_open [ADDRESS:]PORT: true when something accepts TCP connections on ADDRESS:PORT
# (default 127.0.0.1).
port_open() {
  local address=127.0.0.1 port="$1"
  [[ $port != *:* ]] || { address="${port%:*}"; port="${port##*:}"; }
  (exec 3<>"/dev/tcp/$address/$port") 2>/dev/null
}

# free_port: a loopback port nothing listens on now, chosen by the kernel (as the Maven tests
# choose theirs), for what the tests serve themselves: their sites and their Prometheus.
free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

# wait_until SECONDS DESCRIPTION CMD...: poll CMD every 0.5s until it succeeds.
wait_until() {
  local timeout="$1" what="$2" deadline; shift 2
  deadline=$((SECONDS + timeout))
  until "$@" >/dev/null 2>&1; do
    ((SECONDS < deadline)) || { warn "timed out after ${timeout}s waiting for $what"; return 1; }
    sleep 0.5
  done
}

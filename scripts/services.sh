#!/usr/bin/env bash
# Local redis-server and etcd for streamcrawl, on loopback and project ports, with their
# data under .local/ (run scripts/setup.sh --no-build first if the binaries are missing).
#   scripts/services.sh start|stop|status
# Ports: REDIS_PORT (default 16379), ETCD_PORT (default 23790), ETCD_PEER_PORT (23800).
# Data: SERVICES_DATA (default .local) holds redis/ and etcd/; scripts/bench.sh points it elsewhere.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
source "$ROOT/scripts/lib/common.sh"

REDIS_PORT="${REDIS_PORT:-16379}"
ETCD_PORT="${ETCD_PORT:-23790}"
ETCD_PEER_PORT="${ETCD_PEER_PORT:-23800}"
SERVICES_DATA="${SERVICES_DATA:-$LOCAL}"
REDIS_URL="redis://127.0.0.1:$REDIS_PORT"
ETCD_URL="http://127.0.0.1:$ETCD_PORT"
ETCD_PEER_URL="http://127.0.0.1:$ETCD_PEER_PORT"

need() {
  command -v "$1" >/dev/null || die "$1 not found: run scripts/setup.sh --no-build first"
}

redis_ping() { redis-cli -h 127.0.0.1 -p "$REDIS_PORT" ping | grep -q PONG; }
etcd_health() {
  ETCDCTL_API=3 etcdctl --endpoints "$ETCD_URL" --dial-timeout 1s --command-timeout 2s endpoint health
}

# start_service NAME PORT URL CHECK_FN HINT CMD...: HINT says how to choose another port.
start_service() {
  local name="$1" port="$2" url="$3" check="$4" hint="$5" pid; shift 5
  if pid="$(pid_of "$name")"; then
    log "$name already running (pid $pid, $(cat "$RUN_DIR/$name.url" 2>/dev/null || echo "$url"))"
    return 0
  fi
  if port_open "$port"; then
    die "port $port for $name is in use by another process: stop it, or $hint"
  fi
  log "starting $name on $url (log .local/log/$name.log)"
  spawn "$name" "$LOG_DIR/$name.log" "$@"
  echo "$url" >"$RUN_DIR/$name.url"
  local deadline=$((SECONDS + 30))
  until "$check" >/dev/null 2>&1; do
    if ! pid_of "$name" >/dev/null || ((SECONDS >= deadline)); then
      tail -n 20 "$LOG_DIR/$name.log" >&2 || true
      stop_pid "$name" 5
      die "$name did not start (log .local/log/$name.log)"
    fi
    sleep 0.3
  done
  log "$name ready (pid $(pid_of "$name"))"
}

cmd_start() {
  need redis-server; need redis-cli; need etcd; need etcdctl
  mkdir -p "$SERVICES_DATA/redis" "$SERVICES_DATA/etcd" "$LOG_DIR"
  chmod 700 "$SERVICES_DATA/etcd"   # etcd warns about a data dir that others can read
  start_service redis "$REDIS_PORT" "$REDIS_URL" redis_ping \
    "set REDIS_PORT to a free port and redis.port in config/crawler.yaml to the same" \
    redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --appendonly yes \
    --dir "$SERVICES_DATA/redis" --daemonize no
  start_service etcd "$ETCD_PORT" "$ETCD_URL" etcd_health \
    "set ETCD_PORT to a free port and etcd.endpoints in config/crawler.yaml to the same" \
    etcd --name default --data-dir "$SERVICES_DATA/etcd" \
    --listen-client-urls "$ETCD_URL" --advertise-client-urls "$ETCD_URL" \
    --listen-peer-urls "$ETCD_PEER_URL" --initial-advertise-peer-urls "$ETCD_PEER_URL" \
    --initial-cluster "default=$ETCD_PEER_URL" --logger zap --log-outputs stderr
}

cmd_status() {
  local name pid running=0
  for name in redis etcd; do
    if pid="$(pid_of "$name")"; then
      log "$name: running, pid $pid, $(cat "$RUN_DIR/$name.url" 2>/dev/null || echo '?')"
      running=$((running + 1))
    else
      log "$name: not running"
    fi
  done
  ((running == 2))   # exit status 0 only when both run
}

cmd_stop() {
  stop_pid etcd 15
  stop_pid redis 15
}

case "${1:-}" in
  start) cmd_start ;;
  stop) cmd_stop ;;
  status) cmd_status ;;
  *) echo "usage: $0 start|stop|status" >&2; exit 2 ;;
esac

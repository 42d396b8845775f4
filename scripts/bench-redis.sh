#!/usr/bin/env bash
# Benchmark of the Redis Streams connector: starts a redis-server (no persistence) on a free
# loopback port, measures redis-benchmark's XADD there, then the connector's sink and source
# (RedisStreamBenchmark from the connector's test classes, on a local MiniCluster, parallelism 1),
# plain and with a stream fence (Lua scripts), and prints the figures side by side. Stops the redis-server it started.
#   scripts/bench-redis.sh [RECORDS]     (default 500000)
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
source "$ROOT/scripts/lib/common.sh"
cd "$ROOT"

RECORDS="${1:-500000}"
[[ $RECORDS =~ ^[1-9][0-9]*$ ]] || die "RECORDS must be a positive number, was $RECORDS"
command -v redis-server >/dev/null && command -v redis-benchmark >/dev/null || die "redis-server not found: run scripts/setup.sh"

BENCH_DIR="$LOCAL/bench-redis"
mkdir -p "$BENCH_DIR"
log "building the connector's test classes"
mvn -B -o -q test-compile dependency:build-classpath -Dmdep.outputFile=target/bench.classpath \
    -Dmdep.includeScope=test -pl connectors/redis -am
CLASSPATH="connectors/redis/target/test-classes:connectors/redis/target/classes:$(<connectors/redis/target/bench.classpath)"

PORT=""
for candidate in $(shuf -i 20000-60000 -n 50); do
  port_open "$candidate" || { PORT="$candidate"; break; }
done
[[ -n $PORT ]] || die "no free loopback port found"
redis-server --port "$PORT" --bind 127.0.0.1 --save '' --appendonly no --dir "$BENCH_DIR" \
    >"$BENCH_DIR/redis.log" 2>&1 &
REDIS_PID=$!
trap 'kill "$REDIS_PID" 2>/dev/null || true; wait "$REDIS_PID" 2>/dev/null || true' EXIT
wait_until 10 "redis-server on port $PORT" redis-cli -p "$PORT" ping || die "redis-server did not start: $(tail -5 "$BENCH_DIR/redis.log")"
log "redis-server $(redis-server --version | awk '{print $3}') on 127.0.0.1:$PORT; $RECORDS records; $(nproc) cores"

# rps of one redis-benchmark run of XADD with a frontier-like entry; the arguments choose clients and pipelining.
xadd_rps() {
  redis-benchmark -p "$PORT" -n "$RECORDS" -q "$@" \
      XADD 'bench:xadd' '*' url 'https://example.org/page/__rand_int__' task bench depth 3 \
    | tr '\r' '\n' | sed -n 's/.*: \([0-9.]*\) requests per second.*/\1/p' | tail -1
}
CLIENTS50="$(xadd_rps -c 50)"
PIPELINED="$(xadd_rps -c 1 -P 500)"
redis-cli -p "$PORT" del bench:xadd >/dev/null

log "connector sink and source (MiniCluster; log in $BENCH_DIR/connector.log)"
java -Xmx1g -cp "$CLASSPATH" io.streamcrawl.connectors.redis.RedisStreamBenchmark 127.0.0.1 "$PORT" "$RECORDS" \
    >"$BENCH_DIR/connector.log" 2>&1 || die "the connector benchmark failed: $(tail -20 "$BENCH_DIR/connector.log")"
CONNECTOR="$(grep '^connector ' "$BENCH_DIR/connector.log")"

printf '%s\n' \
  "redis-benchmark XADD (50 clients, no pipelining):                 ${CLIENTS50%.*} requests/s" \
  "redis-benchmark XADD (1 client, pipeline 500):                    ${PIPELINED%.*} requests/s" \
  "$CONNECTOR"

# The steps of scripts/bench.sh (the crawl benchmark). Source after common.sh and flink.sh;
# uses the variables bench.sh sets (ROOT, BENCH, RUN, JAR, TASK, PORT, HOSTS, ORIGINS, PAGES, SEED).

JOB_ID="" SAMPLER_PID="" STARTED_SERVICES=0 STARTED_CLUSTER=0
crawl_status=0    # the exit status of the last crawl.sh --until-idle
CLEAN_COUNTS=""   # page_counts of the measured crawl, set by report: the messy report's baseline
CLEAN_CPU=""      # the measured crawl's cpu figures, set by report: the compare report's
REDIS=(redis-cli -p "${REDIS_PORT:-16379}")

# install_tools: nginx, wrk and jq from Debian when missing.
install_tools() {
  local packages=() sudo=()
  command -v nginx >/dev/null || [[ -x /usr/sbin/nginx ]] || packages+=(nginx-light)
  command -v wrk >/dev/null || packages+=(wrk)
  command -v jq >/dev/null || packages+=(jq)
  [[ -z ${COMPARE:-} ]] || command -v wget2 >/dev/null || packages+=(wget2)
  ((${#packages[@]})) || return 0
  if ((EUID != 0)); then
    command -v sudo >/dev/null || die "need root or sudo to install: ${packages[*]}"
    sudo=(sudo)
  fi
  log "installing ${packages[*]} (apt-get)"
  "${sudo[@]}" apt-get update -qq
  "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${packages[@]}" >/dev/null
}

nginx_bin() { command -v nginx || echo /usr/sbin/nginx; }

# refuse_if_running: the benchmark starts and stops its own cluster and services.
refuse_if_running() {
  prepare_flink >/dev/null
  if scripts/flink-cluster.sh status >/dev/null 2>&1 || curl -sf --max-time 2 "$(flink_rest_url)/overview" >/dev/null 2>&1; then
    die "a local Flink cluster is running; the benchmark starts its own: stop it first (scripts/flink-cluster.sh stop)"
  fi
  if pid_of redis >/dev/null || pid_of etcd >/dev/null; then
    die "local services are running; the benchmark starts its own: stop them first (scripts/services.sh stop)"
  fi
  local port
  for port in "$PORT" $( ((MESSY)) && echo "$MESSY_PORT" "$FAILING_PORT") ${COMPARE:+"$WGET2_PORT"}; do
    port_open "$port" && die "port $port is in use: set BENCH_PORT"
  done
  return 0
}

testing_jar() { ls "$ROOT"/connectors/testing/target/streamcrawl-testing-*.jar 2>/dev/null | grep -v -- '-tests.jar' | head -1; }

# build_jars FORCE: the job jar and the site generator, built when missing or when FORCE is 1.
build_jars() {
  if [[ $1 == 1 || ! -f $JAR || -z "$(testing_jar)" ]]; then
    log "building the job jar and the site generator (mvn package -pl job -am -DskipTests)"
    # Maven's quiet mode still prints colour resets without a newline: keep them off the report.
    mvn -B -q -Dstyle.color=never package -pl job -am -DskipTests >&2 || die "build failed"
    echo >&2
  fi
}

# ensure_site PAGES SEED: prints the directory of the generated site, generating it once per
# page count, seed and generator source (older generated sites are removed: they are large).
ensure_site() {
  local pages="$1" seed="$2" hash dir
  hash="$(cat "$ROOT"/connectors/testing/src/main/java/io/streamcrawl/testing/{DocSiteGraph,DocPageRenderer,DocSiteGenerator,Words}.java \
    | sha256sum | cut -c1-12)"
  dir="$BENCH/site-$pages-$seed-$hash"
  if [[ ! -f $dir/site.txt ]]; then
    mkdir -p "$BENCH"
    rm -rf "$BENCH"/site-*
    log "generating a $pages-page site (seed $seed) into ${dir#"$ROOT"/}" >&2
    java -cp "$(testing_jar)" io.streamcrawl.testing.DocSiteGenerator --out "$dir.tmp" --pages "$pages" --seed "$seed" \
      >"$dir.tmp.txt" || die "site generation failed"
    mv "$dir.tmp.txt" "$dir.tmp/site.txt"
    mv "$dir.tmp" "$dir"
  fi
  echo "$dir"
}

machine_line() {
  printf 'bench: machine cores=%s cpu="%s" mem_gib=%s load_1m=%s\n' "$(nproc)" \
    "$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1)" \
    "$(awk '/MemTotal/ {printf "%.0f", $2 / 1048576}' /proc/meminfo)" "$(cut -d' ' -f1 /proc/loadavg)"
}

# start_nginx SITE PORT CEILING_PORT: one worker (the crawl needs the other core), sendfile,
# keep-alive; PORT (on each of the HOSTS loopback addresses) logs every request for the
# exactly-once check, CEILING_PORT (127.0.0.1) is for wrk and the warm-up.
start_nginx() {
  local site="$1" port="$2" ceiling="$3" dir="$RUN/nginx" temp
  mkdir -p "$dir/temp"
  temp="$(for t in client_body proxy fastcgi uwsgi scgi; do printf '  %s_temp_path %s;\n' "$t" "$dir/temp/$t"; done)"
  cat >"$dir/nginx.conf" <<EOF
daemon off;
worker_processes 1;
error_log $dir/error.log warn;
pid $dir/nginx.pid;
events { worker_connections 4096; }
http {
  types { text/html html; text/plain txt; }
  default_type application/octet-stream;
  charset utf-8;
  sendfile on;
  tcp_nopush on;
  keepalive_requests 1000000;
  keepalive_timeout 120s;
  open_file_cache max=50000 inactive=120s;
$temp
  log_format bench '\$msec \$status \$body_bytes_sent \$request_time \$request_uri \$host';
  server {
$(for ((i = 1; i <= HOSTS; i++)); do printf '    listen 127.0.0.%s:%s;\n' "$i" "$port"; done)
    root $site;
    access_log $dir/access.log bench buffer=256k flush=1s;
  }
  server {
    listen 127.0.0.1:$ceiling;
    root $site;
    access_log off;
  }
$( ((MESSY)) && messy_server "$dir")
$([[ -n $COMPARE ]] && wget2_server "$dir")
}
EOF
  log "serving ${site#"$ROOT"/} with nginx on ${ORIGINS[*]}"
  spawn bench-nginx "$dir/nginx.out" "$(nginx_bin)" -p "$dir" -e "$dir/error.log" -c "$dir/nginx.conf"
  wait_until 10 "nginx" port_open "$port" || die "nginx did not start: $(cat "$dir/error.log" "$dir/nginx.out" 2>/dev/null)"
}

# server_ceiling SITE PORT: what nginx serves per second on this machine when wrk cycles
# through every page of the site (realistic sizes), measured before the crawl starts.
server_ceiling() {
  local site="$1" port="$2" out
  cat >"$RUN/wrk.lua" <<'EOF'
local paths = {}
local i = 0
function init(args)
  for line in io.lines(args[1]) do paths[#paths + 1] = line end
end
function request()
  i = i % #paths + 1
  return wrk.format("GET", paths[i])
end
EOF
  out="$(wrk -t2 -c32 -d5s -s "$RUN/wrk.lua" "http://127.0.0.1:$port" -- "$site/pages.txt")"
  printf '%s\n' "$out" >"$RUN/wrk.out"
  printf 'bench: server_ceiling pages_per_s=%s transfer_per_s=%s (nginx, 1 worker; wrk -t2 -c32 5 s over every page, same 2 cores)\n' \
    "$(awk '/^Requests\/sec:/ {printf "%.0f", $2}' <<<"$out")" "$(awk '/^Transfer\/sec:/ {print $2}' <<<"$out")"
}

job_json() { curl -sf --max-time 5 "$REST/jobs/$JOB_ID"; }

# submit_job: the job jar with checkpoints every 10 s; waits until every vertex runs.
submit_job() {
  local out
  # Word splitting of BENCH_JOB_ARGS is intended: it holds --key value pairs.
  # shellcheck disable=SC2086
  local args="--job.checkpoint-interval 10s${PARALLELISM:+ --job.parallelism $PARALLELISM} ${BENCH_JOB_ARGS:-}"
  out="$(scripts/flink run -d "$JAR" $args 2>&1)" || die "flink run failed: $out"
  log "job arguments: $args (jar ${JAR#"$ROOT"/})"
  JOB_ID="$(grep -oE 'JobID [0-9a-f]{32}' <<<"$out" | head -1 | cut -d' ' -f2)"
  [[ -n $JOB_ID ]] || die "no job id in: $out"
  all_running() { [[ "$(job_json | jq -r '[.vertices[].status] | unique | join(",")')" == RUNNING ]]; }
  wait_until 60 "job $JOB_ID to run" all_running || die "job $JOB_ID did not start: $(job_json | head -c 1000)"
  log "job $JOB_ID running"
  printf 'bench: job parallelism=%s args="%s"\n' "$(job_json | jq -r '[.vertices[].parallelism] | max')" "$args"
}

# resubmit_job: disables the task warmup (done), cancels the job (which revokes its fence: the
# next one may start at once) and submits a new one (--fresh-job).
resubmit_job() {
  local old="$JOB_ID"
  scripts/crawlctl task disable warmup >/dev/null || die "cannot disable the task warmup"
  curl -sf --max-time 10 -X PATCH "$REST/jobs/$old?mode=cancel" >/dev/null || die "cannot cancel job $old"
  canceled() { [[ "$(curl -sf --max-time 5 "$REST/jobs/$old" | jq -r .state)" == CANCELED ]]; }
  wait_until 60 "job $old to be cancelled" canceled || die "job $old was not cancelled within 60 s"
  rm -rf "$FLINK_HOME/checkpoints/$old"
  log "job $old cancelled; submitting a fresh job to the same TaskManager"
  submit_job
}

# bench_spec ORIGIN...: the task spec of a crawl of the site at these local origins (no delay;
# the fetch deadline FETCH_TIMEOUT_MS when set).
bench_spec() {
  printf '{"seeds": [%s], "scope": {"allowPrivate": true},
 "politeness": {"delayMs": 0, "maxInFlightPerHost": 64}%s}\n' "$(printf '"%s", ' "$@" | sed 's/, $//')" \
    "${FETCH_TIMEOUT_MS:+, \"fetch\": {\"timeoutMs\": $FETCH_TIMEOUT_MS\}}"
}

# warm_up: crawls the site at the ceiling port (another origin: its URLs are new to the measured
# crawl, and nginx does not log them) as task "warmup", until idle; BENCH_WARMUPS=N crawls it N
# times (tasks warmup, warmup2, ...), for a measured crawl nearer the JIT's steady state.
warm_up() {
  local start round task
  bench_spec "http://127.0.0.1:$CEILING_PORT/" >"$RUN/warmup-spec.json"
  # Each round a task of its own: a task's seen-set would skip the site the second time.
  for ((round = 1; round <= ${BENCH_WARMUPS:-1}; round++)); do
    start=$SECONDS task=warmup
    ((round == 1)) || task=warmup$round
    log "warming up: crawling http://127.0.0.1:$CEILING_PORT/ as task $task"
    timeout "$TIMEOUT" scripts/crawl.sh --task "$task" --spec "$RUN/warmup-spec.json" --until-idle \
      "http://127.0.0.1:$CEILING_PORT/" >"$RUN/$task.out" || die "the warm-up crawl did not end idle within ${TIMEOUT}s"
    printf 'bench: warmup %s (%ss)\n' "$(grep '^crawl summary:' "$RUN/$task.out" | tail -1)" "$((SECONDS - start))"
  done
}

# cpu_snapshot: "name ticks" of utime+stime for the processes of the pipeline (and nginx with its
# workers), then the first TaskManager's JIT compiler and GC threads (tm-jit, tm-gc) by thread name.
cpu_snapshot() {
  local name pid t
  for name in $(cd "$RUN_DIR" && ls flink-taskmanager-*.pid 2>/dev/null | sed 's/\.pid$//') redis etcd flink-jobmanager bench-nginx; do
    pid="$(pid_of "$name")" || continue
    printf '%s %s\n' "$name" "$(for p in $pid $(pgrep -P "$pid"); do
      awk '{print $14 + $15}' "/proc/$p/stat" 2>/dev/null; done | awk '{s += $1} END {print s + 0}')"
  done
  pid="$(pid_of flink-taskmanager-1)" || return 0
  # A thread's name is in /proc/.../comm; its stat fields count from after the name's ')'.
  for t in /proc/"$pid"/task/*; do
    printf '%s\t%s\n' "$(cat "$t/comm" 2>/dev/null)" "$(sed 's/.*) //' "$t/stat" 2>/dev/null | cut -d' ' -f12,13)"
  done | awk -F'\t' '{ split($2, f, " "); v = f[1] + f[2] }
    $1 ~ /^C[12] CompilerThre/ { jit += v } $1 ~ /^(GC Thread|G1 )/ { gc += v }
    END { print "tm-jit", jit + 0; print "tm-gc", gc + 0 }'
}

taskmanager_id() { curl -sf --max-time 5 "$REST/taskmanagers" | jq -r '.taskmanagers[0].id'; }

# start_sampler: every 2 s, the TaskManager's RSS (kB) and heap in use (bytes) into samples.
start_sampler() {
  local tm_pid tm_id
  tm_pid="$(pid_of flink-taskmanager-1)"
  tm_id="$(taskmanager_id)"
  (
    while sleep 2; do
      printf '%s %s\n' "$(awk '/^VmRSS:/ {print $2}' "/proc/$tm_pid/status" 2>/dev/null || echo 0)" \
        "$(curl -sf --max-time 2 "$REST/taskmanagers/$tm_id/metrics?get=Status.JVM.Memory.Heap.Used" \
          | jq -r '.[0].value // 0' 2>/dev/null || echo 0)"
    done >"$RUN/samples"
  ) &
  SAMPLER_PID=$!
}

stop_sampler() {
  [[ -n $SAMPLER_PID ]] || return 0
  kill "$SAMPLER_PID" 2>/dev/null || true
  wait "$SAMPLER_PID" 2>/dev/null || true
  SAMPLER_PID=""
}

# percentiles FILE: "p50 p99" of the numbers in FILE (one per line).
percentiles() {
  sort -n "$1" | awk '{v[NR] = $1} END {
    if (NR == 0) { print "- -"; exit }
    i50 = int(NR * 0.50 + 0.999); i99 = int(NR * 0.99 + 0.999)
    print v[i50 < 1 ? 1 : i50], v[i99 < 1 ? 1 : i99] }'
}

# await_checkpoint_after EPOCH_MS: id of the first completed checkpoint triggered after it.
await_checkpoint_after() {
  local since="$1" deadline=$((SECONDS + 40)) id
  while ((SECONDS < deadline)); do
    id="$(curl -sf --max-time 5 "$REST/jobs/$JOB_ID/checkpoints" \
      | jq -r --argjson t "$since" '[.history[] | select(.status == "COMPLETED" and .trigger_timestamp >= $t)] | first | .id // empty')"
    [[ -n $id ]] && { echo "$id"; return 0; }
    sleep 1
  done
  return 1
}

# prom_sum METRIC: the sum of a metric over all series of every Flink process's Prometheus endpoint.
prom_sum() {
  local port
  for port in 9249 9250 9251; do curl -sf --max-time 3 "http://127.0.0.1:$port/metrics" || true; done \
    | awk -v m="$1" 'index($0, m "{") == 1 || index($0, m " ") == 1 { s += $NF } END { printf "%.0f\n", s }'
}

# page_counts ACCESS_LOG REQUEST_TIME_FILE [EXPECTED_PREFIX]: "pages once missing more_than_once
# other seconds pages_per_s bytes" for the site's pages (pages.txt on each of the HOSTS) in an
# access log, from its first page fetch to its last (a page counts as fetched when answered 200;
# a request cut off by a kill is an other request); writes each page's request time (ms) to the
# file. Requests under EXPECTED_PREFIX (the messy site's failing URLs) and robots.txt (the task
# obeys it: one request per host) are not "other".
page_counts() {
  awk -v rt="$2" -v hosts="$HOSTS" -v expected="${3:-}" '
    FNR == NR { for (h = 1; h <= hosts; h++) { want["127.0.0." h " " $1] = 1; n++ } next }
    {
      page = $6 " " $5
      if (page in want && $2 == 200) {
        c[page]++; if (first == "" || $1 < first) first = $1; if ($1 > last) last = $1
        bytes += $3; print $4 * 1000 > rt
      } else if ($5 != "/robots.txt" && (expected == "" || index($5, expected) != 1)) other++
    }
    END {
      for (p in want) { if (!(p in c)) missing++; else if (c[p] > 1) dup++; else once++ }
      secs = last - first
      printf "%d %d %d %d %d %.3f %.0f %d\n", n, once, missing, dup, other, secs, (secs > 0 ? (once + dup) / secs : 0), bytes
    }' "$SITE/pages.txt" "$1"
}

# page_lines LABEL COUNTS: the exactly-once and pages/s lines of a page_counts result.
page_lines() {
  local n once missing dup other secs rate bytes
  read -r n once missing dup other secs rate bytes <<<"$2"
  printf 'bench: %spages=%s fetched_exactly_once=%s missing=%s fetched_more_than_once=%s other_requests=%s (%s)\n' \
    "$1" "$n" "$once" "$missing" "$dup" "$other" \
    "$([[ $once == "$n" && $other == 0 ]] && echo "every page fetched exactly once" || echo "NOT every page exactly once")"
  printf 'bench: %sseconds=%s pages_per_s=%s mb_per_s=%.1f (first fetch to last, nginx access log)\n' \
    "$1" "$secs" "$rate" "$(awk -v b="$bytes" -v s="$secs" 'BEGIN {print (s > 0 ? b / s / 1048576 : 0)}')"
}

report() {
  local idle_ms analysis cpu pages once dup
  idle_ms="$(date +%s%3N)"
  sleep 2   # the access log is flushed every second
  grep '^crawl summary:' "$RUN/crawl.out" | tail -1 | sed 's/^/bench: /' || true

  # Exactly once, throughput and server-side latency, from nginx's access log.
  analysis="$(page_counts "$RUN/nginx/access.log" "$RUN/request_time")"
  CLEAN_COUNTS="$analysis"
  read -r _ once _ dup _ <<<"$analysis"
  pages=$((once + dup))
  page_lines "" "$analysis"

  # CPU of the pipeline per page.
  local tck=$(getconf CLK_TCK)
  cpu="$(awk -v tck="$tck" -v pages="$((pages > 0 ? pages : 1))" '
    FNR == NR { before[$1] = $2; next }
    { d = ($2 - before[$1]) / tck; s[$1] = d; if ($1 ~ /taskmanager|redis|etcd/) pipe += d; if ($1 ~ /^flink-taskmanager-/) tm += d }
    END {
      printf "cpu_s_per_page=%.5f cpu_s=%.1f (taskmanager=%.1f redis=%.1f etcd=%.1f); taskmanager threads: jit_compiler=%.1f gc=%.1f (threads alive at the end); outside: jobmanager=%.1f nginx=%.1f\n",
        pipe / pages, pipe, tm, s["redis"], s["etcd"], s["tm-jit"], s["tm-gc"], s["flink-jobmanager"], s["bench-nginx"]
    }' "$RUN/cpu.before" "$RUN/cpu.after")"
  echo "bench: $cpu"
  CLEAN_CPU="$cpu"

  # Fetch latency as the job saw it (fetch_ms of every page record), and as nginx served it.
  # A page record's task field comes before its fetch_ms (PageRecord's field order).
  "${REDIS[@]}" --raw XRANGE streamcrawl:pages - + \
    | awk -v t="$TASK" 'prev == "task" {task = $0} prev == "fetch_ms" && task == t {print} {prev = $0}' >"$RUN/fetch_ms"
  read -r f50 f99 <<<"$(percentiles "$RUN/fetch_ms")"
  read -r n50 n99 <<<"$(percentiles "$RUN/request_time")"
  printf 'bench: fetch_ms p50=%s p99=%s (job, %s page records); nginx request_ms p50=%s p99=%s\n' \
    "$f50" "$f99" "$(wc -l <"$RUN/fetch_ms")" "$n50" "$n99"

  # TaskManager memory.
  local tm_pid heap_max
  tm_pid="$(pid_of flink-taskmanager-1)"
  heap_max="$(curl -sf --max-time 5 "$REST/taskmanagers/$(taskmanager_id)/metrics?get=Status.JVM.Memory.Heap.Max" | jq -r '.[0].value // 0')"
  awk -v hwm="$(awk '/^VmHWM:/ {print $2}' "/proc/$tm_pid/status")" -v hmax="$heap_max" '
    { if ($1 > rss) rss = $1; if ($2 > heap) heap = $2 }
    END { printf "bench: taskmanager rss_peak_mib=%.0f rss_sampled_max_mib=%.0f heap_used_max_mib=%.0f heap_max_mib=%.0f (sampled every 2 s)\n",
      hwm / 1024, rss / 1024, heap / 1048576, hmax / 1048576 }' "$RUN/samples"

  # Redis commands per page, with the most frequent commands.
  local per_page=$((pages > 0 ? pages : 1)) top
  top="$(awk -F'[:=,]' '/^cmdstat_/ {print substr($1, 9), $3}' "$RUN/commandstats" | sort -k2,2nr \
    | awk -v p="$per_page" 'NR <= 6 {printf "%s%s=%.2f", (NR > 1 ? " " : ""), $1, $2 / p}')"
  awk -F'[:=,]' -v p="$per_page" -v top="$top" '/^cmdstat_/ {t += $3}
    END {printf "bench: redis commands_per_page=%.2f commands=%d (%s)\n", t / p, t, top}' "$RUN/commandstats"

  # Redis memory: the frontier streams are acknowledged and trimmed, so the peak follows the backlog.
  "${REDIS[@]}" INFO memory | tr -d '\r' | awk -F: '/^used_memory:/ {u = $2} /^used_memory_peak:/ {p = $2}
    END {printf "bench: redis used_memory_mib=%.1f used_memory_peak_mib=%.1f\n", u / 1048576, p / 1048576}'

  # RocksDB state per seen URL: the host scheduler's full state size in a checkpoint taken after
  # the crawl went idle, and the RocksDB files on disk. Not in the smoke form: the checkpoint
  # takes up to an interval.
  if ((SMOKE)); then
    log "done in $((SECONDS - T0))s; logs and samples in ${RUN#"$ROOT"/}"
    return
  fi
  local cp vertex state seen db_bytes
  seen="$(prom_sum flink_taskmanager_job_task_operator_crawler_urls_new_total)"
  if cp="$(await_checkpoint_after "$idle_ms")"; then
    vertex="$(job_json | jq -r '.vertices[] | select(.name | test("host scheduler")) | .id')"
    state="$(curl -sf --max-time 5 "$REST/jobs/$JOB_ID/checkpoints/details/$cp" | jq -r --arg v "$vertex" '.tasks[$v].state_size')"
  else
    warn "no checkpoint completed after the crawl within 40 s"
    state=0
  fi
  db_bytes="$(find "$FLINK_HOME/tmp" -type d -name db -exec du -sb {} + 2>/dev/null | awk '{s += $1} END {print s + 0}')"
  awk -v st="$state" -v seen="$seen" -v db="$db_bytes" -v cp="${cp:-none}" 'BEGIN {
    printf "bench: state urls_seen=%d scheduler_checkpoint_bytes=%d bytes_per_url=%.1f rocksdb_dir_bytes=%d dir_bytes_per_url=%.1f (checkpoint %s)\n",
      seen, st, (seen > 0 ? st / seen : 0), db, (seen > 0 ? db / seen : 0), cp }'
  log "done in $((SECONDS - T0))s; logs and samples in ${RUN#"$ROOT"/}"
}

# measured_crawl: the measured crawl of the site at ORIGINS as task TASK, until idle, with its
# CPU, memory and Redis figures (report).
measured_crawl() {
  "${REDIS[@]}" CONFIG RESETSTAT >/dev/null
  cpu_snapshot >"$RUN/cpu.before"
  start_sampler
  ((PROFILE)) && start_profile

  log "crawling ${ORIGINS[*]} until idle (at most ${TIMEOUT}s)"
  crawl_status=0
  timeout "$TIMEOUT" scripts/crawl.sh --task "$TASK" --spec "$RUN/spec.json" --until-idle \
    "${ORIGINS[@]}" | tee "$RUN/crawl.out" || crawl_status=$?
  CLEAN_LOAD="$(load_now)"

  cpu_snapshot >"$RUN/cpu.after"
  ((PROFILE)) && stop_profile
  "${REDIS[@]}" INFO commandstats >"$RUN/commandstats"
  stop_sampler
  ((crawl_status == 0)) || warn "the crawl did not end idle within ${TIMEOUT}s (status $crawl_status): figures are partial"
  report
}

# smoke_verdict: the smoke form's test (--smoke): exit 1 unless the measured crawl ended idle and
# fetched every page exactly once. The ratios are not checked.
smoke_verdict() {
  local n once missing dup other
  read -r n once missing dup other _ <<<"$CLEAN_COUNTS"
  if ((crawl_status != 0 || once != n || other != 0)); then
    warn "SMOKE FAILED: crawl status $crawl_status, $once of $n pages fetched exactly once ($missing missing, $dup more than once, $other other requests)"
    exit 1
  fi
  log "smoke passed: $n pages fetched exactly once in $((SECONDS - T0))s"
}

# fresh_cluster TASKMANAGERS: stops the job, the cluster and the services, drops their data and
# starts them again, the cluster with TASKMANAGERS TaskManagers, and submits the job.
fresh_cluster() {
  scripts/flink-cluster.sh stop >/dev/null
  rm -rf "$FLINK_HOME/checkpoints/$JOB_ID"
  scripts/services.sh stop >/dev/null
  rm -rf "$SERVICES_DATA"
  scripts/services.sh start
  scripts/flink-cluster.sh start --taskmanagers "$1"
  submit_job
}

# taskmanagers_run: the measured crawl on the cluster of one TaskManager started above, then on a
# fresh one of TASKMANAGERS (same site, same job parallelism, nginx's access log started anew), each
# run's lines prefixed "taskmanagers=<n>", then the ratios of the two.
taskmanagers_run() {
  local n
  for n in 1 "$TASKMANAGERS"; do
    if ((n > 1)); then
      fresh_cluster "$n"
      ((WARMUP)) && warm_up
      stop_pid bench-nginx 5 >/dev/null
      mv "$RUN/nginx/access.log" "$RUN/nginx/access-taskmanagers-1.log"
      start_nginx "$SITE" "$PORT" "$CEILING_PORT"
    fi
    measured_crawl >"$RUN/taskmanagers-$n.txt"
    sed "s/^bench: /bench: taskmanagers=$n /" "$RUN/taskmanagers-$n.txt"
  done
  awk -v n="$TASKMANAGERS" '
    function field(line, name) { return match(line, name "=[0-9.]+") ? substr(line, RSTART + length(name) + 1, RLENGTH - length(name) - 1) : 0 }
    /^bench: seconds=/ { rate[FILENAME] = field($0, "pages_per_s") }
    /^bench: cpu_s_per_page=/ { cpu[FILENAME] = field($0, "cpu_s_per_page") }
    END {
      one = ARGV[1]; many = ARGV[2]
      printf "bench: taskmanagers pages_per_s 1=%s %d=%s ratio=%.2f; cpu_s_per_page 1=%s %d=%s ratio=%.2f (%d to 1)\n",
        rate[one], n, rate[many], (rate[one] > 0 ? rate[many] / rate[one] : 0),
        cpu[one], n, cpu[many], (cpu[one] > 0 ? cpu[many] / cpu[one] : 0), n
    }' "$RUN/taskmanagers-1.txt" "$RUN/taskmanagers-$TASKMANAGERS.txt"
}

# site_progress: "distinct repeats" of the site's page requests in nginx's access log so far
# (flushed every second), whatever their status; the pages and repeats of --faults.
site_progress() {
  awk '$5 != "/robots.txt" { n++; if (!seen[$6 " " $5]++) d++ } END { print d + 0, n - d }' \
    "$RUN/nginx/access.log" 2>/dev/null || echo 0 0
}
site_pages() { site_progress | cut -d' ' -f1; }
site_repeats() { site_progress | cut -d' ' -f2; }

# crawl_with_faults: the crawl until idle, with scripts/crawl.sh in the background, through the
# failures of scripts/lib/faults.sh at fixed page counts; sets crawl_status.
crawl_with_faults() {
  local crawl_pid
  FAULTS_LOG="$RUN/faults.txt"
  log "crawling ${ORIGINS[*]} until idle (at most ${TIMEOUT}s) through kill -9 of: ${FAULTS[*]}"
  timeout "$TIMEOUT" scripts/crawl.sh --task "$TASK" --spec "$RUN/spec.json" --until-idle \
    "${ORIGINS[@]}" >"$RUN/crawl.out" 2>&1 &
  crawl_pid=$!
  if ! inflict_faults "$JOB_ID" "$TASK" site_pages site_repeats "$crawl_pid" "$((PAGES * HOSTS))"; then
    stop_crawl "$crawl_pid"
    die "the failures did not all pass; logs in ${RUN#"$ROOT"/}"
  fi
  crawl_status=0
  wait "$crawl_pid" || crawl_status=$?
}

# faults_report: the figures of --faults; exits 1 when a page was lost, the crawl did not end
# idle, the job is not the same one RUNNING, a failure fetched again more pages than were in
# flight at it, or streamcrawl:pages holds a page twice.
faults_report() {
  local pages_manifest fetched missing dup other secs rate bytes same_job=yes report bound=held record_dups
  sleep 2   # the access log is flushed every second
  grep '^crawl summary:' "$RUN/crawl.out" | tail -1 | sed 's/^/bench: /' || true
  read -r pages_manifest fetched missing dup other secs rate bytes <<<"$(page_counts "$RUN/nginx/access.log" "$RUN/request_time")"
  [[ "$(running_job streamcrawl)" == "$JOB_ID" ]] || same_job=no
  printf 'bench: faults pages=%s lost=%s fetched_more_than_once=%s cut_off_or_other_requests=%s crawl_status=%s same_job_running=%s load_1m=%s\n' \
    "$pages_manifest" "$missing" "$dup" "$other" "$crawl_status" "$same_job" "$(cut -d' ' -f1 /proc/loadavg)"
  report="$(fault_report "$(site_repeats)")" || bound=broken
  sed 's/^/bench: faults /' <<<"$report"
  record_dups="$(page_record_duplicates "$TASK")"
  printf 'bench: faults page_record_duplicates=%s (records of streamcrawl:pages with a url+task seen before)\n' "$record_dups"
  printf 'bench: faults in_flight is the pages requested (nginx access log) whose record was not in streamcrawl:pages at the failure (a TaskManager kill: once it was dead); refetched counts the requests beyond the first of a page from that failure to the next; released_not_done is released minus done of the task counters in Redis (as of the last checkpoint)\n'
  if ((missing > 0 || crawl_status != 0 || record_dups > 0)) || [[ $same_job != yes || $bound != held ]]; then
    warn "NOT EXACT ACROSS FAILURES: $missing pages lost, crawl.sh returned $crawl_status, same job running: $same_job, re-fetches within in flight: $bound, duplicate page records: $record_dups"
    exit 1
  fi
  log "done in $((SECONDS - T0))s; logs in ${RUN#"$ROOT"/}"
}

# The messy variant (--messy): the same site under another origin, where a few percent more URLs,
# linked from ordinary pages, fail: nginx answers 500 and 503 itself and 502 from an upstream that
# is not there; FailingPathServer (connectors/testing), behind nginx so that the host and the
# access log stay one, resets mid-body, sends a head and then silence or one byte a second past
# the fetch deadline, and answers 429 with Retry-After once per URL, then a page.
MESSY_KINDS=(500 502 503 reset silent drip 429)
MESSY_LOAD="" CLEAN_LOAD=""

# messy_links SITE: the failing URLs /messy/<kind>/<i>, PAGES/300 of each kind (2% of the URLs in
# all) but only PAGES/2000 answering 429, since each of those pauses the whole host, in
# $RUN/failing.txt; and in $RUN/messy-links.txt, evenly spread pages of SITE, each with the one
# failing URL it links to. Each kind is spread over the whole site.
messy_links() {
  local site="$1" kind i n
  for kind in "${MESSY_KINDS[@]}"; do
    if [[ $kind == 429 ]]; then n=$((PAGES / 2000)); else n=$((PAGES / 300)); fi
    ((n > 0)) || n=1
    for ((i = 0; i < n; i++)); do echo "$(((2 * i + 1) * 1000000 / (2 * n))) /messy/$kind/$i"; done
  done | sort -n -s -k1,1 | cut -d' ' -f2 >"$RUN/failing.txt"
  # Files only: a directory's index page is served by an internal redirect that an exact
  # location would not see.
  grep -v '/$' "$site/pages.txt" >"$RUN/messy-pages.txt" || true
  awk -v n="$(wc -l <"$RUN/failing.txt")" -v pages="$(wc -l <"$RUN/messy-pages.txt")" '
    NR == 1 { step = int(pages / n); if (step < 1) step = 1 }
    (NR - 1) % step == 0 && k++ < n' "$RUN/messy-pages.txt" | paste -d' ' - "$RUN/failing.txt" \
    | awk 'NF == 2' >"$RUN/messy-links.txt"
  log "messy site: $(wc -l <"$RUN/failing.txt") failing URLs (${MESSY_KINDS[*]}) linked from as many pages"
}

# messy_server DIR: nginx's server block of the messy site, logging to DIR/messy-access.log. It
# serves the clean site's files (one open-file cache: nginx may hold no more than 20,000 files
# here), adding to each page of messy-links.txt its link before </body>.
messy_server() {
  cat <<EOF
  server {
    listen 127.0.0.1:$MESSY_PORT;
    root $SITE;
    access_log $1/messy-access.log bench buffer=256k flush=1s;
$(awk -v q="'" '{ printf "    location = %s { sub_filter %s</body>%s %s<p><a href=\"%s\">more</a></p></body>%s; }\n", $1, q, q, q, $2, q }' "$RUN/messy-links.txt")
    location /messy/500/ { return 500; }
    location /messy/503/ { return 503; }
    location /messy/502/ { proxy_pass http://unix:$1/no-upstream.sock; }
    location /messy/ {
      proxy_pass http://127.0.0.1:$FAILING_PORT;
      proxy_buffering off;
      proxy_read_timeout 60s;
    }
  }
EOF
}

start_failing_server() {
  spawn bench-failing "$RUN/failing-server.out" java -cp "$(testing_jar)" io.streamcrawl.testing.FailingPathServer \
    --port "$FAILING_PORT" --hold-ms $((FETCH_TIMEOUT_MS + 1000)) --retry-after-s "$RETRY_AFTER_S"
  wait_until 20 "the failing-path server" port_open "$FAILING_PORT" \
    || die "the failing-path server did not start: $(cat "$RUN/failing-server.out")"
}

# fetch_max_retries: the job's fetch.max-retries (BENCH_JOB_ARGS, else config/crawler.yaml).
fetch_max_retries() {
  local v
  v="$(grep -oE -- '--fetch\.max-retries[ =][0-9]+' <<<"${BENCH_JOB_ARGS:-}" | grep -oE '[0-9]+$' | tail -1 || true)"
  [[ -n $v ]] || v="$(awk '/^[a-z]/ {section = $1} section == "fetch:" && $1 == "max-retries:" {print $2}' "$ROOT/config/crawler.yaml")"
  echo "$v"
}

# load_now: the 1, 5 and 15 minute load averages (uptime).
load_now() { uptime | sed 's/.*load average: //'; }

# messy_crawl: crawls the messy site as task messy until idle.
messy_crawl() {
  local status=0
  bench_spec "$MESSY_ORIGIN" >"$RUN/messy-spec.json"
  log "crawling the messy site $MESSY_ORIGIN as task messy until idle (at most ${TIMEOUT}s)"
  timeout "$TIMEOUT" scripts/crawl.sh --task messy --spec "$RUN/messy-spec.json" --until-idle "$MESSY_ORIGIN" \
    | tee "$RUN/messy.out" || status=$?
  MESSY_LOAD="$(load_now)"
  ((status == 0)) || warn "the messy crawl did not end idle within ${TIMEOUT}s (status $status): figures are partial"
}

# messy_report: the good pages of the messy site against the clean site's, and the failing URLs' attempts.
messy_report() {
  local counts clean_rate messy_rate tries
  sleep 2   # the access log is flushed every second
  grep '^crawl summary:' "$RUN/messy.out" | tail -1 | sed 's/^/bench: messy /' || true
  counts="$(page_counts "$RUN/nginx/messy-access.log" "$RUN/messy-request_time" /messy/)"
  page_lines "messy " "$counts"
  clean_rate="$(cut -d' ' -f7 <<<"$CLEAN_COUNTS")"
  messy_rate="$(cut -d' ' -f7 <<<"$counts")"
  awk -v c="$clean_rate" -v m="$messy_rate" 'BEGIN { r = (c > 0 ? m / c : 0)
    printf "bench: messy good_pages_per_s=%s clean_pages_per_s=%s ratio=%.2f (target at least 0.8: %s)\n", m, c, r, (r >= 0.8 ? "met" : "NOT met") }'
  tries=$((1 + $(fetch_max_retries)))
  awk -v tries="$tries" '
    FNR == NR { split($1, p, "/"); kind[$1] = p[3]; if (!(p[3] in urls)) order[++kinds] = p[3]; urls[p[3]]++; next }
    ($5 in kind) { c[$5]++ }
    END {
      for (u in kind) { k = kind[u]; a[k] += c[u]; total += c[u]; if (c[u] > mx[k]) mx[k] = c[u]
        if (c[u] > max) max = c[u]; if (c[u] > tries) over++; if (!c[u]) never++ }
      for (i = 1; i <= kinds; i++) { k = order[i]; line = line sprintf(" %s=%d/%d(max %d)", k, a[k], urls[k], mx[k]) }
      printf "bench: messy failing_urls=%d attempts=%d max_attempts=%d over_limit=%d never_tried=%d (at most 1 + fetch.max-retries = %d each: %s); attempts/urls by kind:%s\n",
        length(kind), total, max, over + 0, never + 0, tries, (over == 0 && never == 0 ? "yes" : "NO"), line
    }' "$RUN/failing.txt" "$RUN/nginx/messy-access.log"
  printf 'bench: load clean="%s" messy="%s" (uptime: 1, 5, 15 min, after each crawl)\n' "$CLEAN_LOAD" "$MESSY_LOAD"
}

# cleanup: stop everything the benchmark started; keep the run's logs, drop its bulky data.
cleanup() {
  local rc=$?
  trap - EXIT INT TERM
  stop_sampler
  if ((STARTED_CLUSTER)); then
    scripts/flink-cluster.sh stop >/dev/null || true
    [[ -n $JOB_ID ]] && rm -rf "$FLINK_HOME/checkpoints/$JOB_ID"
  fi
  if ((STARTED_SERVICES)); then
    scripts/services.sh stop >/dev/null || true
    rm -rf "$RUN/services"
  fi
  stop_pid bench-nginx 5 >/dev/null
  stop_pid bench-failing 5 >/dev/null
  exit "$rc"
}

# The profiler of --profile: async-profiler from Maven Central (its jar carries the native agent).
ASYNC_PROFILER_VERSION=2.9
PROFILE_INTERVAL_US=1000

# profiler_lib: the path of libasyncProfiler.so for this machine, fetched with Maven once.
profiler_lib() {
  local dir="$BENCH/async-profiler-$ASYNC_PROFILER_VERSION" arch
  case "$(uname -m)" in x86_64) arch=linux-x64 ;; aarch64) arch=linux-arm64 ;; *) die "--profile: no async-profiler for $(uname -m)" ;; esac
  if [[ ! -f $dir/libasyncProfiler.so ]]; then
    mkdir -p "$dir"
    mvn -B -q -Dstyle.color=never dependency:copy -Dartifact="tools.profiler:async-profiler:$ASYNC_PROFILER_VERSION" \
      -DoutputDirectory="$dir" >&2 || die "cannot fetch async-profiler $ASYNC_PROFILER_VERSION with Maven"
    unzip -q -o -j -d "$dir" "$dir/async-profiler-$ASYNC_PROFILER_VERSION.jar" "$arch/libasyncProfiler.so"
  fi
  echo "$dir/libasyncProfiler.so"
}

# profiler_command ARGS: one async-profiler command in the TaskManager (jcmd loads the agent,
# which runs the command; the quotes keep jcmd from splitting it at '=').
profiler_command() {
  jcmd "$(pid_of flink-taskmanager-1)" JVMTI.agent_load "$(profiler_lib)" "\"$1\"" >>"$RUN/profiler.out" 2>&1 \
    || die "async-profiler failed: $(cat "$RUN/profiler.out")"
}

# start_profile / stop_profile: CPU samples of every TaskManager thread (Java, native and kernel
# frames: RocksDB, the JIT and GC included) during the measured crawl, as collapsed stacks.
start_profile() {
  # perf_events where the kernel allows it, else the interval timer.
  profiler_command "start,event=cpu,interval=${PROFILE_INTERVAL_US}us,threads" \
    || profiler_command "start,event=itimer,interval=${PROFILE_INTERVAL_US}us,threads"
  log "profiling the TaskManager (async-profiler, a sample per ${PROFILE_INTERVAL_US} us of CPU)"
  if [[ -n ${BENCH_JFR:-} ]]; then
    jcmd "$(pid_of flink-taskmanager-1)" JFR.start name=bench settings="$BENCH_JFR" filename="$RUN/crawl.jfr" \
      >>"$RUN/profiler.out" 2>&1 || die "JFR.start failed: $(cat "$RUN/profiler.out")"
  fi
}

stop_profile() {
  profiler_command "stop,file=$RUN/profile.collapsed,collapsed"
  if [[ -n ${BENCH_JFR:-} ]]; then
    jcmd "$(pid_of flink-taskmanager-1)" JFR.stop name=bench >>"$RUN/profiler.out" 2>&1 || die "JFR.stop failed"
  fi
}

# profile_report: the TaskManager's CPU by activity, in microseconds per page and in shares. A
# sample goes to the first activity of this list found anywhere in its stack (or thread name), so
# that e.g. a serializer called by RocksDB state counts as RocksDB and one called by the Redis
# sink as Redis; the activities' patterns match Java (a/b/C.m), native and thread names.
profile_report() {
  local pages=$(( $(grep -c . "$RUN/fetch_ms" 2>/dev/null || echo 0) ))
  awk -v pages="$((pages > 0 ? pages : 1))" -v us="$PROFILE_INTERVAL_US" '
    BEGIN {
      n = split("jit|^\\[C[12] CompilerThre;" \
        "gc|^\\[(GC Thread|G1 |VM Thread|VM Periodic)|SafepointSynchronize;" \
        "checkpoint|snapshotState|performCheckpoint|runtime/checkpoint|AsyncCheckpointRunnable|asyncsnapshot|Checkpoint([^e]|$);" \
        "metrics|flink/metrics|runtime/metrics|io/prometheus|MetricGroup;" \
        "rocksdb|rocksdb;" \
        "redis|redis/clients|connectors/redis;" \
        "etcd|io/etcd|io/grpc|io/netty;" \
        "files|job/output|netpreserve|connector/file;" \
        "serialization|api/common/typeutils|api/java/typeutils|core/memory|io/network/api|types/StringValue;" \
        "simhash|dedup/SimHash[/$];" \
        "body_words|parse/BodyWords;" \
        "scanner|parse/HtmlScanner|parse/TagAttributes|parse/TableNesting|parse/ScannedHtml;" \
        "jsoup|org/jsoup|parse/VisibleText;" \
        "links_urls|job/url|crawlercommons;" \
        "parse_other|job/parse;" \
        "near_duplicates|job/dedup;" \
        "okhttp_io|(okhttp3|okio).*(SocketInputStream|SocketOutputStream|NioSocketImpl|Socket.*read|Socket.*write|readBytes|writeBytes);" \
        "okhttp_watchdog|AsyncTimeout|Watchdog;" \
        "okhttp_handoff|(okhttp3|okio|\\[OkHttp).*(futex|schedule|Unsafe_Park|Unsafe_Unpark|LockSupport|pthread_cond|setNativeName|thread_native_entry|JavaThread::);" \
        "okhttp_other|okhttp3|okio|\\[OkHttp;" \
        "fetch_other|job/fetch;" \
        "scheduler|job/frontier|job/control|job/etcd|job/model|job/stats|job/journal;" \
        "async_io|AsyncWaitOperator|operators/async;" \
        "network|typeutils|streamrecord|io/network|runtime/io|plugable|Serializer;" \
        "flink_other|org/apache/flink;" \
        "other|.", rules, ";")
      for (i = 1; i <= n; i++) { p = index(rules[i], "|"); name[i] = substr(rules[i], 1, p - 1); re[i] = substr(rules[i], p + 1) }
    }
    {
      count = $NF; stack = substr($0, 1, length($0) - length($NF) - 1); gsub(/\./, "/", stack)
      for (i = 1; i <= n; i++) if (stack ~ re[i]) { s[i] += count; break }
      total += count
      thread = stack; sub(/;.*/, "", thread); gsub(/ tid=[0-9]+\]|\[|\(?[0-9]+\/[0-9]+\)?#?[0-9]*|[0-9#]+/, "", thread)
      t[thread] += count
    }
    END {
      printf "bench: profile taskmanager_cpu_us_per_page=%.0f samples=%d (async-profiler, %d us of CPU each)\n", total * us / pages, total, us
      line = ""
      for (i = 1; i <= n; i++) if (s[i]) line = line sprintf(" %s=%.0f(%.0f%%)", name[i], s[i] * us / pages, 100 * s[i] / total)
      print "bench: profile us_per_page:" line
      cmd = "sort -t= -k2,2nr | head -8 | tr \"\\n\" \" \""
      printf "bench: profile threads:"
      for (k in t) printf " %s=%.0f%%\n", k, 100 * t[k] / total | cmd
      close(cmd); print ""
    }' "$RUN/profile.collapsed"
}

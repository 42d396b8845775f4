# The reference crawler of scripts/bench.sh --compare wget2: wget2 crawls the benchmark site from
# the same nginx (its own origin and access log) before the pipeline starts, and the report sets
# its figures against the measured crawl's. Source after bench.sh; uses RUN, SITE, WGET2_PORT,
# WARMUP, FRESH_JOB, CLEAN_COUNTS and CLEAN_CPU.

WGET2_COUNTS="" WGET2_CPU_S=""
# The issue's targets: pages/s at least this share of wget2's, CPU per page at most this multiple.
INTERIM_RATE=0.5 INTERIM_CPU=2.5

# wget2_server DIR: nginx's server block for wget2, the benchmark site logged to DIR/wget2-access.log.
wget2_server() {
  cat <<EOF2
  server {
    listen 127.0.0.1:$WGET2_PORT;
    root $SITE;
    access_log $1/wget2-access.log bench buffer=256k flush=1s;
  }
EOF2
}

# wget2_crawl: wget2's recursive crawl of the site (the issue's flags: every level, never above the
# start, files deleted once parsed, 16 threads), with its CPU (user+sys of the process and its
# children, as bash's times builtin reports them after it ends) in $RUN/wget2.times.
wget2_crawl() {
  local dir="$RUN/wget2" start=$SECONDS status=0
  mkdir -p "$dir"
  log "crawling http://127.0.0.1:$WGET2_PORT/ with $(wget2 --version 2>/dev/null | head -1)"
  (cd "$dir" && bash -c 'wget2 --recursive --level=0 --no-parent --delete-after --max-threads=16 --quiet "$1"; rc=$?; times >&2; exit $rc' \
    _ "http://127.0.0.1:$WGET2_PORT/" 2>"$RUN/wget2.times") || status=$?
  # wget2 exits 8 when a server answered an error (e.g. a 404 of a linked asset): not a failure here.
  ((status == 0 || status == 8)) || die "wget2 failed (status $status): $(cat "$RUN/wget2.times")"
  # times prints the shell's own and then its children's "user system" as NmS.SSSs.
  WGET2_CPU_S="$(tail -1 "$RUN/wget2.times" | awk '{ s = 0; for (i = 1; i <= 2; i++) { split($i, t, /[ms]/); s += t[1] * 60 + t[2] } printf "%.3f", s }')"
  sleep 2   # the access log is flushed every second
  WGET2_COUNTS="$(page_counts "$RUN/nginx/wget2-access.log" "$RUN/wget2-request_time")"
  page_lines "wget2 " "$WGET2_COUNTS"
  log "wget2 done in $((SECONDS - start))s (exit status $status)"
}

# compare_report: wget2's CPU per page, and both crawls' pages/s and CPU per page with their ratios.
compare_report() {
  local ours_rate ours_cpu wget2_rate wget2_pages
  ours_rate="$(cut -d' ' -f7 <<<"$CLEAN_COUNTS")"
  ours_cpu="$(sed -n 's/^cpu_s_per_page=\([0-9.]*\) .*/\1/p' <<<"$CLEAN_CPU")"
  wget2_rate="$(cut -d' ' -f7 <<<"$WGET2_COUNTS")"
  wget2_pages="$(awk '{print $2 + $4}' <<<"$WGET2_COUNTS")"
  awk -v cpu="$WGET2_CPU_S" -v pages="$wget2_pages" 'BEGIN {
    printf "bench: wget2 cpu_s=%.2f cpu_ms_per_page=%.3f (user+sys of wget2, bash times)\n", cpu, (pages > 0 ? 1000 * cpu / pages : 0) }'
  awk -v kind="$( ((FRESH_JOB)) && echo fresh_job || { ((WARMUP)) && echo warm || echo cold; })" -v r="$ours_rate" -v wr="$wget2_rate" -v c="$ours_cpu" \
    -v wc="$WGET2_CPU_S" -v wp="$wget2_pages" -v ir="$INTERIM_RATE" -v ic="$INTERIM_CPU" -v load="$(load_now)" 'BEGIN {
    wcpp = (wp > 0 ? 1000 * wc / wp : 0); cpp = 1000 * c
    rr = (wr > 0 ? r / wr : 0); cr = (wcpp > 0 ? cpp / wcpp : 0)
    printf "bench: compare %s streamcrawl_pages_per_s=%s wget2_pages_per_s=%s pages_per_s_ratio=%.2f streamcrawl_cpu_ms_per_page=%.3f wget2_cpu_ms_per_page=%.3f cpu_per_page_ratio=%.2f\n",
      kind, r, wr, rr, cpp, wcpp, cr
    printf "bench: compare %s interim (pages/s ratio >= %s, cpu ratio <= %s): %s; goal (both 1): %s; load %s\n", kind, ir, ic,
      (rr >= ir && cr <= ic ? "met" : "NOT met"), (rr >= 1 && cr <= 1 ? "met" : "NOT met"), load }'
}

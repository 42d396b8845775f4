# Scenario "webui" of scripts/cluster-ops.sh: headless Chromium (Debian's package) renders the
# job's page of the Flink web UI; every operator of the job must be in the job graph by its name.

# The names CrawlerJob gives its operators (what a user looks for in the job graph).
OPERATOR_NAMES=("frontier source" "task control source" "job fence" "task control" "host scheduler"
  "fetcher" "page parser" "frontier sink" "page counter" "pages sink")
WEBUI_SHOT="$LOCAL/artifacts/webui-job.png"

# chromium_headless ARGS...: a headless run with a profile under .local (not in $HOME or /tmp);
# --no-sandbox because CI runs as root. The virtual time budget lets the single-page app fetch
# the job from the REST API and lay out the graph before the page is dumped or shot. Headless
# Chromium now and then hangs at start (seen once in CI: no output until the timeout), so a run
# that fails or hangs is tried again, three times in all.
chromium_headless() {
  local attempt
  for attempt in 1 2 3; do
    timeout 60 chromium --headless --no-sandbox --disable-gpu --disable-dev-shm-usage --hide-scrollbars \
      --user-data-dir="$LOCAL/chromium" --window-size=1600,1000 --virtual-time-budget=20000 "$@" \
      2>>"$LOG_DIR/chromium.log" && return 0
    warn "headless chromium failed or hung (attempt $attempt of 3; log: .local/log/chromium.log)"
  done
  return 1
}

# graph_labels: the text of each node of the rendered job graph, one line each, from the DOM on
# standard input (the nodes' "description" divs, as the Flink 2.3 web UI renders them).
graph_labels() {
  python3 -c '
import html, re, sys
for label in re.findall(r"<div[^>]*class=\"detail description[^\"]*\"[^>]*>(.*?)</div>", sys.stdin.read(), re.S):
    print(html.unescape(re.sub(r"<[^>]+>", "", label)).strip())'
}

scenario_webui() {
  local job url dom labels name missing=()
  job="$(running_job streamcrawl)" || fail "no running streamcrawl job"
  url="$(flink_rest_url)/#/job/running/$job/overview"
  mkdir -p "$(dirname "$WEBUI_SHOT")"
  rm -f "$WEBUI_SHOT"
  log "rendering $url"
  dom="$(chromium_headless --dump-dom "$url")" || fail "chromium --dump-dom failed (log: .local/log/chromium.log)"
  printf '%s\n' "$dom" >"${WEBUI_SHOT%.png}.html"
  labels="$(graph_labels <<<"$dom")"
  [[ -n $labels ]] || fail "no job graph on the page (DOM: ${WEBUI_SHOT%.png}.html)"
  for name in "${OPERATOR_NAMES[@]}"; do
    grep -qF "$name" <<<"$labels" || missing+=("$name")
  done
  ((${#missing[@]} == 0)) || fail "operator names not in the job graph: ${missing[*]}; its nodes: $labels"
  log "all ${#OPERATOR_NAMES[@]} operator names are in the job graph's $(grep -c . <<<"$labels") nodes:"
  printf '    %s\n' "$labels"
  chromium_headless --screenshot="$WEBUI_SHOT" "$url" >/dev/null || fail "chromium --screenshot failed"
  [[ -s $WEBUI_SHOT ]] || fail "no screenshot at $WEBUI_SHOT"
  log "screenshot: ${WEBUI_SHOT#"$ROOT"/} ($(stat -c %s "$WEBUI_SHOT") bytes)"
}

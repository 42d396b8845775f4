# Scenario "metrics" of scripts/cluster-ops.sh: the README's demo crawl, scraped by a real
# Prometheus (Debian's package) with config/prometheus/prometheus.yml and its alerts.yml.

DEMO_SITE_PAGES=300
# Series that must be there after a crawl, beyond every crawler_* name that alerts.yml and the
# dashboards use (those are added below).
EXPECTED_SERIES=(crawler_pages_total crawler_http_status_2xx_total crawler_fetch_latency crawler_fetch_latency_count
  crawler_urls_new_total crawler_urls_duplicate_total crawler_frontier_lag crawler_frontier_pending)

# prom_get PATH: GET of the Prometheus HTTP API, the "data" member of its answer as JSON.
prom_get() {
  curl -sf --max-time 5 "$PROMETHEUS_URL$1" | python3 -c '
import json, sys
answer = json.load(sys.stdin)
sys.exit(1) if answer.get("status") != "success" else print(json.dumps(answer["data"]))'
}

# prom_value EXPR: the value of an instant query with one result.
prom_value() {
  prom_get "/api/v1/query?query=$(python3 -c 'import sys, urllib.parse; print(urllib.parse.quote(sys.argv[1]))' "$1")" \
    | python3 -c 'import json, sys; r = json.load(sys.stdin)["result"]; print(r[0]["value"][1] if len(r) == 1 else "")'
}

# missing_series NAME...: the names that have no series in Prometheus yet.
missing_series() {
  prom_get /api/v1/label/__name__/values | python3 -c '
import json, sys
have = set(json.load(sys.stdin))
print(" ".join(n for n in sys.argv[1:] if n not in have))' "$@"
}

no_series_missing() { [[ -z "$(missing_series "$@")" ]]; }

# rule_health: one "<health> <rule name>" line per rule Prometheus loaded.
rule_health() {
  prom_get /api/v1/rules | python3 -c '
import json, sys
for group in json.load(sys.stdin)["groups"]:
    for rule in group["rules"]:
        print(rule["health"], rule["name"])'
}

all_rules_ok() { [[ -n "$(rule_health)" ]] && ! rule_health | grep -qv '^ok '; }

scenario_metrics() {
  local out summary names missing pages renamed prometheus_port
  # The demo site and Prometheus take free ports: only the ports a user configures are fixed.
  out="$(DEMO_PORT="$(free_port)" DEMO_PAGES=$DEMO_SITE_PAGES "$ROOT/scripts/crawl.sh" --demo --until-idle 2>&1)" \
    || { tail -20 <<<"$out" >&2; fail "scripts/crawl.sh --demo --until-idle failed"; }
  summary="$(tail -1 <<<"$out")"
  log "$summary"
  [[ $summary == "crawl summary: task=demo pages=$DEMO_SITE_PAGES errors=0 "* ]] || fail "unexpected crawl summary: $summary"

  log "Prometheus with config/prometheus/prometheus.yml (log: .local/log/prometheus.log)"
  rm -rf "$LOCAL/prometheus-test"
  prometheus_port="$(free_port)"
  PROMETHEUS_URL="http://127.0.0.1:$prometheus_port"
  spawn prometheus "$LOG_DIR/prometheus.log" prometheus --config.file="$ROOT/config/prometheus/prometheus.yml" \
    --storage.tsdb.path="$LOCAL/prometheus-test" --web.listen-address="127.0.0.1:$prometheus_port"
  wait_until 30 "Prometheus" curl -sf "$PROMETHEUS_URL/-/ready" || fail "Prometheus did not start"

  mapfile -t names < <({
    printf '%s\n' "${EXPECTED_SERIES[@]}"
    grep -ohE '\bcrawler_[a-z0-9_]+' "$ROOT/config/prometheus/alerts.yml" "$ROOT"/config/grafana/dashboards/*.json
  } | sort -u)
  log "waiting for ${#names[@]} crawler series (scrape interval 15 s)"
  if ! wait_until 90 "the crawler series" no_series_missing "${names[@]}"; then
    fail "not scraped: $(missing_series "${names[@]}")"
  fi
  log "scraped: ${names[*]}"

  pages="$(prom_value 'sum(crawler_pages_total{job_name="streamcrawl"})')"
  [[ $pages == "$DEMO_SITE_PAGES" ]] || fail "sum(crawler_pages_total) is '$pages', expected $DEMO_SITE_PAGES"
  renamed="$(prom_value 'count({__name__=~"flink_taskmanager_job_task_operator_crawler_.+"})')"
  [[ -z $renamed ]] || fail "$renamed crawler series kept Flink's prefix: the relabeling missed them"
  [[ -n "$(prom_value 'count(crawler_frontier_lag{stream="streamcrawl:frontier:0"})')" ]] \
    || fail "crawler_frontier_lag has no series per frontier stream"
  log "sum(crawler_pages_total) = $pages; no crawler series left under flink_taskmanager_job_task_operator_"

  wait_until 60 "the alert rules to be evaluated" all_rules_ok || fail "alert rules not healthy: $(rule_health | xargs)"
  log "alert rules: $(rule_health | wc -l) loaded, all evaluated without error"
  stop_pid prometheus 10
  rm -rf "$LOCAL/prometheus-test"
}

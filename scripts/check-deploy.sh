#!/usr/bin/env bash
# Validates the container deployment files without a Docker engine (none runs here):
#   - docker-compose.yml                      docker-compose config -q (syntax, schema, merges)
#   - config/prometheus/prometheus.yml        promtool check config (local standalone cluster)
#   - config/prometheus/prometheus-compose.yml promtool check config (Docker Compose)
#   - config/prometheus/alerts.yml            promtool check rules
#   - config/grafana/dashboards/*.json        python3 -m json.tool
#   - config/grafana/provisioning/**/*.yml    parse as YAML with apiVersion 1
# Installs docker-compose and prometheus (for promtool) with apt when missing (as root, or
# with sudo). `config` does not need job/target/crawler-job.jar to exist.
# Last line: `deploy check: N passed, M failed`; exits 1 when a check fails.
#   scripts/check-deploy.sh
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
source "$ROOT/scripts/lib/common.sh"

# --- tools -----------------------------------------------------------------------------
compose=()
if command -v docker-compose >/dev/null; then
  compose=(docker-compose)
elif command -v docker >/dev/null && docker compose version >/dev/null 2>&1; then
  compose=(docker compose)
fi
packages=()
((${#compose[@]})) || packages+=(docker-compose)
command -v promtool >/dev/null || packages+=(prometheus)
if ((${#packages[@]})); then
  if ((EUID == 0)); then sudo=(); else
    command -v sudo >/dev/null || die "need root or sudo to install: ${packages[*]}"
    sudo=(sudo)
  fi
  mkdir -p "$LOG_DIR"
  apt_log="$LOG_DIR/check-deploy-apt.log"
  log "installing ${packages[*]} (apt-get; log: ${apt_log#"$ROOT"/})"
  {
    "${sudo[@]}" apt-get update -q &&
      "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive \
        apt-get install -y -q --no-install-recommends "${packages[@]}"
  } >"$apt_log" 2>&1 || { tail -20 "$apt_log" >&2; die "apt-get install ${packages[*]} failed"; }
  command -v docker-compose >/dev/null && compose=(docker-compose)
fi
((${#compose[@]})) || die "docker-compose still missing after apt-get install"
command -v promtool >/dev/null || die "promtool still missing after apt-get install"

# --- checks ----------------------------------------------------------------------------
passed=0 failed=0

# check NAME CMD...: run CMD in the repository root; print its output only when it fails.
check() {
  local name="$1" out; shift
  if out="$(cd "$ROOT" && "$@" 2>&1)"; then
    passed=$((passed + 1))
    log "ok   $name"
  else
    failed=$((failed + 1))
    log "FAIL $name"
    printf '%s\n' "$out" | sed 's/^/    /'
  fi
}

# provisioning_yaml FILE: a Grafana provisioning file is YAML with apiVersion 1.
provisioning_yaml() {
  python3 - "$1" <<'EOF'
import sys, yaml
with open(sys.argv[1]) as f:
    doc = yaml.safe_load(f)
if not isinstance(doc, dict) or doc.get("apiVersion") != 1:
    sys.exit(f"{sys.argv[1]}: not a Grafana provisioning file (apiVersion 1 missing)")
EOF
}

check "docker-compose.yml (${compose[*]} config)" "${compose[@]}" -f docker-compose.yml config -q
check "config/prometheus/prometheus.yml" promtool check config config/prometheus/prometheus.yml
check "config/prometheus/prometheus-compose.yml" promtool check config config/prometheus/prometheus-compose.yml
check "config/prometheus/alerts.yml" promtool check rules config/prometheus/alerts.yml

shopt -s nullglob
dashboards=("$ROOT"/config/grafana/dashboards/*.json)
((${#dashboards[@]})) || check "config/grafana/dashboards/*.json (none found)" false
for f in "${dashboards[@]}"; do
  check "${f#"$ROOT"/} (json)" python3 -m json.tool "$f" /dev/null
done
provisioning=("$ROOT"/config/grafana/provisioning/*/*.yml "$ROOT"/config/grafana/provisioning/*/*.yaml)
((${#provisioning[@]})) || check "config/grafana/provisioning/*/*.yml (none found)" false
for f in "${provisioning[@]}"; do
  check "${f#"$ROOT"/} (provisioning)" provisioning_yaml "$f"
done

echo "deploy check: $passed passed, $failed failed"
((failed == 0))

#!/usr/bin/env bash
# Validates the container deployment files without a Docker engine (none runs here):
#   - docker-compose.yml                      docker-compose config -q (syntax, schema, merges)
#   - config/prometheus/prometheus.yml        promtool check config (local standalone cluster)
#   - config/prometheus/prometheus-compose.yml promtool check config (Docker Compose)
#   - config/prometheus/alerts.yml            promtool check rules, and its unit tests
#                                             (promtool test rules alerts-test.yml)
#   - the two Prometheus configurations       the same but for their targets (relabeling, rules)
#   - docker-compose.yml against config/      the Flink failover, checkpoint and state settings
#                                             agree with config/flink/config.yaml; every file it
#                                             mounts from the repository exists
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

# prometheus_configs_agree: the local and the compose configuration scrape Flink the same way
# but for the targets, so the relabeling that names the crawler's series is the same in both.
prometheus_configs_agree() {
  python3 - config/prometheus/prometheus.yml config/prometheus/prometheus-compose.yml <<'EOF'
import sys, yaml
def flink_scrape(path):
    with open(path) as f:
        doc = yaml.safe_load(f)
    job = next(j for j in doc["scrape_configs"] if j["job_name"] == "flink")
    job.pop("static_configs")
    return doc["global"], doc["rule_files"], job
local, compose = (flink_scrape(p) for p in sys.argv[1:])
if local != compose:
    sys.exit(f"{sys.argv[1]} and {sys.argv[2]} scrape Flink differently:\n{local}\n{compose}")
EOF
}

# compose_matches_flink_config: FLINK_PROPERTIES of docker-compose.yml gives the failover,
# heartbeat, checkpoint and state settings of config/flink/config.yaml the same values.
compose_matches_flink_config() {
  python3 - docker-compose.yml config/flink/config.yaml <<'EOF'
import sys, yaml
SHARED = ("restart-strategy.", "execution.checkpointing.", "state.backend.", "pipeline.generic-types",
          "jobmanager.execution.failover-strategy", "heartbeat.")
LOCAL_ONLY = ("execution.checkpointing.dir", "execution.checkpointing.savepoint-dir")
def flatten(node, prefix=""):
    for key, value in node.items():
        path = f"{prefix}{key}"
        if isinstance(value, dict):
            yield from flatten(value, path + ".")
        else:
            yield path, str(value).lower() if isinstance(value, bool) else str(value)
with open(sys.argv[1]) as f:
    properties = yaml.safe_load(f)["x-flink"]["environment"]["FLINK_PROPERTIES"]
compose = dict(line.replace(" ", "").split(":", 1) for line in properties.splitlines() if line.strip())
with open(sys.argv[2]) as f:
    local = dict(flatten(yaml.safe_load(f)))
wrong = [f"{key}: {value!r} in {sys.argv[2]}, {compose.get(key)!r} in {sys.argv[1]}"
         for key, value in sorted(local.items())
         if key.startswith(SHARED) and key not in LOCAL_ONLY and compose.get(key) != value.replace(" ", "")]
if wrong:
    sys.exit("settings that differ:\n" + "\n".join(wrong))
EOF
}

# compose_mounts_exist: every file or directory docker-compose.yml mounts from the repository
# exists (the job jar excepted: it is built).
compose_mounts_exist() {
  python3 - docker-compose.yml <<'EOF'
import os, sys, yaml
with open(sys.argv[1]) as f:
    services = yaml.safe_load(f)["services"]
missing = [f"{name}: {volume}" for name, service in services.items() for volume in service.get("volumes", [])
           if volume.startswith("./") and not volume.startswith("./job/target/")
           and not os.path.exists(volume.split(":")[0])]
if missing:
    sys.exit("mounted but missing:\n" + "\n".join(missing))
EOF
}

check "docker-compose.yml (${compose[*]} config)" "${compose[@]}" -f docker-compose.yml config -q
check "docker-compose.yml: Flink settings as in config/flink/config.yaml" compose_matches_flink_config
check "docker-compose.yml: mounted files exist" compose_mounts_exist
check "prometheus.yml and prometheus-compose.yml agree but for targets" prometheus_configs_agree
check "config/prometheus/prometheus.yml" promtool check config config/prometheus/prometheus.yml
check "config/prometheus/prometheus-compose.yml" promtool check config config/prometheus/prometheus-compose.yml
check "config/prometheus/alerts.yml" promtool check rules config/prometheus/alerts.yml
check "config/prometheus/alerts-test.yml" promtool test rules config/prometheus/alerts-test.yml

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

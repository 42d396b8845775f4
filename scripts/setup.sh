#!/usr/bin/env bash
# One-time (idempotent) setup of a development machine for streamcrawl:
#   - installs redis-server, etcd, etcdctl and curl from Debian packages when missing, and with
#     --test-tools what only the operations tests use: prometheus (and promtool) and chromium
#     (headless, for the web UI), about 800 MB that a crawl does not need,
#   - checks Java 17+ and Maven 3.8+,
#   - builds the project (mvn install), unless --no-build is given,
#   - assembles the local Flink distribution in .local/flink/lib.
#   scripts/setup.sh [--no-build] [--test-tools]
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
source "$ROOT/scripts/lib/common.sh"
source "$ROOT/scripts/lib/flink.sh"

BUILD=1
BINARIES=(redis-server redis-cli etcd etcdctl curl)
for arg in "$@"; do
  case "$arg" in
    --no-build) BUILD=0 ;;
    --test-tools) BINARIES+=(prometheus promtool chromium) ;;
    *) echo "usage: $0 [--no-build] [--test-tools]" >&2; exit 2 ;;
  esac
done

# --- system packages -------------------------------------------------------------------
packages=()
for bin in "${BINARIES[@]}"; do
  command -v "$bin" >/dev/null && continue
  case "$bin" in
    redis-server | redis-cli | etcd | etcdctl) packages+=(redis-server etcd-server etcd-client) ;;
    prometheus | promtool) packages+=(prometheus) ;;
    *) packages+=("$bin") ;;
  esac
done
if ((${#packages[@]})); then
  mapfile -t packages < <(printf '%s\n' "${packages[@]}" | sort -u)
  if ((EUID == 0)); then sudo=(); else
    command -v sudo >/dev/null || die "need root or sudo to install: ${packages[*]}"
    sudo=(sudo)
  fi
  log "installing ${packages[*]} (apt-get)"
  "${sudo[@]}" apt-get update
  "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive \
    apt-get install -y --no-install-recommends "${packages[@]}"
  for bin in "${BINARIES[@]}"; do
    command -v "$bin" >/dev/null || die "$bin still missing after apt-get install"
  done
else
  log "${BINARIES[*]}: present"
fi

# --- Java and Maven --------------------------------------------------------------------
command -v java >/dev/null || die "java not found: install a JDK 17+ (e.g. apt-get install openjdk-17-jdk-headless)"
java_version="$(java -version 2>&1 | sed -n 's/.*version "\([^"]*\)".*/\1/p' | head -1)"
java_major="${java_version%%.*}"
[[ $java_major == 1 ]] && java_major="$(cut -d. -f2 <<<"$java_version")"   # 1.8 -> 8
[[ $java_major =~ ^[0-9]+$ ]] || die "cannot read the Java version from 'java -version'"
((java_major >= 17)) || die "Java 17+ required, found $java_version ($(command -v java))"
log "Java $java_version: ok"

command -v mvn >/dev/null || die "mvn not found: install Maven 3.8+ (e.g. apt-get install maven)"
mvn_version="$(mvn -B -v -Dstyle.color=never 2>/dev/null | grep -o 'Apache Maven [0-9.]*' | head -1 | cut -d' ' -f3)"
IFS=. read -r mvn_major mvn_minor _ <<<"$mvn_version"
[[ ${mvn_major:-} =~ ^[0-9]+$ ]] || die "cannot read the Maven version from 'mvn -v'"
((mvn_major > 3 || (mvn_major == 3 && ${mvn_minor:-0} >= 8))) \
  || die "Maven 3.8+ required, found $mvn_version"
log "Maven $mvn_version: ok"

# --- build -----------------------------------------------------------------------------
if ((BUILD)); then
  log "building the project (mvn -B -q -DskipTests install)"
  (cd "$ROOT" && mvn -B -q -DskipTests install)
  log "built job/target/crawler-job.jar"
else
  log "skipping the build (--no-build)"
fi

# --- local Flink distribution ----------------------------------------------------------
ensure_flink_lib
render_flink_conf
log "setup done"

#!/usr/bin/env bash
# The project's test command: install what is missing, run the Maven build with all tests
# (extra arguments go to Maven), a check of the deployment files, then the smoke test and the
# operations tests (metrics, web UI, fence, savepoint upgrade, failures) on a real Flink cluster,
# and the benchmark's smoke form against wget2 (ratios printed, not checked; every page once).
#   scripts/test.sh [maven args...]
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

echo "[test.sh] setup (installs what is missing)"
scripts/setup.sh --no-build --test-tools
echo "[test.sh] mvn -B verify $*"
mvn -B verify "$@"
echo "[test.sh] deployment files (docker-compose, Prometheus, Grafana)"
scripts/check-deploy.sh
echo "[test.sh] cluster smoke test"
scripts/cluster-smoke.sh
echo "[test.sh] operations tests on the cluster"
scripts/cluster-ops.sh
echo "[test.sh] benchmark smoke: the crawl against wget2 on a 300-page site"
scripts/bench.sh --compare wget2 --smoke

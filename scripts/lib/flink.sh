# Helpers for the local Flink distribution assembled from Maven artifacts.
# Source after scripts/lib/common.sh.

FLINK_HOME="$LOCAL/flink"
FLINK_LIB="$FLINK_HOME/lib"                  # jars from scripts/flink-dist/pom.xml
FLINK_CONF="$FLINK_HOME/conf"                # rendered from config/flink/
FLINK_LOG="$FLINK_HOME/log"
FLINK_DIST_POM="$ROOT/scripts/flink-dist/pom.xml"
FLINK_LIB_MARKER="$FLINK_HOME/lib.sha256"    # checksum of the pom the lib was built from
export FLINK_HOME FLINK_CONF_DIR="$FLINK_CONF" FLINK_LIB_DIR="$FLINK_LIB" \
  FLINK_PLUGINS_DIR="$FLINK_HOME/plugins"

# ensure_flink_lib: copy Flink's runtime jars into .local/flink/lib unless the lib was
# already assembled from the current pom.
ensure_flink_lib() {
  local sum
  sum="$(sha256sum "$FLINK_DIST_POM" | cut -d' ' -f1)"
  if [[ -f $FLINK_LIB_MARKER && "$(<"$FLINK_LIB_MARKER")" == "$sum" ]]; then
    return 0
  fi
  log "assembling the Flink distribution into .local/flink/lib (mvn dependency:copy-dependencies)"
  rm -rf "$FLINK_LIB" "$FLINK_LIB.tmp" "$FLINK_LIB_MARKER"
  mvn -B -q -Dstyle.color=never -f "$FLINK_DIST_POM" dependency:copy-dependencies \
    -DincludeScope=runtime -DoutputDirectory="$FLINK_LIB.tmp" \
    || die "could not assemble the Flink distribution (see the Maven output above)"
  mv "$FLINK_LIB.tmp" "$FLINK_LIB"
  echo "$sum" >"$FLINK_LIB_MARKER"
  log "Flink lib ready: $(ls "$FLINK_LIB" | wc -l) jars, $(du -sh "$FLINK_LIB" | cut -f1)"
}

# conf_get KEY FILE: value of a dotted KEY in a (simple, nested) YAML file such as
# config.yaml: maps and scalars, one key per line, comments on their own lines.
conf_get() {
  awk -v want="$1" '
    /^[[:space:]]*(#|$)/ { next }
    {
      match($0, /^ */); ind = RLENGTH; line = substr($0, ind + 1)
      k = line; sub(/:.*/, "", k)
      v = line; sub(/^[^:]*:[[:space:]]*/, "", v)
      while (n > 0 && lvl[n] >= ind) n--
      n++; lvl[n] = ind; key[n] = k
      path = key[1]; for (i = 2; i <= n; i++) path = path "." key[i]
      if (path == want && v != "") { gsub(/^["\047]|["\047]$/, "", v); print v; exit }
    }' "$2"
}

# render_flink_conf [--force]: config/flink/* -> .local/flink/conf/, with ${STREAMCRAWL_HOME}
# replaced by the repository path. Only when missing or older than the templates.
render_flink_conf() {
  local src="$ROOT/config/flink" f text
  mkdir -p "$FLINK_CONF" "$FLINK_LOG" "$FLINK_PLUGINS_DIR" \
    "$FLINK_HOME"/{tmp,upload,web-tmp,checkpoints,savepoints}
  for f in config.yaml log4j.properties log4j-cli.properties; do
    if [[ ${1:-} == --force || ! -f $FLINK_CONF/$f || $src/$f -nt $FLINK_CONF/$f ]]; then
      text="$(<"$src/$f")"
      printf '%s\n' "${text//'${STREAMCRAWL_HOME}'/$ROOT}" >"$FLINK_CONF/$f.tmp"
      mv "$FLINK_CONF/$f.tmp" "$FLINK_CONF/$f"
      log "rendered .local/flink/conf/$f"
    fi
  done
}

# Settings read from the rendered config.yaml (single source of truth).
flink_java_opts() { conf_get env.java.opts.all "$FLINK_CONF/config.yaml"; }
flink_rest_url() {
  local addr port
  addr="$(conf_get rest.address "$FLINK_CONF/config.yaml")"
  port="$(conf_get rest.port "$FLINK_CONF/config.yaml")"
  echo "http://${addr:-127.0.0.1}:${port:-8081}"
}

# prepare_flink: everything a Flink JVM needs (lib + conf).
prepare_flink() {
  ensure_flink_lib
  render_flink_conf
}

# --- jobs on the cluster, through the REST API ------------------------------------------
# job_state ID: the job's top-level state ("state") from GET /jobs/<id>.
job_state() { curl -sf --max-time 5 "$(flink_rest_url)/jobs/$1" | grep -o '"state":"[A-Z_]*"' | head -1 | cut -d'"' -f4; }
# vertex_states ID: one status per job vertex ("status" only appears in the vertex list).
vertex_states() { curl -sf --max-time 5 "$(flink_rest_url)/jobs/$1" | grep -o '"status":"[A-Z_]*"' | cut -d'"' -f4; }
job_in_state() { [[ "$(job_state "$1")" == "$2" ]]; }
all_vertices_running() {
  local states
  states="$(vertex_states "$1")"
  [[ -n $states ]] && ! grep -qv '^RUNNING$' <<<"$states"
}
# wait_job_running ID [SECONDS]: the job and every vertex of it RUNNING.
wait_job_running() {
  local timeout="${2:-120}"
  wait_until "$timeout" "job $1 RUNNING" job_in_state "$1" RUNNING \
    && wait_until "$timeout" "all vertices of job $1 RUNNING" all_vertices_running "$1"
}
# running_job NAME: the id of the RUNNING job called NAME, if there is one.
running_job() {
  curl -sf --max-time 5 "$(flink_rest_url)/jobs/overview" | python3 -c '
import json, sys
jobs = [j["jid"] for j in json.load(sys.stdin)["jobs"] if j["name"] == sys.argv[1] and j["state"] == "RUNNING"]
print(jobs[0]) if jobs else sys.exit(1)' "$1"
}
# vertex_id JOB NAME: the id of the job's vertex whose name holds NAME (e.g. "host scheduler").
vertex_id() {
  curl -sf --max-time 5 "$(flink_rest_url)/jobs/$1" | python3 -c '
import json, sys
print(next(v["id"] for v in json.load(sys.stdin)["vertices"] if sys.argv[1] in v["name"]))' "$2"
}
# vertex_taskmanagers JOB NAME: the TaskManager id of each RUNNING subtask of that vertex, one a line.
vertex_taskmanagers() {
  local vertex
  vertex="$(vertex_id "$1" "$2")" || return 1
  curl -sf --max-time 5 "$(flink_rest_url)/jobs/$1/vertices/$vertex/taskmanagers" | python3 -c '
import json, sys
for tm in json.load(sys.stdin)["taskmanagers"]:
    print(*[tm["taskmanager-id"]] * tm["status-counts"].get("RUNNING", 0), sep="\n")'
}
# savepoint_path CLI_OUTPUT: the directory of "Savepoint completed. Path: file:/..." in the
# output of `flink savepoint` or `flink stop --savepointPath`.
savepoint_path() {
  local sp
  sp="$(sed -n 's/^Savepoint completed\. Path: //p' <<<"$1" | head -1)"
  echo "${sp#file:}"
}

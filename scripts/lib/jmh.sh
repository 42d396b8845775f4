# `scripts/bench.sh jmh [JMH options...]`: compiles the job's test classes (the JMH annotation
# processor generates the benchmark harness there), writes the test classpath once per build and
# runs org.openjdk.jmh.Main with Flink's JVM options (forked JVMs inherit them).
# Source after common.sh and flink.sh.

run_jmh() {
  local cp_file="$ROOT/job/target/jmh.classpath"
  log "compiling the benchmarks (mvn test-compile -pl job -am)"
  mvn -B -q -Dstyle.color=never test-compile dependency:build-classpath -pl job -am \
    -Dmdep.includeScope=test -Dmdep.outputFile=target/jmh.classpath || die "build failed"
  [[ -s $cp_file ]] || die "no classpath written to $cp_file"
  render_flink_conf >/dev/null
  # Word splitting of the option string is intended: it holds several JVM options.
  # shellcheck disable=SC2086
  java $(flink_java_opts) -Dstreamcrawl.flink.conf="$ROOT/config/flink" \
    -Dstreamcrawl.bench.dir="$ROOT/job/target/jmh-rocksdb" \
    -Dlog4j2.level=WARN -Dlog4j.configurationFile="file:$FLINK_CONF/log4j-cli.properties" \
    -Dlog.file="$FLINK_LOG/jmh.log" \
    -cp "$ROOT/job/target/test-classes:$ROOT/job/target/classes:$(<"$cp_file")" \
    org.openjdk.jmh.Main "$@"
}

# `scripts/bench.sh jmh [JMH options...]`: compiles the job's test classes (the JMH annotation
# processor generates the benchmark harness there), writes the test classpath once per build and
# runs org.openjdk.jmh.Main with Flink's JVM options (forked JVMs inherit them).
# Source after common.sh and flink.sh.

run_jmh() {
  run_test_main org.openjdk.jmh.Main jmh "$@"
}

# `scripts/bench.sh frontier [--urls N] [--hosts N] [--backlog N]`: FrontierMemoryBenchmark with
# the heap the issue allows the TaskManager (1 GiB; BENCH_FRONTIER_HEAP changes it).
run_frontier() {
  JAVA_HEAP="-Xmx${BENCH_FRONTIER_HEAP:-1g}" run_test_main io.streamcrawl.job.frontier.FrontierMemoryBenchmark frontier "$@"
}

# run_test_main CLASS NAME ARGS...: a main class of the job's test classes, with the test classpath
# and Flink's JVM options (and JAVA_HEAP when set); its RocksDB files go to job/target/NAME-rocksdb.
run_test_main() {
  local main="$1" name="$2" cp_file="$ROOT/job/target/jmh.classpath"
  shift 2
  log "compiling the benchmarks (mvn test-compile -pl job -am)"
  mvn -B -q -Dstyle.color=never test-compile dependency:build-classpath -pl job -am \
    -Dmdep.includeScope=test -Dmdep.outputFile=target/jmh.classpath || die "build failed"
  [[ -s $cp_file ]] || die "no classpath written to $cp_file"
  render_flink_conf >/dev/null
  # Word splitting of the option strings is intended: they hold several JVM options.
  # shellcheck disable=SC2086
  java $(flink_java_opts) ${JAVA_HEAP:-} -Dstreamcrawl.flink.conf="$ROOT/config/flink" \
    -Dstreamcrawl.bench.dir="$ROOT/job/target/$name-rocksdb" \
    -Dlog4j2.level=WARN -Dlog4j.configurationFile="file:$FLINK_CONF/log4j-cli.properties" \
    -Dlog.file="$FLINK_LOG/$name.log" \
    -cp "$ROOT/job/target/test-classes:$ROOT/job/target/classes:$(<"$cp_file")" \
    "$main" "$@"
}

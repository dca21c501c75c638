#!/usr/bin/env bash
# The operator at scale on the CRUD mock (docs/benchmarks.md, "Operator at scale"): N RouterClusters
# x 2 nodes with simulated agents; prints start-to-Ready time, idle API writes, node-state change
# -> status latency and heap. Loopback only. Usage: operator/bench/scale.sh [clusters=1000] [idleSeconds=60]
set -euo pipefail
cd "$(dirname "$0")/../.."
# shellcheck source=../../bin/lib/java.sh
. bin/lib/java.sh
relais_find_java
cp_file=operator/target/bench.classpath
./mvnw -B -q -pl operator -am test-compile dependency:build-classpath \
  -Dmdep.outputFile=target/bench.classpath -Dmdep.includeScope=test
exec java "${RELAIS_JVM_FLAGS[@]}" -XX:+UseSerialGC -Xmx1g \
  -cp "operator/target/test-classes:operator/target/classes:$(cat "$cp_file")" \
  dev.relais.operator.bench.ScaleBenchmark "$@"

#!/usr/bin/env bash
# Data plane timings on the real kernel (docs/benchmarks.md, "Data plane"). Needs root: it builds
# a namespace LAN (rl<pid>x<n>-*), measures, and deletes it.
# Usage: node-agent/bench/dataplane.sh [takeovers=100] [link-flaps=20] [expiries=5]
set -euo pipefail
cd "$(dirname "$0")/../.."
# shellcheck source=../../bin/lib/java.sh
. bin/lib/java.sh
relais_find_java
cp_file=node-agent/target/bench.classpath
./mvnw -B -q -pl node-agent test-compile dependency:build-classpath \
  -Dmdep.outputFile=target/bench.classpath -Dmdep.includeScope=test
exec java --enable-native-access=ALL-UNNAMED \
  -cp "node-agent/target/test-classes:node-agent/target/classes:$(cat "$cp_file")" \
  dev.relais.agent.dataplane.DataplaneBenchmark "$@"

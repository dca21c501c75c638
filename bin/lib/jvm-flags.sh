#!/usr/bin/env bash
# The java command line of the agent and the operator, in one place: sourced (after java.sh) by
# bin/relais-agent and bin/relais-operator, and the images' entry point, run as
#   jvm-flags.sh agent|operator DIR [ARGS...]
# where DIR holds the jar and lib/ as Maven builds them (node-agent/target, operator/target).
# Why each agent flag: docs/design/runtime.md ("JVM settings").

# The defaults, replaced whole by RELAIS_JVM_OPTS (agent) or RELAIS_OPERATOR_JVM_OPTS (operator).
RELAIS_AGENT_JVM_DEFAULTS="-XX:+UseSerialGC -Xms16m -Xmx48m -Xmn1m -Xss256k -XX:MaxMetaspaceSize=64m -XX:ReservedCodeCacheSize=16m -XX:TieredStopAtLevel=1 -XX:CompileThresholdScaling=0.2 -XX:SweeperThreshold=50 -XX:+UseCompactObjectHeaders -XX:TrimNativeHeapInterval=5000 -XX:-UsePerfData -Xshare:off -XX:+UnlockDiagnosticVMOptions -XX:AsyncDeflationInterval=0 -XX:ServiceThreadCleanupInterval=60000 -Dio.netty.allocator.type=unpooled"
RELAIS_OPERATOR_JVM_DEFAULTS="-XX:+UseSerialGC -Xmx256m"

# Sets RELAIS_JAVA_ARGS to what follows `java` for COMPONENT with its jars in DIR. Some flags are
# computed here, at run time (the temp dir), which is why the images run this script rather than
# a fixed JAVA_TOOL_OPTIONS.
relais_java_args() {
  local component=$1 dir=$2 tmp opts
  case $component in
    agent)
      # Native temp files (netty's epoll .so) and the JVM's temp dir must be writable: under a
      # read-only root filesystem point RELAIS_TMPDIR at an emptyDir.
      tmp=${RELAIS_TMPDIR:-${TMPDIR:-/tmp}}
      read -r -a opts <<<"${RELAIS_JVM_OPTS:-$RELAIS_AGENT_JVM_DEFAULTS}"
      RELAIS_JAVA_ARGS=("${RELAIS_JVM_FLAGS[@]}" "${opts[@]}"
        "-Djava.io.tmpdir=$tmp" "-Dio.netty.native.workdir=$tmp"
        -jar "$dir/relais-node-agent.jar")
      ;;
    operator)
      read -r -a opts <<<"${RELAIS_OPERATOR_JVM_OPTS:-$RELAIS_OPERATOR_JVM_DEFAULTS}"
      RELAIS_JAVA_ARGS=("${RELAIS_JVM_FLAGS[@]}" "${opts[@]}"
        -cp "$dir/relais-operator.jar:$dir/lib/*" dev.relais.operator.OperatorMain)
      ;;
    *)
      echo "jvm-flags.sh: unknown component '$component' (agent or operator)" >&2
      return 2
      ;;
  esac
}

# Run as a program (the images' entry point): JAVA_HOME as the base image sets it, else a JDK or
# JRE 25 found by java.sh.
if [ "${BASH_SOURCE[0]}" = "$0" ]; then
  set -euo pipefail
  if [ $# -lt 2 ]; then
    echo "usage: jvm-flags.sh agent|operator DIR [ARGS...]" >&2
    exit 2
  fi
  . "$(dirname "$0")/java.sh"
  if [ -z "${JAVA_HOME:-}" ] || [ ! -x "$JAVA_HOME/bin/java" ]; then
    relais_find_java
  fi
  component=$1 dir=$2
  shift 2
  relais_java_args "$component" "$dir"
  exec "$JAVA_HOME/bin/java" "${RELAIS_JAVA_ARGS[@]}" "$@"
fi

#!/usr/bin/env bash
# Benchmark (not part of .ci/run): what one heartbeat loop costs on this machine before any
# protocol work, to read the agent's idle CPU against. Two loops on 127.0.0.1 send to each other,
# one every A µs and one every B µs; prints the CPU (% of one core, from /proc schedstat) of the
# first, in C (floor.c) and on the agent's stack (Floor.java: JDK 25, netty epoll, the launcher's
# JVM flags).
#
#   lab/floor/floor.sh [A_US B_US]...      default: 5000 5000  5000 50000  10000 100000
#
# Needs gcc and the built agent (bin/relais-agent builds it). Loopback only; ends what it starts.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
. "$root/bin/lib/java.sh"
relais_find_java
"$root/bin/relais-agent" --version >/dev/null
work=$(mktemp -d /tmp/relais-floor.XXXXXX)
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT
gcc -O2 -o "$work/floor" "$root/lab/floor/floor.c"
cp="$(ls "$root"/node-agent/target/lib/*.jar | tr '\n' :)"
"$JAVA_HOME/bin/javac" -cp "$cp" -d "$work" "$root/lab/floor/Floor.java"
jvm_opts=$(sed -n 's/.*RELAIS_JVM_OPTS:-\([^}]*\)}.*/\1/p' "$root/bin/relais-agent")

cpu_ns() { awk '{ s += $1 } END { printf "%d\n", s }' /proc/"$1"/task/*/schedstat; }

measure() { # label, command for A..., then B is started with the swapped ports and period B
  local label=$1 a=$2 b=$3; shift 3
  "$@" 17601 17602 "$a" >/dev/null 2>&1 & local pa=$!
  "$@" 17602 17601 "$b" >/dev/null 2>&1 & local pb=$!
  pids+=("$pa" "$pb")
  sleep 8
  local c0; c0=$(cpu_ns "$pa")
  sleep 20
  local c1; c1=$(cpu_ns "$pa")
  kill "$pa" "$pb"; wait "$pa" "$pb" 2>/dev/null || true
  awk -v l="$label" -v a="$a" -v b="$b" -v d=$((c1 - c0)) \
    'BEGIN { printf "FLOOR impl=%s period_us=%s peer_period_us=%s cpu_pct=%.2f\n", l, a, b, d / 2e8 }'
}

set -- "${@:-5000 5000 5000 50000 10000 100000}"
read -r -a periods <<<"$*"
for ((i = 0; i + 1 < ${#periods[@]}; i += 2)); do
  a=${periods[i]} b=${periods[i + 1]}
  measure c "$a" "$b" "$work/floor"
  # shellcheck disable=SC2086
  measure netty "$a" "$b" "$JAVA_HOME/bin/java" "${RELAIS_JVM_FLAGS[@]}" $jvm_opts -cp "$cp:$work" Floor
done

#!/usr/bin/env bash
# Kubernetes mode's cost (docs/benchmarks.md, "Kubernetes mode"): the tutorial's two routers in
# network namespaces on a bridged LAN, each running bin/relais-agent, plus a mock API server (CRUD
# mode) in a namespace of its own on the same LAN. Prints, per agent, CPU (% of one core) and RSS
# over an idle window, GC pauses (count, largest) against deadTime, the API writes during the idle
# window and, in Kubernetes mode, N config changes timed from the Secret's update until both node
# states report the new revision. Needs root; deletes what it creates, even on failure.
#
#   node-agent/bench/kubernetes-mode.sh [--mode kubernetes|standalone] [--profile default|fast]
#                                      [--idle SECONDS] [--changes N]
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
mode=kubernetes profile=default idle=60 changes=10
while [ $# -gt 0 ]; do
  case "$1" in
    --mode) mode=$2; shift 2 ;;
    --profile) profile=$2; shift 2 ;;
    --idle) idle=$2; shift 2 ;;
    --changes) changes=$2; shift 2 ;;
    *) echo "kubernetes-mode.sh: unknown argument $1" >&2; exit 2 ;;
  esac
done
case "$profile" in
  fast) cluster="$root/examples/tutorial-fast.yaml" default_timers=false dead_ms=20 ;;
  default) cluster="$root/examples/tutorial.yaml" default_timers=true dead_ms=5000 ;;
  *) echo "kubernetes-mode.sh: --profile default or fast" >&2; exit 2 ;;
esac
[ "$(id -u)" = 0 ] || { echo "kubernetes-mode.sh: needs root (network namespaces)" >&2; exit 1; }
cd "$root"
. bin/lib/java.sh
relais_find_java
. bin/lib/jvm-flags.sh
mvn_lock() { if command -v flock >/dev/null; then flock /tmp/relais-mvn.lock "$@"; else "$@"; fi; }
mvn_lock ./mvnw -B -q -o -pl node-agent -am package -Dmaven.test.skip=true
mvn_lock ./mvnw -B -q -o -pl node-agent -am test-compile dependency:build-classpath \
  -Dmdep.outputFile=target/bench.classpath -Dmdep.includeScope=test

prefix="rk$$-"
lan="${prefix}lan"
declare -A NS=([api]="${prefix}api" [maitre]="${prefix}maitre" [esclave]="${prefix}esclave")
declare -A PID=()
work=$(mktemp -d /tmp/relais-kbench.XXXXXX)
cleanup() {
  set +e
  for p in "${PID[@]}"; do kill "$p" 2>/dev/null; done
  wait 2>/dev/null
  for ns in "${NS[@]}" "$lan"; do ip netns del "$ns" 2>/dev/null; done
  if [ "${KEEP_LOGS:-0}" = 1 ]; then echo "logs kept in $work"; else rm -rf "$work"; fi
}
trap cleanup EXIT
. lab/lib/lan.sh
lan_up "$lan" "${NS[api]}" 192.168.200.100 "${NS[maitre]}" 192.168.200.11 \
  "${NS[esclave]}" 192.168.200.12

if [ "$mode" = kubernetes ]; then
  ip netns exec "${NS[api]}" "$JAVA_HOME/bin/java" "${RELAIS_JVM_FLAGS[@]}" -XX:+UseSerialGC \
    -cp "node-agent/target/test-classes:node-agent/target/classes:$(cat node-agent/target/bench.classpath)" \
    dev.relais.agent.kube.KubeModeBench 0.0.0.0 6443 192.168.200.100 "$work/kubeconfig" "$cluster" \
    "$default_timers" "$idle" "$changes" >"$work/api.log" 2>&1 &
  PID[api]=$!
  until grep -q '^READY' "$work/api.log"; do
    kill -0 "${PID[api]}" 2>/dev/null || { cat "$work/api.log"; exit 1; }
    sleep 0.2
  done
fi

if [ "$mode" = standalone ]; then
  # The same cluster from a file, as rendered for the API (timers included).
  if [ "$default_timers" = true ]; then
    awk '/^  heartbeat:/ { skip = 1; next } skip && /^    / { next } { skip = 0; print }' \
      "$cluster" >"$work/cluster.yaml"
  else cp "$cluster" "$work/cluster.yaml"; fi
fi
for node in maitre esclave; do
  if [ "$mode" = kubernetes ]; then
    args=(--kubernetes --kubeconfig "$work/kubeconfig" --namespace relais-system)
  else args=(--config "$work/cluster.yaml"); fi
  RELAIS_JVM_OPTS="${RELAIS_JVM_OPTS:-$RELAIS_AGENT_JVM_DEFAULTS} -Xlog:gc:file=$work/gc-$node.log ${BENCH_JVM_EXTRA:-}" \
    ip netns exec "${NS[$node]}" bin/relais-agent "${args[@]}" --node "$node" \
    --state-dir "$work/state-$node" --metrics-address 127.0.0.1:9694 >"$work/$node.log" 2>&1 &
  PID[$node]=$!
done

if [ "$mode" = standalone ]; then
  # No node states to wait for: both agents up, then the start's settling time.
  sleep 15
else
  until grep -q '^IDLE start' "$work/api.log"; do
    kill -0 "${PID[api]}" 2>/dev/null || { cat "$work/api.log"; exit 1; }
    sleep 0.1
  done
fi
# The agents are java processes under ip netns exec / the launcher's exec: the PIDs are theirs.
cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }
rss_mb() { awk '/^VmRSS:/ { printf "%.1f", $2 / 1024 }' "/proc/$1/status"; }
hz=$(getconf CLK_TCK)
declare -A before=()
for node in maitre esclave; do before[$node]=$(cpu_ticks "${PID[$node]}"); done
if [ "$mode" = standalone ]; then sleep "$idle"; else
  until grep -q '^IDLE end' "$work/api.log"; do sleep 0.1; done
fi
for node in maitre esclave; do
  ticks=$(( $(cpu_ticks "${PID[$node]}") - ${before[$node]} ))
  printf 'RESULT mode=%s profile=%s node=%s idle_s=%s cpu_pct=%s rss_mb=%s threads=%s\n' "$mode" \
    "$profile" "$node" "$idle" "$(awk -v t="$ticks" -v hz="$hz" -v s="$idle" 'BEGIN { printf "%.2f", 100 * t / hz / s }')" \
    "$(rss_mb "${PID[$node]}")" "$(ls "/proc/${PID[$node]}/task" | wc -l)"
done
if [ "$mode" = kubernetes ]; then
  until grep -q '^DONE' "$work/api.log"; do
    kill -0 "${PID[api]}" 2>/dev/null || { cat "$work/api.log"; exit 1; }
    sleep 0.2
  done
  grep '^RESULT' "$work/api.log"
  grep '^RESULT step=change' "$work/api.log" | sed 's/.*=//' | sort -n |
    awk '{ v[NR] = $1 } END { if (NR) printf "RESULT step=changes n=%d median_ms=%s max_ms=%s\n", NR, v[int((NR + 1) / 2)], v[NR] }'
fi
for node in maitre esclave; do
  # -Xlog:gc lines end in the pause: "... Pause Young (Allocation Failure) 3M->2M(16M) 1.234ms".
  # The agent's own System.gc() just before it joins splits start-up (where a pause costs
  # nothing) from running, where a pause longer than deadTime is a false failover.
  awk -v n="$node" -v d="$dead_ms" '
    /Pause/ && /ms$/ { ms = $NF; sub(/ms$/, "", ms)
      if (/System.gc/) { joined = 1; next }
      if (joined) { k++; if (ms + 0 > max + 0) max = ms; if (/Pause Full/) full++ }
      else { sk++; if (ms + 0 > smax + 0) smax = ms } }
    END { printf "RESULT gc node=%s running_pauses=%d running_full=%d running_max_ms=%s deadtime_ms=%s startup_pauses=%d startup_max_ms=%s\n", n, k, full + 0, (k ? max : 0), d, sk, (sk ? smax : 0) }' \
    "$work/gc-$node.log"
done

#!/usr/bin/env bash
# Benchmark (not part of .ci/run): what a heartbeat loop costs on this machine, to read the agent's
# idle CPU against. Two routers (maitre .11, esclave .12) in network namespaces on a bridge, as in
# lab/drill.sh. For each interval P, maitre sends every P (an owner) and esclave every 10 P (a quiet
# backup), and each reads what the other sends; prints the CPU of both ends (% of one core over
# 20 s, from /proc/<pid>/task/*/schedstat, every process of the implementation) for:
#   c          floor.c: epoll + timerfd, a 120-byte datagram, nothing else
#   netty      Floor.java: the same on the agent's stack (JDK 25, netty epoll, the launcher's flags)
#   keepalived VRRPv3, advert_int P, unicast between the two (its backup sends nothing; P >= 10 ms)
#   relais     the agent itself (bin/relais-agent), examples/tutorial-fast.yaml at keepalive P and
#              deadTime 4 P (its backup turns quiet on its own)
#
#   lab/floor/floor.sh [--only c|netty|keepalived|relais]... [PERIOD_US]...   default: 5000 10000
#
# FLOOR_SETTLE=S waits S seconds (default 15) before measuring; RELAIS_JVM_OPTS reaches the agent.
# Needs root, gcc and keepalived (installed on first run). Traffic stays inside the namespaces it
# creates (prefix rf<pid>-), which are removed at the end, with every process it started.
set -euo pipefail
only=()
while [ "${1:-}" = --only ]; do only+=("$2"); shift 2; done
wanted() { [ ${#only[@]} = 0 ] || [[ " ${only[*]} " == *" $1 "* ]]; }
root=$(cd "$(dirname "$0")/../.." && pwd)
if [ "$(id -u)" != 0 ]; then
  echo "floor: needs root to create network namespaces" >&2
  exit 1
fi
if ! command -v gcc >/dev/null || ! command -v keepalived >/dev/null; then
  echo "floor: installing gcc and keepalived (first run only)..."
  DEBIAN_FRONTEND=noninteractive apt-get update -qq >/dev/null &&
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq gcc keepalived >/dev/null
fi
. "$root/bin/lib/java.sh"
relais_find_java
"$root/bin/relais-agent" --version >/dev/null

prefix="rf$$-"
declare -A NS=([maitre]="${prefix}maitre" [esclave]="${prefix}esclave")
declare -A ADDR=([maitre]=192.168.200.11 [esclave]=192.168.200.12)
work=$(mktemp -d /tmp/relais-floor.XXXXXX)
pids=()
cleanup() {
  set +e
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done
  wait 2>/dev/null
  for ns in "${NS[@]}" "${prefix}lan"; do ip netns del "$ns" 2>/dev/null; done
  if [ "${KEEP_LOGS:-0}" = 1 ]; then echo "floor: logs kept in $work"; else rm -rf "$work"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

. "$root/lab/lib/lan.sh"
. "$root/lab/lib/keepalived.sh"
lan_up "${prefix}lan" "${NS[maitre]}" "${ADDR[maitre]}" "${NS[esclave]}" "${ADDR[esclave]}"

gcc -O2 -o "$work/floor" "$root/lab/floor/floor.c"
cp="$(ls "$root"/node-agent/target/lib/*.jar | tr '\n' :)"
"$JAVA_HOME/bin/javac" -cp "$cp" -d "$work" "$root/lab/floor/Floor.java"
# The agent's own JVM defaults (bin/lib/jvm-flags.sh), so the bare netty loop runs as the agent does.
. "$root/bin/lib/jvm-flags.sh"
jvm_opts=$RELAIS_AGENT_JVM_DEFAULTS

# CPU time (ns) of a process and its children, all threads.
cpu_ns() {
  local p all=("$1") total=0
  for p in $(pgrep -P "$1"); do all+=("$p"); done
  for p in "${all[@]}"; do
    total=$((total + $(cat /proc/"$p"/task/*/schedstat 2>/dev/null | awk '{ s += $1 } END { printf "%.0f", s }')))
  done
  echo "$total"
}

start() { # node, command...: runs the command in the node's namespace, sets $started
  local node=$1; shift
  ip netns exec "${NS[$node]}" "$@" >>"$work/$node.log" 2>&1 &
  started=$!
  pids+=("$started")
}

measure() { # impl, period, maitre pid, esclave pid
  local impl=$1 period=$2 pm=$3 pe=$4
  sleep "${FLOOR_SETTLE:-15}" # past the agents' warm-up and the backups turning quiet
  local m0 e0 m1 e1
  m0=$(cpu_ns "$pm"); e0=$(cpu_ns "$pe")
  sleep 20
  m1=$(cpu_ns "$pm"); e1=$(cpu_ns "$pe")
  local rss; rss=$(awk '/^VmRSS:/ { printf "%.1f", $2 / 1024 }' /proc/"$pm"/status)
  kill "$pm" "$pe"
  wait "$pm" "$pe" 2>/dev/null || true
  awk -v i="$impl" -v p="$period" -v m=$((m1 - m0)) -v e=$((e1 - e0)) \
    -v r="$rss" 'BEGIN { printf "FLOOR impl=%s period_us=%s owner_cpu_pct=%.2f backup_cpu_pct=%.2f owner_rss_mb=%s\n", i, p, m / 2e8, e / 2e8, r }'
}

run_c() {
  start maitre "$work/floor" 17601 "${ADDR[esclave]}" 17602 "$1"; local a=$started
  start esclave "$work/floor" 17602 "${ADDR[maitre]}" 17601 $(($1 * 10))
  measure c "$1" "$a" "$started"
}

run_netty() {
  local java=("$JAVA_HOME/bin/java" "${RELAIS_JVM_FLAGS[@]}")
  # shellcheck disable=SC2086
  start maitre "${java[@]}" $jvm_opts -cp "$cp:$work" Floor 17601 "${ADDR[esclave]}" 17602 "$1"; local a=$started
  # shellcheck disable=SC2086
  start esclave "${java[@]}" $jvm_opts -cp "$cp:$work" Floor 17602 "${ADDR[maitre]}" 17601 $(($1 * 10))
  measure netty "$1" "$a" "$started"
}

run_keepalived() {
  if [ $(($1 % 10000)) != 0 ]; then
    echo "FLOOR impl=keepalived period_us=$1 skipped: VRRPv3 counts in centiseconds"
    return
  fi
  local advert; advert=$(awk -v p="$1" 'BEGIN { printf "%g", p / 1e6 }')
  keepalived_conf maitre 200 "${ADDR[esclave]}" "$advert" >"$work/ka-maitre.conf"
  keepalived_conf esclave 100 "${ADDR[maitre]}" "$advert" >"$work/ka-esclave.conf"
  start maitre keepalived -n -l -P -f "$work/ka-maitre.conf" -p "$work/ka-maitre.pid" -r "$work/ka-maitre-vrrp.pid"
  local a=$started
  start esclave keepalived -n -l -P -f "$work/ka-esclave.conf" -p "$work/ka-esclave.pid" -r "$work/ka-esclave-vrrp.pid"
  measure keepalived "$1" "$a" "$started"
}

run_relais() {
  local ms; ms=$(awk -v p="$1" 'BEGIN { printf "%g", p / 1000 }')
  sed -e "s/keepaliveMs: .*/keepaliveMs: $ms/" -e "s/deadTimeMs: .*/deadTimeMs: $(awk -v m="$ms" 'BEGIN { printf "%g", 4 * m }')/" \
    "$root/examples/tutorial-fast.yaml" >"$work/relais.yaml"
  local node a
  for node in maitre esclave; do
    rm -rf "$work/state-$node" && mkdir -p "$work/state-$node"
    start "$node" "$root/bin/relais-agent" --config "$work/relais.yaml" --node "$node" \
      --state-dir "$work/state-$node" --metrics-address 127.0.0.1:9694
    [ "$node" = maitre ] && a=$started
  done
  measure relais "$1" "$a" "$started"
}

[ $# -gt 0 ] || set -- 5000 10000
for period in "$@"; do
  for impl in c netty keepalived relais; do
    if wanted "$impl"; then "run_$impl" "$period"; fi
  done
done

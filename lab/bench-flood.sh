#!/usr/bin/env bash
# Benchmark (not part of .ci/run): what a flood of forged heartbeats from a LAN host costs an agent.
# The drill's LAN (client .9, maitre .11, esclave .12 in network namespaces on a bridge); for each
# rate, both agents start fresh, settle with the VIP on maitre, then the client (no key) sends
# forged datagrams at the target agent's heartbeat port for SECONDS (lab/flood/flood.c: framed as
# heartbeats of the cluster, so each costs a full HMAC before it is rejected as BAD_MAC). Prints,
# per rate, one RESULT line: what was sent, what the target rejected per second, the kernel's
# drops at its socket (UDP RcvbufErrors), its CPU (% of one core, every thread), the largest
# event-loop lateness each agent recorded (relais_event_loop_delay_seconds_max), the owner's
# heartbeats the backup missed, and whether the backup ever took the VIP.
#
#   lab/bench-flood.sh [--profile fast|default] [--target maitre|esclave] [--seconds S]
#                      [--size BYTES] [--mixed] [--spoof] [RATE|max]...  default rates: 1000 10000 100000 max
#
# fast: examples/tutorial-fast.yaml (keepalive 5 ms, deadTime 20 ms); default: the tutorial's
# cluster with Relais' default timers (1 s / 5 s). --target: who is flooded (maitre holds the VIP).
# --size: datagram length (default 1232, the budget: the costliest HMAC). --spoof: the client sends
# from the other router's heartbeat address and port (it holds that address too, answering no ARP),
# as an attacker forging the peer's source would. Rate "none" measures
# without a flood. Needs root and gcc; everything lives in namespaces rb<pid>-*, removed at the end
# with every process it started. Results: docs/benchmarks.md ("Flood").
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
profile=fast
target=maitre
seconds=20
size=1232
mixed=""
spoof=0
rates=()
while [ $# -gt 0 ]; do
  case "$1" in
    --profile) profile=$2; shift 2 ;;
    --target) target=$2; shift 2 ;;
    --seconds) seconds=$2; shift 2 ;;
    --size) size=$2; shift 2 ;;
    --mixed) mixed=mixed; shift ;;
    --spoof) spoof=1; shift ;;
    -h|--help) awk 'NR > 1 && /^#/ { print; next } NR > 1 { exit }' "$0"; exit 0 ;;
    -*) echo "bench-flood: unknown argument $1" >&2; exit 2 ;;
    *) rates+=("$1"); shift ;;
  esac
done
[ ${#rates[@]} -gt 0 ] || rates=(1000 10000 100000 max)
case "$target" in maitre|esclave) ;; *) echo "bench-flood: --target maitre or esclave" >&2; exit 2 ;; esac
if [ "$(id -u)" != 0 ]; then
  echo "bench-flood: needs root to create network namespaces" >&2
  exit 1
fi
command -v gcc >/dev/null || { echo "bench-flood: needs gcc" >&2; exit 1; }
. "$root/bin/lib/java.sh"
relais_find_java
"$root/bin/relais-agent" --version >/dev/null
. "$root/bin/lib/jvm-flags.sh"

prefix="rb$$-"
work=$(mktemp -d /tmp/relais-flood.XXXXXX)
declare -A NS=([client]="${prefix}client" [maitre]="${prefix}maitre" [esclave]="${prefix}esclave")
declare -A ADDR=([client]=192.168.200.9 [maitre]=192.168.200.11 [esclave]=192.168.200.12)
declare -A AGENT=()
VIP=192.168.200.10
cleanup() {
  set +e
  for node in "${!AGENT[@]}"; do kill -9 "${AGENT[$node]}" 2>/dev/null; done
  wait 2>/dev/null
  for ns in "${NS[@]}" "${prefix}lan"; do ip netns del "$ns" 2>/dev/null; done
  if [ "${KEEP_LOGS:-0}" = 1 ]; then echo "bench-flood: logs kept in $work"; else rm -rf "$work"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

case "$profile" in
  fast) cp "$root/examples/tutorial-fast.yaml" "$work/cluster.yaml"; cluster=default/tutorial-fast; settle=15 ;;
  default)
    awk '/^  heartbeat:/ { skip = 1; next } skip && /^    / { next } { skip = 0; print }' \
      "$root/examples/tutorial.yaml" >"$work/cluster.yaml"
    cluster=default/tutorial; settle=30 ;;
  *) echo "bench-flood: profile must be fast or default" >&2; exit 2 ;;
esac
port=694
key_id=1
tag=$(printf '%s' "$cluster" | sha256sum | cut -c1-8) # wire v4: the first 4 bytes
gcc -O2 -o "$work/flood" "$root/lab/flood/flood.c"
# One build for the whole run, whatever happens to node-agent/target meanwhile.
mkdir "$work/agent"
cp -r "$root/node-agent/target/relais-node-agent.jar" "$root/node-agent/target/lib" "$work/agent/"
relais_java_args agent "$work/agent"

. "$root/lab/lib/lan.sh"
lan_up "${prefix}lan" "${NS[client]}" "${ADDR[client]}" "${NS[maitre]}" "${ADDR[maitre]}" \
  "${NS[esclave]}" "${ADDR[esclave]}"

other=$([ "$target" = maitre ] && echo esclave || echo maitre)
from=""
if [ "$spoof" = 1 ]; then
  ip netns exec "${NS[client]}" sysctl -q -w net.ipv4.conf.all.arp_ignore=8 net.ipv4.conf.all.arp_announce=2 \
    net.ipv4.conf.enp0s3.arp_ignore=8 net.ipv4.conf.enp0s3.arp_announce=2
  ip -n "${NS[client]}" addr add "${ADDR[$other]}/32" dev enp0s3
  from="from=${ADDR[$other]}:$port"
fi

now_ms() { date +%s%3N; }
wait_for() { # CONDITION TIMEOUT_S
  local deadline=$(( $(now_ms) + $2 * 1000 ))
  while [ "$(now_ms)" -lt "$deadline" ]; do eval "$1" && return 0; sleep 0.05; done
  return 1
}
holds() { ip -n "${NS[$1]}" -o -4 addr show dev enp0s3 | grep -q " $VIP/"; }
holders() { local h=""; for n in maitre esclave; do holds "$n" && h="$h $n"; done; echo "${h# }"; }
metrics() { ip netns exec "${NS[$1]}" curl -s --max-time 2 http://127.0.0.1:9694/metrics; }
# Sum of a metric's samples whose line matches a pattern.
metric_sum() { metrics "$1" | awk -v m="$2" -v pat="${3:-}" '$1 ~ "^"m && (pat == "" || index($1, pat)) { s += $2 } END { printf "%.0f", s }'; }
metric_max() { metrics "$1" | awk -v m="$2" '$1 ~ "^"m { if ($2 > x) x = $2 } END { printf "%.1f", x * 1000 }'; }
rcvbuf_errors() { ip netns exec "${NS[$1]}" awk '/^Udp:/ { if (h) { print $6; exit } h = 1 }' /proc/net/snmp; }
cpu_ns() {
  local p all=("$1") total=0
  for p in $(pgrep -P "$1"); do all+=("$p"); done
  for p in "${all[@]}"; do
    total=$((total + $(cat /proc/"$p"/task/*/schedstat 2>/dev/null | awk '{ s += $1 } END { printf "%.0f", s }')))
  done
  echo "$total"
}
start_agent() {
  local node=$1
  rm -rf "$work/state-$node" && mkdir -p "$work/state-$node"
  ip netns exec "${NS[$node]}" "$JAVA_HOME/bin/java" "${RELAIS_JAVA_ARGS[@]}" --config "$work/cluster.yaml" --node "$node" \
    --state-dir "$work/state-$node" --metrics-address 127.0.0.1:9694 >"$work/$node.log" 2>&1 &
  AGENT[$node]=$!
  disown "${AGENT[$node]}"
}
stop_agents() {
  for node in maitre esclave; do kill -9 "${AGENT[$node]}" 2>/dev/null || true; done
  AGENT=()
  sleep 0.5
}

echo "bench-flood: profile $profile, flooding $target (${ADDR[$target]}:$port) with ${size}-byte forgeries${mixed:+ (mixed)}${from:+ from ${from#from=}}, $seconds s per rate"
for rate in "${rates[@]}"; do
  start_agent maitre
  start_agent esclave
  stable=0
  settled() {
    if [ "$(holders)" = maitre ]; then
      [ "$stable" = 0 ] && stable=$(now_ms)
      [ $(( $(now_ms) - stable )) -ge 4000 ]
    else stable=0; return 1; fi
  }
  if ! wait_for settled $((settle + 10)); then
    echo "RESULT rate=$rate settled=no holders=\"$(holders)\""
    stop_agents
    continue
  fi
  # Past the startup: from here on a late timer belongs to the flood (the max is over 2 minutes).
  sleep 2
  masters0=$(grep -c "to=MASTER" "$work/esclave.log" || true)
  dead0=$(cat "$work"/*.log | grep -c "PeerDead" || true)
  late0=$(cat "$work"/*.log | grep -c "event loop ran" || true)
  rej0=$(metric_sum "$target" relais_heartbeats_rejected_total)
  missed0=$(metric_sum esclave relais_heartbeats_missed_total 'peer="maitre"')
  drops0=$(rcvbuf_errors "$target")
  late_b=$(metric_max "$target" relais_event_loop_delay_seconds_max)
  cpu0=$(cpu_ns "${AGENT[$target]}")
  t0=$(now_ms)
  if [ "$rate" = none ]; then
    sleep "$seconds"; flood="FLOOD sent=0"
  else
    flood=$(ip netns exec "${NS[client]}" "$work/flood" "${ADDR[$target]}" "$port" \
      "$([ "$rate" = max ] && echo 0 || echo "$rate")" "$seconds" "$size" "$key_id" "$tag" $mixed $from)
  fi
  t1=$(now_ms)
  cpu1=$(cpu_ns "${AGENT[$target]}")
  drops1=$(rcvbuf_errors "$target")
  rej1=$(metric_sum "$target" relais_heartbeats_rejected_total)
  missed1=$(metric_sum esclave relais_heartbeats_missed_total 'peer="maitre"')
  late_t=$(metric_max "$target" relais_event_loop_delay_seconds_max)
  late_o=$(metric_max "$other" relais_event_loop_delay_seconds_max)
  masters=$(( $(grep -c "to=MASTER" "$work/esclave.log" || true) - masters0 ))
  dead=$(( $(cat "$work"/*.log | grep -c "PeerDead" || true) - dead0 ))
  late=$(( $(cat "$work"/*.log | grep -c "event loop ran" || true) - late0 ))
  span=$((t1 - t0))
  echo "RESULT profile=$profile target=$target rate=$rate ${flood#FLOOD } \
rejected_per_s=$(awk -v r=$((rej1 - rej0)) -v s=$span 'BEGIN { printf "%.0f", r * 1000 / s }') \
kernel_drops=$((drops1 - drops0)) cpu_pct=$(awk -v c=$((cpu1 - cpu0)) -v s=$span 'BEGIN { printf "%.1f", c / s / 1e4 }') \
loop_late_max_ms_before=$late_b loop_late_max_ms_target=$late_t loop_late_max_ms_other=$late_o late_warnings=$late \
owner_heartbeats_missed_by_backup=$((missed1 - missed0)) peer_dead=$dead backup_took_over=$masters holders=\"$(holders)\""
  [ "${KEEP_LOGS:-0}" = 1 ] && for n in maitre esclave; do cp "$work/$n.log" "$work/$n-$rate.log"; done
  stop_agents
done

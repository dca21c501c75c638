#!/usr/bin/env bash
# The heartbeat tutorial's failover, live: a client and two routers (maitre, esclave) on a bridged
# LAN in network namespaces, each router running a real Relais agent with examples/ unchanged.
# Steps: VIP on maitre as enp0s3:0, then per cycle: maitre powered off -> VIP on esclave ->
# maitre back -> VIP returns (auto failback) -> maitre put in standby (config edit) -> VIP on
# esclave -> standby cleared -> VIP back on maitre; finally maitre stopped cleanly (SIGTERM) ->
# VIP on esclave at once.
#
#   lab/drill.sh [--profile tutorial|default|fast] [--cycles N] [--quiet] [--idle SECONDS]
#                [--soak SECONDS]
#
# tutorial: examples/tutorial.yaml (keepalive 2 s, deadtime 10 s: heartbeat's own timers).
# default:  the same cluster with Relais' default timers (keepalive 1 s, deadtime 5 s).
# fast:     examples/tutorial-fast.yaml (keepalive 5 ms, deadtime 20 ms).
# Prints each step with what was expected, what was seen and the client's measured outage, and a
# machine-readable RESULT line per step (with cycle=N and converge_ms, the time from the action
# until the VIP was where expected), and a per-cycle summary. Exits non-zero if any expectation
# fails. --cycles N (default 1) repeats the power-off/failback/standby/return cycle. Everything it
# creates (namespaces with a per-run prefix, processes it started) is removed even on failure or
# Ctrl-C. Needs root (network namespaces).
# --idle S: after start, measure each agent's CPU (% of one core) and RSS over S idle seconds.
# --capture: keep a pcap of ARP and ICMP on the client's interface (with KEEP_LOGS=1).
# --soak S: instead of the failover steps, load one core fully for S seconds with a competing
#           process while the client pings, and count ownership changes (all of them are false)
#           and the agents' warnings that their event loop ran later than peers wait.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
profile=tutorial
quiet=0
idle=0
soak=0
capture=0
cycles=1
while [ $# -gt 0 ]; do
  case "$1" in
    --profile) profile=$2; shift 2 ;;
    --cycles) cycles=$2; shift 2 ;;
    --quiet) quiet=1; shift ;;
    --idle) idle=$2; shift 2 ;;
    --soak) soak=$2; shift 2 ;;
    --capture) capture=1; shift ;;
    -h|--help) awk 'NR > 1 && /^#/ { print; next } NR > 1 { exit }' "$0"; exit 0 ;;
    *) echo "drill: unknown argument $1" >&2; exit 2 ;;
  esac
done
case "$profile" in
  tutorial) config="$root/examples/tutorial.yaml"; settle=40 ;;
  fast) config="$root/examples/tutorial-fast.yaml"; settle=15 ;;
  default)
    # The tutorial's cluster with Relais' default timers (keepalive 1 s, deadtime 5 s).
    config=$(mktemp /tmp/relais-default.XXXXXX.yaml)
    awk '/^  heartbeat:/ { skip = 1; next } skip && /^    / { next } { skip = 0; print }' \
      "$root/examples/tutorial.yaml" >"$config"
    settle=30 ;;
  *) echo "drill: profile must be tutorial, default or fast" >&2; exit 2 ;;
esac
case "$cycles" in
  ''|*[!0-9]*|0) echo "drill: --cycles needs a whole number of at least 1" >&2; exit 2 ;;
esac

if [ "$(id -u)" != 0 ]; then
  echo "drill: needs root to create network namespaces (run it as root, e.g. with sudo)" >&2
  exit 1
fi
if ! command -v ip >/dev/null || ! command -v ping >/dev/null || ! command -v chrt >/dev/null; then
  echo "drill: installing iproute2, iputils-ping and util-linux (first run only)..."
  DEBIAN_FRONTEND=noninteractive apt-get update -qq >/dev/null &&
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq iproute2 iputils-ping util-linux >/dev/null ||
    { echo "drill: needs ip, ping and chrt (Debian packages iproute2, iputils-ping, util-linux)" >&2; exit 1; }
fi
if ! ip netns add "rdprobe$$" 2>/dev/null; then
  echo "drill: cannot create network namespaces here (needs root and a kernel with netns)" >&2
  exit 1
fi
ip netns del "rdprobe$$"
. "$root/bin/lib/java.sh"
relais_find_java
# Builds the agent now if it is missing or older than its sources (not twice, in parallel, below).
"$root/bin/relais-agent" --version >/dev/null

VIP=192.168.200.10
prefix="rd$$-"
lan="${prefix}lan"
work=$(mktemp -d /tmp/relais-drill.XXXXXX)
# The agents read a copy in a directory of its own (they watch the directory), so the drill can put
# maitre in standby by editing it, as a user would, without touching examples/.
mkdir "$work/config"
cp "$config" "$work/config/cluster.yaml"
[ "$profile" = default ] && rm -f "$config"
config="$work/config/cluster.yaml"
declare -A NS=([client]="${prefix}client" [maitre]="${prefix}maitre" [esclave]="${prefix}esclave")
declare -A ADDR=([client]=192.168.200.9 [maitre]=192.168.200.11 [esclave]=192.168.200.12)
declare -A AGENT=()
ping_pid=""
hog_pid=""
failures=0

say() { [ "$quiet" = 1 ] || echo "$@"; }

cleanup() {
  set +e
  [ -n "$ping_pid" ] && kill "$ping_pid" 2>/dev/null
  [ -n "$hog_pid" ] && kill "$hog_pid" 2>/dev/null
  [ -n "${cap_pid:-}" ] && kill "$cap_pid" 2>/dev/null
  for node in "${!AGENT[@]}"; do
    kill -9 "${AGENT[$node]}" 2>/dev/null
  done
  wait 2>/dev/null
  for ns in "${NS[@]}" "$lan"; do
    ip netns del "$ns" 2>/dev/null
  done
  if [ "${KEEP_LOGS:-0}" = 1 ]; then echo "drill: logs kept in $work"; else rm -rf "$work"; fi
}
trap cleanup EXIT
trap 'echo; echo "drill: interrupted"; exit 130' INT TERM

now_ms() { date +%s%3N; }

# ---- the LAN: a bridge in its own namespace, one veth per host, enp0s3 inside each host ----
. "$root/lab/lib/lan.sh"
lan_up "$lan" "${NS[client]}" "${ADDR[client]}" "${NS[maitre]}" "${ADDR[maitre]}" \
  "${NS[esclave]}" "${ADDR[esclave]}"

start_agent() {
  local node=$1
  mkdir -p "$work/$node"
  ip netns exec "${NS[$node]}" "$root/bin/relais-agent" --config "$config" --node "$node" \
    --state-dir "$work/$node" --metrics-address 127.0.0.1:9694 >>"$work/$node.log" 2>&1 &
  AGENT[$node]=$!
  disown "${AGENT[$node]}" # killing it on purpose is the drill, not news

}

# Prints the label under which $1 holds the VIP (the interface name when unlabelled), or nothing.
vip_label() {
  ip -n "${NS[$1]}" -o -4 addr show dev enp0s3 2>/dev/null |
    awk -v vip="$VIP" '$4 ~ "^"vip"/" { label = $2; for (i = 5; i <= NF; i++) if ($i ~ /^enp0s3/) label = $i; sub(/\\$/, "", label); print label; exit }'
}

holders() {
  local out=""
  for node in maitre esclave; do
    [ -n "$(vip_label "$node")" ] && out="$out $node"
  done
  echo "${out# }"
}

# "VIP 192.168.200.10 on maitre as enp0s3:0", or who holds it when that is not one router.
where_vip() {
  local h
  h=$(holders)
  case "$h" in
    "") echo "VIP $VIP on nobody" ;;
    *" "*) echo "VIP $VIP on ${h// /+} (two owners)" ;;
    *) echo "VIP $VIP on $h as $(vip_label "$h")" ;;
  esac
}

# wait_for CONDITION TIMEOUT_S: polls every 10 ms.
wait_for() {
  local deadline=$(( $(now_ms) + $2 * 1000 ))
  while [ "$(now_ms)" -lt "$deadline" ]; do
    eval "$1" && return 0
    sleep 0.01
  done
  return 1
}

start_capture() {
  ip netns exec "${NS[client]}" tcpdump -i enp0s3 -n -tt -e -U -w "$work/client.pcap" arp or icmp >/dev/null 2>&1 &
  cap_pid=$!
}

start_ping() {
  ip netns exec "${NS[client]}" ping -D -n -i 0.005 -W 1 "$VIP" >"$work/ping.log" 2>&1 &
  ping_pid=$!
}

# Largest gap (ms) between consecutive replies received between two wall-clock times (ms).
outage_ms() {
  awk -v from="$1" -v to="$2" '
    /bytes from/ { t = substr($1, 2, length($1) - 2) * 1000; if (t >= from && t <= to) { if (last) { g = t - last; if (g > max) max = g } last = t } }
    END { printf "%d\n", max }' "$work/ping.log"
}

# Probes lost between two wall-clock times (ms): icmp_seq numbers that never got a reply.
lost_probes() {
  awk -v from="$1" -v to="$2" '
    /bytes from/ { t = substr($1, 2, length($1) - 2) * 1000; if (t >= from && t <= to) { split($6, kv, "="); s = kv[2] + 0; if (first == "") first = s; last = s; n++ } }
    END { if (n == 0) print 0; else print (last - first + 1) - n }' "$work/ping.log"
}

replies_after() {
  awk -v from="$1" '/bytes from/ { t = substr($1, 2, length($1) - 2) * 1000; if (t > from) n++ } END { print n + 0 }' "$work/ping.log"
}

# check STEP EXPECTED SEEN OUTAGE [LOST [CONVERGE_MS]]; the cycle number comes from $cycle.
check() {
  local step=$1 expected=$2 seen=$3 outage=$4 lost=${5:-} converge=${6:-}
  local verdict=ok
  if [ "$expected" != "$seen" ]; then verdict=FAILED; failures=$((failures + 1)); fi
  say "    expected: $expected"
  say "    seen:     $seen  [$verdict]"
  [ -n "$converge" ] && say "    converged after ${converge} ms"
  [ -n "$outage" ] && say "    client outage: ${outage} ms (largest gap between ping replies, 5 ms spacing), ${lost:-0} probes lost"
  echo "RESULT step=$step cycle=${cycle:-0} expected=\"$expected\" seen=\"$seen\" converge_ms=${converge:-na} outage_ms=${outage:-na} lost=${lost:-na} verdict=$verdict"
  SUMMARY[${cycle:-0},$step]="$verdict ${converge:-na}ms out=${outage:-na}ms lost=${lost:-na}"
}
declare -A SUMMARY=()

# Waits up to TIMEOUT_S for CONDITION; prints the milliseconds it took since T0_MS, or nothing
# when it did not happen.
converge_when() {
  local condition=$1 timeout=$2 t0=$3
  if wait_for "$condition" "$timeout"; then echo $(( $(now_ms) - t0 )); fi
}

# converge_to WHO TIMEOUT_S T0_MS: until exactly WHO holds the VIP.
converge_to() { converge_when '[ "$(holders)" = "'"$1"'" ]' "$2" "$3"; }

# Sets the standby list in the agents' config (an atomic rename, as an editor or kubelet does).
set_standby() {
  local list=$1
  awk -v list="$list" '
    /^  standby:/ { next }
    { print }
    /^spec:/ && list != "" { print "  standby: [" list "]" }' "$config" >"$config.tmp"
  mv "$config.tmp" "$config"
}

say "Relais drill, profile $profile ($(basename "$config")), namespaces ${prefix}*"
echo "NAMESPACES ${prefix}*"
say
say "1. maitre and esclave start; maitre is preferred, so it takes the VIP"
start_agent maitre
start_agent esclave
# Like a person following the tutorial: wait until the cluster has settled (VIP on maitre only,
# unchanged for 4 s, past the startup grace) before looking.
stable_since=0
settled() {
  if [ "$(holders)" = maitre ]; then
    [ "$stable_since" = 0 ] && stable_since=$(now_ms)
    [ $(( $(now_ms) - stable_since )) -ge 4000 ]
  else
    stable_since=0
    return 1
  fi
}
wait_for settled "$settle" || true
check start "VIP $VIP on maitre as enp0s3:0" "$(where_vip)" ""

# How often the agents warned that their event loop ran later than peers wait.
late_warnings() { cat "$work"/*.log | grep -c "event loop ran" || true; }

# CPU ticks (utime + stime) of a process, and its RSS in kB.
cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }
rss_kb() { awk '/^VmRSS:/ { print $2 }' "/proc/$1/status"; }

if [ "$idle" -gt 0 ]; then
  say
  say "   measuring idle CPU and memory of each agent for $idle s"
  hz=$(getconf CLK_TCK)
  declare -A before=()
  for node in maitre esclave; do before[$node]=$(cpu_ticks "${AGENT[$node]}"); done
  sleep "$idle"
  for node in maitre esclave; do
    ticks=$(( $(cpu_ticks "${AGENT[$node]}") - ${before[$node]} ))
    cpu=$(awk -v t="$ticks" -v hz="$hz" -v s="$idle" 'BEGIN { printf "%.2f", 100 * t / hz / s }')
    rss=$(awk -v kb="$(rss_kb "${AGENT[$node]}")" 'BEGIN { printf "%.1f", kb / 1024 }')
    say "    $node: ${cpu} % of one core, RSS ${rss} MB"
    echo "RESULT step=idle node=$node cpu_pct=$cpu rss_mb=$rss"
  done
fi

if [ "$soak" -gt 0 ]; then
  say
  say "   soak: one core fully loaded by a competing process for $soak s; the client keeps pinging"
  start_ping
  transitions_before=$(cat "$work"/*.log | grep -c "to=MASTER" || true)
  ( while :; do :; done ) &
  hog_pid=$!
  t0=$(now_ms)
  sleep "$soak"
  kill "$hog_pid"; hog_pid=""
  t1=$(now_ms)
  changes=$(( $(cat "$work"/*.log | grep -c "to=MASTER" || true) - transitions_before ))
  late=$(late_warnings)
  say "    the agents warned $late time(s) that their event loop ran later than peers wait"
  echo "RESULT step=soak-loop late_warnings=$late"
  check soak "0 ownership changes, VIP on maitre" "$changes ownership changes, $(where_vip | sed 's/ as .*//; s/VIP [0-9.]* on /VIP on /')" "$(outage_ms "$t0" "$t1")" "$(lost_probes "$t0" "$t1")"
  [ "$failures" -eq 0 ] || exit 1
  exit 0
fi

say
say "2. the client pings the VIP every 5 ms"
[ "$capture" = 1 ] && start_capture
start_ping
wait_for '[ "$(replies_after 0)" -ge 20 ]' 5 || true
check ping "client gets replies from $VIP" "$([ "$(replies_after 0)" -ge 20 ] && echo "client gets replies from $VIP" || echo "no replies")" ""

for cycle in $(seq 1 "$cycles"); do
[ "$cycles" -gt 1 ] && { say; say "== cycle $cycle of $cycles"; }
say
say "3. maitre is powered off (frozen, LAN link down, killed: nothing can clean up)"
t0=$(now_ms)
for pid in $(ip netns pids "${NS[maitre]}"); do kill -STOP "$pid" 2>/dev/null || true; done
ip -n "${NS[maitre]}" link set enp0s3 down
for pid in $(ip netns pids "${NS[maitre]}"); do kill -9 "$pid" 2>/dev/null || true; done
unset 'AGENT[maitre]'
# A powered-off maitre's address stays on its downed link until its lifetime runs out, so this
# converges when esclave has the VIP, not when esclave alone has it.
conv=$(converge_when '[ -n "$(vip_label esclave)" ]' $((settle + 5)) "$t0")
wait_for '[ -n "$(vip_label esclave)" ] && [ "$(replies_after '"$t0"')" -ge 20 ]' $((settle + 5)) || true
t1=$(now_ms)
check poweroff "VIP $VIP on esclave, pings resume" "$([ -n "$(vip_label esclave)" ] && echo "VIP $VIP on esclave" || echo "VIP on nobody")$([ "$(replies_after "$t0")" -ge 20 ] && echo ", pings resume" || echo ", pings lost")" "$(outage_ms "$t0" "$t1")" "$(lost_probes "$t0" "$t1")" "$conv"

say
say "4. maitre is powered back on (fresh boot: no VIP on it, link up, agent starts)"
ip -n "${NS[maitre]}" addr flush dev enp0s3
ip -n "${NS[maitre]}" addr add "${ADDR[maitre]}/24" dev enp0s3
ip -n "${NS[maitre]}" link set enp0s3 up
t0=$(now_ms)
start_agent maitre
conv=$(converge_to maitre 60 "$t0")
stable_since=0
wait_for settled $((settle + 5)) || true
t1=$(now_ms)
check failback "VIP $VIP back on maitre only (auto failback)" "$([ "$(holders)" = maitre ] && echo "VIP $VIP back on maitre only (auto failback)" || echo "VIP on: $(holders)")" "$(outage_ms "$t0" "$t1")" "$(lost_probes "$t0" "$t1")" "$conv"

say
say "4a. maitre is put in standby (standby: [maitre] in the config): it hands the VIP to esclave"
t0=$(now_ms)
set_standby maitre
conv=$(converge_to esclave 60 "$t0")
sleep 1
t1=$(now_ms)
check standby "VIP $VIP on esclave only" "$([ "$(holders)" = esclave ] && echo "VIP $VIP on esclave only" || echo "VIP on: $(holders)")" "$(outage_ms "$t0" "$t1")" "$(lost_probes "$t0" "$t1")" "$conv"

say
say "4b. maitre's standby is cleared: the VIP returns to it"
t0=$(now_ms)
set_standby ""
conv=$(converge_to maitre 60 "$t0")
stable_since=0
wait_for settled $((settle + 5)) || true
t1=$(now_ms)
check return "VIP $VIP back on maitre only" "$([ "$(holders)" = maitre ] && echo "VIP $VIP back on maitre only" || echo "VIP on: $(holders)")" "$(outage_ms "$t0" "$t1")" "$(lost_probes "$t0" "$t1")" "$conv"
done
cycle=0

say
say "5. maitre is stopped cleanly (SIGTERM): it hands the VIP to esclave before it exits"
t0=$(now_ms)
kill -TERM "${AGENT[maitre]}"
wait_for '[ "$(holders)" = esclave ]' $((settle + 5)) || true
wait_for '! kill -0 "${AGENT[maitre]}" 2>/dev/null' 15 || true
unset 'AGENT[maitre]'
sleep 0.5
t1=$(now_ms)
check switchover "VIP $VIP on esclave only" "$([ "$(holders)" = esclave ] && echo "VIP $VIP on esclave only" || echo "VIP on: $(holders)")" "$(outage_ms "$t0" "$t1")" "$(lost_probes "$t0" "$t1")"

if [ "$cycles" -gt 1 ]; then
  echo
  echo "per cycle (verdict, convergence, client outage, probes lost):"
  printf '%-6s %-36s %-36s %-36s %-36s\n' cycle poweroff failback standby return
  for c in $(seq 1 "$cycles"); do
    printf '%-6s %-36s %-36s %-36s %-36s\n' "$c" "${SUMMARY[$c,poweroff]:-}" "${SUMMARY[$c,failback]:-}" \
      "${SUMMARY[$c,standby]:-}" "${SUMMARY[$c,return]:-}"
  done
fi

say
if [ "$failures" -eq 0 ]; then
  say "drill passed: every step as the tutorial tells it"
else
  say "drill FAILED: $failures step(s) differ (run with KEEP_LOGS=1 to keep the agents' logs)"
  late=$(late_warnings)
  [ "$late" -gt 0 ] && echo "the agents warned $late time(s) that their event loop ran later than peers wait: this host held them back (a false failover then is the host's, and flap damping may hold the next failback)"
  for node in maitre esclave; do [ -f "$work/$node.log" ] && { echo "--- $node.log (last 20 lines)"; tail -20 "$work/$node.log"; }; done
  exit 1
fi

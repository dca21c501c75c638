#!/usr/bin/env bash
# Idle cost (issue 27): what two routers at rest spend, measured the same way for Relais and for
# keepalived. The drill's LAN (lab/lib/lan.sh): a client (.9) and two routers, maitre (.11) and
# esclave (.12), in network namespaces on a bridge; the client pings the VIP every 100 ms. After a
# settling time it reads, over the window:
#   - CPU of each router's daemon, summed over every thread of it and its child processes, from
#     /proc/PID/task/*/schedstat (ns on CPU), in % of one core; owner = the one holding the VIP;
#   - with --threads, the same per thread (name, CPU, voluntary context switches = wakeups);
#   - control traffic on maitre's bridge port (both routers' frames pass it): frames/s and frame
#     sizes by kind (heartbeat UDP, VRRP, ARP, other; ICMP (the client's probes) and the
#     kernel's own ICMPv6 (MLD, neighbour discovery of link-local addresses) left out).
#
#   lab/idle-cost.sh [--impl relais|keepalived] [--keepalive MS] [--seconds S] [--settle S]
#                    [--runs N] [--threads] [--jfr DIR] [--perf DIR] [--agent-dir DIR]
#
# relais:     keepalive 1000 = Relais' defaults (examples/tutorial.yaml without its heartbeat
#             section, as lab/drill.sh --profile default); any other keepalive K =
#             examples/tutorial-fast.yaml with keepaliveMs K and deadTimeMs 4 K (K = 5: the fast
#             profile unchanged).
# keepalived: VRRPv3 unicast between the two routers, advert_int K (as lab/floor/floor.sh; its
#             backup sends nothing; K >= 10 ms, VRRPv3 counts centiseconds).
# --agent-dir DIR runs the agent from DIR (relais-node-agent.jar and lib/ as Maven builds them in
#   node-agent/target), so two builds can be compared A/B without rebuilding the tree; default:
#   node-agent/target, built by bin/relais-agent if stale. RELAIS_JVM_OPTS reaches the agent.
# --jfr DIR: each agent runs with a JFR recording of the window (execution samples every 10 ms)
#   left in DIR/<node>.jfr; --perf DIR: `perf record` of each agent over the window and its JIT
#   symbol map (jcmd Compiler.perfmap) left in DIR (PERF_FREQ samples/s of CPU, default 999).
# Prints one IDLE line per run and role (machine-readable), THREAD lines with --threads, FRAMES
# lines per kind. Needs root. Everything it creates (namespaces ri<pid>-*, processes it started)
# is removed at the end, even on failure.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
impl=relais keepalive=1000 seconds=60 settle="" runs=1 threads=0 jfr="" perfdir="" agent_dir=""
while [ $# -gt 0 ]; do
  case "$1" in
    --impl) impl=$2; shift 2 ;;
    --keepalive) keepalive=$2; shift 2 ;;
    --seconds) seconds=$2; shift 2 ;;
    --settle) settle=$2; shift 2 ;;
    --runs) runs=$2; shift 2 ;;
    --threads) threads=1; shift ;;
    --jfr) jfr=$(realpath -m "$2"); shift 2 ;;
    --perf) perfdir=$(realpath -m "$2"); shift 2 ;;
    --agent-dir) agent_dir=$(realpath "$2"); shift 2 ;;
    -h|--help) awk 'NR > 1 && /^#/ { print; next } NR > 1 { exit }' "$0"; exit 0 ;;
    *) echo "idle-cost: unknown argument $1" >&2; exit 2 ;;
  esac
done
case "$impl" in relais|keepalived) ;; *) echo "idle-cost: --impl relais or keepalived" >&2; exit 2 ;; esac
if [ "$(id -u)" != 0 ]; then
  echo "idle-cost: needs root to create network namespaces" >&2
  exit 1
fi
for tool in tcpdump ip ping; do
  command -v "$tool" >/dev/null || { echo "idle-cost: needs $tool" >&2; exit 1; }
done
if [ "$impl" = keepalived ] && ! command -v keepalived >/dev/null; then
  echo "idle-cost: needs keepalived (apt-get install keepalived)" >&2
  exit 1
fi
# The agents' warm-up, startup grace and a quiet backup's first deadTime are over by then.
[ -n "$settle" ] || settle=$([ "$keepalive" -ge 1000 ] && echo 20 || echo 15)
. "$root/bin/lib/java.sh"
relais_find_java
if [ "$impl" = relais ] && [ -z "$agent_dir" ]; then
  "$root/bin/relais-agent" --version >/dev/null
  agent_dir="$root/node-agent/target"
fi
. "$root/bin/lib/jvm-flags.sh"

prefix="ri$$-"
lan="${prefix}lan"
declare -A NS=([client]="${prefix}client" [maitre]="${prefix}maitre" [esclave]="${prefix}esclave")
declare -A ADDR=([client]=192.168.200.9 [maitre]=192.168.200.11 [esclave]=192.168.200.12)
VIP=192.168.200.10
work=$(mktemp -d /tmp/relais-idle.XXXXXX)
pids=()
cleanup() {
  set +e
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done
  wait 2>/dev/null
  for ns in "${NS[@]}" "$lan"; do ip netns del "$ns" 2>/dev/null; done
  if [ "${KEEP_LOGS:-0}" = 1 ]; then echo "idle-cost: logs kept in $work"; else rm -rf "$work"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

. "$root/lab/lib/lan.sh"
. "$root/lab/lib/keepalived.sh"
lan_up "$lan" "${NS[client]}" "${ADDR[client]}" "${NS[maitre]}" "${ADDR[maitre]}" \
  "${NS[esclave]}" "${ADDR[esclave]}"

start() { # node, command...: runs it in the node's namespace; sets $started
  local node=$1; shift
  ip netns exec "${NS[$node]}" "$@" >>"$work/$node.log" 2>&1 &
  started=$!
  pids+=("$started")
}

# Every pid of a daemon: the process and its children (keepalived's VRRP child).
family() { echo "$1"; pgrep -P "$1" || true; }

cpu_ns() {
  local p total=0
  for p in $(family "$1"); do
    total=$((total + $(cat /proc/"$p"/task/*/schedstat 2>/dev/null | awk '{ s += $1 } END { printf "%.0f", s }')))
  done
  echo "$total"
}

# A JVM's thread names by tid (the kernel's comm keeps 15 characters), from jcmd Thread.print:
# taken before the window, as a jcmd call wakes every thread of the JVM.
thread_names() { # pid
  "$JAVA_HOME/bin/jcmd" "$1" Thread.print 2>/dev/null |
    sed -n 's/^"\([^"]*\)".* nid=\([0-9a-fx]*\) .*/\2 \1/p' |
    while read -r nid rest; do printf '%d\t%s\n' "$nid" "${rest// /_}"; done
}

# tid name cpu_ns voluntary_switches, one line per thread of the daemon (names: file $2).
thread_table() { # pid names-file
  local p t name
  declare -A names=()
  while IFS=$'\t' read -r tid name; do names[$tid]=$name; done <"$2"
  for p in $(family "$1"); do
    for t in /proc/"$p"/task/*; do
      name=${names[${t##*/}]:-$(tr ' ' _ <"$t/comm" 2>/dev/null)}
      printf '%s\t%s\t%s\t%s\n' "${t##*/}" "$name" \
        "$(cut -d' ' -f1 "$t/schedstat" 2>/dev/null)" \
        "$(awk '/^voluntary_ctxt_switches/ { print $2 }' "$t/status" 2>/dev/null)"
    done
  done
}

holder() {
  local node
  for node in maitre esclave; do
    if ip -n "${NS[$node]}" -o -4 addr show dev enp0s3 | grep -q " $VIP/"; then echo "$node"; return; fi
  done
}

relais_config() {
  mkdir -p "$work/config"
  if [ "$keepalive" = 1000 ]; then
    awk '/^  heartbeat:/ { skip = 1; next } skip && /^    / { next } { skip = 0; print }' \
      "$root/examples/tutorial.yaml" >"$work/config/cluster.yaml"
  else
    sed -e "s/keepaliveMs: .*/keepaliveMs: $keepalive/" -e "s/deadTimeMs: .*/deadTimeMs: $((4 * keepalive))/" \
      "$root/examples/tutorial-fast.yaml" >"$work/config/cluster.yaml"
  fi
}

start_relais() { # node
  local node=$1 extra=()
  rm -rf "$work/state-$1" && mkdir -p "$work/state-$1"
  relais_java_args agent "$agent_dir"
  if [ -n "$jfr" ]; then
    mkdir -p "$jfr"
    extra=("-XX:StartFlightRecording=filename=$jfr/$node.jfr,settings=$work/idle.jfc,delay=${settle}s,duration=${seconds}s")
  fi
  start "$node" "$JAVA_HOME/bin/java" "${extra[@]}" "${RELAIS_JAVA_ARGS[@]}" --config "$work/config/cluster.yaml" \
    --node "$node" --state-dir "$work/state-$node" --metrics-address 127.0.0.1:9694
}

start_keepalived() { # node
  local node=$1 prio peer advert
  advert=$(awk -v k="$keepalive" 'BEGIN { printf "%g", k / 1000 }')
  if [ "$node" = maitre ]; then prio=200 peer=${ADDR[esclave]}; else prio=100 peer=${ADDR[maitre]}; fi
  keepalived_conf "$node" "$prio" "$peer" "$advert" >"$work/ka-$node.conf"
  start "$node" keepalived -n -l -P -f "$work/ka-$node.conf" -p "$work/ka-$node.pid" -r "$work/ka-$node-vrrp.pid"
}

if [ -n "$jfr" ]; then
  # The JDK's default settings with execution samples every 10 ms (the "profile" rate) and the
  # periodic events that would themselves wake threads left at their defaults.
  sed -e '/<event name="jdk.ExecutionSample">/,/<\/event>/ s#<setting name="period">[^<]*#<setting name="period">10 ms#' \
    -e '/<event name="jdk.ExecutionSample">/,/<\/event>/ s#<setting name="enabled">[^<]*#<setting name="enabled">true#' \
    "$JAVA_HOME/lib/jfr/default.jfc" >"$work/idle.jfc"
fi

ip netns exec "${NS[client]}" ping -n -q -i 0.1 "$VIP" >"$work/ping.log" 2>&1 &
pids+=($!)

run=1
while [ "$run" -le "$runs" ]; do
  declare -A PID=()
  [ "$impl" = relais ] && relais_config
  for node in maitre esclave; do
    "start_$impl" "$node"
    PID[$node]=$started
  done
  sleep "$settle"
  owner=$(holder)
  if [ -z "$owner" ]; then echo "idle-cost: no router holds $VIP after ${settle}s" >&2; exit 1; fi
  ip netns exec "$lan" tcpdump -i v-maitre -n -s 96 -U -w "$work/ctl.pcap" not icmp and not icmp6 2>/dev/null &
  cap=$!
  pids+=("$cap")
  perf_pids=()
  if [ -n "$perfdir" ]; then
    mkdir -p "$perfdir"
    for node in maitre esclave; do
      perf record -q -F "${PERF_FREQ:-999}" -g -p "${PID[$node]}" -o "$perfdir/$node.perf.data" -- sleep "$seconds" >/dev/null 2>&1 &
      perf_pids+=($!)
    done
  fi
  declare -A C0=() C1=()
  for node in maitre esclave; do
    : >"$work/names-$node"
    [ "$threads" = 1 ] && [ "$impl" = relais ] && thread_names "${PID[$node]}" >"$work/names-$node"
  done
  for node in maitre esclave; do
    C0[$node]=$(cpu_ns "${PID[$node]}")
    [ "$threads" = 1 ] && thread_table "${PID[$node]}" "$work/names-$node" >"$work/threads0-$node"
  done
  t0=$(date +%s%N)
  sleep "$seconds"
  for node in maitre esclave; do
    C1[$node]=$(cpu_ns "${PID[$node]}")
    [ "$threads" = 1 ] && thread_table "${PID[$node]}" "$work/names-$node" >"$work/threads1-$node"
  done
  t1=$(date +%s%N)
  kill -INT "$cap"; wait "$cap" 2>/dev/null || true
  [ ${#perf_pids[@]} = 0 ] || wait "${perf_pids[@]}" 2>/dev/null || true
  if [ -n "$perfdir" ]; then
    for node in maitre esclave; do "$JAVA_HOME/bin/jcmd" "${PID[$node]}" Compiler.perfmap >/dev/null 2>&1 || true; done
    cp /tmp/perf-"${PID[maitre]}".map /tmp/perf-"${PID[esclave]}".map "$perfdir/" 2>/dev/null || true
  fi
  elapsed_ns=$((t1 - t0))
  [ "$(holder)" = "$owner" ] || echo "idle-cost: run $run: the VIP moved during the window" >&2
  for node in maitre esclave; do
    role=backup; [ "$node" = "$owner" ] && role=owner
    rss=$(awk '/^VmRSS:/ { printf "%.1f", $2 / 1024 }' /proc/"${PID[$node]}"/status)
    awk -v i="$impl" -v k="$keepalive" -v r="$run" -v n="$node" -v role="$role" -v d=$((C1[$node] - C0[$node])) \
      -v e="$elapsed_ns" -v rss="$rss" \
      'BEGIN { printf "IDLE impl=%s keepalive_ms=%s run=%d node=%s role=%s cpu_pct=%.3f cpu_ms_per_s=%.3f rss_mb=%s\n", i, k, r, n, role, 100 * d / e, 1000 * d / e, rss }'
    if [ "$threads" = 1 ]; then
      # Threads present at both ends (new ones count from 0), summed by name.
      awk -F'\t' -v n="$node" -v e="$elapsed_ns" '
        FNR == NR { c0[$1] = $3; w0[$1] = $4; next }
        { cpu[$2] += $3 - c0[$1]; wk[$2] += $4 - w0[$1]; cnt[$2]++ }
        END { for (t in cpu) if (cpu[t] > 0) printf "THREAD node=%s thread=%s count=%d cpu_pct=%.4f wakeups_per_s=%.1f\n", n, t, cnt[t], 100 * cpu[t] / e, wk[t] * 1e9 / e }' \
        "$work/threads0-$node" "$work/threads1-$node" | sort -t= -k5 -g -r
    fi
  done
  # Only frames inside the CPU window count (the capture starts and stops outside it).
  tcpdump -r "$work/ctl.pcap" -n -e -tt 2>/dev/null | awk -v e="$elapsed_ns" -v from="$t0" -v to="$t1" '
    {
      t = $1 * 1e9; if (t < from + 0 || t > to + 0) next
      match($0, /length [0-9]+:/); len = substr($0, RSTART + 7, RLENGTH - 8) + 0
      kind = "other"
      if ($0 ~ /ethertype ARP/) kind = "arp"; else if ($0 ~ /VRRP/) kind = "vrrp"; else if ($0 ~ /UDP/) kind = "udp"
      src = "?"
      if (kind != "arp") { rest = substr($0, RSTART + RLENGTH + 1); split(rest, f, " "); src = f[1]; if (kind == "udp") sub(/\.[0-9]+$/, "", src) }
      else if (match($0, /tell [0-9.]+/)) src = substr($0, RSTART + 5, RLENGTH - 5)
      else if (match($0, /Reply [0-9.]+/)) src = substr($0, RSTART + 6, RLENGTH - 6)
      key = kind " " src; n[key]++; b[key] += len
      if (!(key in lo) || len < lo[key]) lo[key] = len
      if (len > hi[key]) hi[key] = len
      total++; bytes += len
    }
    END {
      for (k in n) { split(k, p, " "); printf "FRAMES kind=%s from=%s per_s=%.2f bytes_min=%d bytes_mean=%.1f bytes_max=%d\n", p[1], p[2], n[k] * 1e9 / e, lo[k], b[k] / n[k], hi[k] }
      printf "FRAMES kind=all per_s=%.2f bytes_per_s=%.0f\n", total * 1e9 / e, bytes * 1e9 / e
    }' | sed "s/^FRAMES /FRAMES impl=$impl keepalive_ms=$keepalive run=$run /"
  for node in maitre esclave; do kill "${PID[$node]}" 2>/dev/null || true; done
  for node in maitre esclave; do wait "${PID[$node]}" 2>/dev/null || true; done
  # keepalived removes its VIP on exit; a killed agent leaves it until its lifetime runs out.
  for node in maitre esclave; do ip -n "${NS[$node]}" addr flush dev enp0s3 label enp0s3:0 2>/dev/null || true; done
  run=$((run + 1))
done

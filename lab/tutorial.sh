#!/usr/bin/env bash
# The heartbeat tutorial, run by the whole of Relais: a client, two routers (maitre, esclave) and
# an "internet" host in network namespaces; a control namespace running an embedded Kubernetes API
# and the operator; the CRDs and examples/tutorial.yaml applied with the real kubectl; the agents
# in Kubernetes mode, running the config the operator rendered and reporting back.
#
#   lab/tutorial.sh [--profile tutorial|default|fast] [--kubeconfig FILE] [--quiet]
#
# Steps (one RESULT line each): apply (CRDs + tutorial.yaml, config rendered), agents (node
# states reported), start (VIP on maitre as enp0s3:0, rtc ACTIVE maitre), route (client's
# default route is the VIP), ping (the internet host answers through the active router),
# poweroff (maitre frozen, killed, links down: VIP on esclave; outage and takeover duration),
# failback (maitre back on: VIP returns), standby / return (JSON patch of spec.standby: planned
# moves, no probe lost), secretdeleted (the rendered Secret deleted by hand: no VIP moves, the
# operator renders it again), apicut (the API cut off from both routers, maitre powered off: VIP
# on esclave within step poweroff's bound), apirestored (status catches up: esclave active, the
# failover during the outage with its duration). `kubectl get rtc` and the latest events after
# each step. Exits non-zero if any step did not happen; everything it made is removed on any exit.
#
# --profile: tutorial = examples/tutorial.yaml (keepalive 2 s, deadtime 10 s), default = the same
#   cluster with Relais' defaults (1 s / 5 s), fast = examples/tutorial-fast.yaml (5 ms / 20 ms).
# --kubeconfig FILE: the same steps against a real API server on the host's loopback (e.g. kind):
#   operator and agents still run here as processes; the routers reach the API through socat over
#   a Unix socket, so nothing is configured in the host's network. The chart's admission policy is
#   not applied. The RouterCluster and its Secret are deleted at the end; the CRDs stay.
# KEEP_LOGS=1 keeps the processes' logs.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
profile=tutorial
quiet=0
user_kubeconfig=""
while [ $# -gt 0 ]; do
  case "$1" in
    --profile) profile=${2:-}; shift 2 ;;
    --kubeconfig) user_kubeconfig=${2:-}; shift 2 ;;
    --quiet) quiet=1; shift ;;
    -h|--help) awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0"; exit 0 ;;
    *) echo "tutorial: unknown argument $1 (see --help)" >&2; exit 2 ;;
  esac
done
# deadline_s: how long a takeover may take at this profile (deadtime plus slack for two busy
# cores), the bound of steps poweroff and apicut.
case "$profile" in
  tutorial) manifest="$root/examples/tutorial.yaml"; settle=90; deadline_s=16 ;;
  default) manifest="$root/examples/tutorial.yaml"; settle=40; deadline_s=9 ;;
  fast) manifest="$root/examples/tutorial-fast.yaml"; settle=20; deadline_s=4 ;;
  *) echo "tutorial: --profile must be tutorial, default or fast" >&2; exit 2 ;;
esac

if [ "$(id -u)" != 0 ]; then
  echo "tutorial: needs root to create network namespaces (run it as root, e.g. with sudo)" >&2
  exit 1
fi
if ! ip netns add "rtprobe$$" 2>/dev/null; then
  echo "tutorial: cannot create network namespaces here (needs root and a kernel with netns)" >&2
  exit 1
fi
ip netns del "rtprobe$$"
if [ -n "$user_kubeconfig" ] && [ ! -r "$user_kubeconfig" ]; then
  echo "tutorial: cannot read --kubeconfig $user_kubeconfig" >&2
  exit 2
fi
need=()
command -v ip >/dev/null || need+=(iproute2)
command -v ping >/dev/null || need+=(iputils-ping)
command -v nft >/dev/null || need+=(nftables)
[ -z "$user_kubeconfig" ] || command -v socat >/dev/null || need+=(socat)
if [ "${#need[@]}" -gt 0 ]; then
  echo "tutorial: installing ${need[*]} (first run only)..."
  DEBIAN_FRONTEND=noninteractive apt-get update -qq >/dev/null &&
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null ||
    { echo "tutorial: needs the Debian packages ${need[*]}" >&2; exit 1; }
fi
. "$root/bin/lib/java.sh"
relais_find_java
. "$root/bin/lib/jvm-flags.sh"
. "$root/lab/lib/lan.sh"
. "$root/lab/lib/links.sh"
. "$root/lab/lib/probes.sh"

# The first run builds what it runs and fetches kubectl (bin/install-tools).
"$root/bin/install-tools" >/dev/null
kubectl_bin="$root/.tools/bin/kubectl"
"$root/bin/relais-agent" --version >/dev/null
"$root/bin/relais-operator" --version >/dev/null
[ -n "$user_kubeconfig" ] || "$root/bin/relais-lab-api" --version >/dev/null

VIP=192.168.200.10
INTERNET=203.0.113.100
RELEASE=relais-system
prefix="rt$$-"
work=$(mktemp -d /tmp/relais-tutorial.XXXXXX)
# The jars as built now: an edit (or a rebuild) of the sources during the run changes nothing here.
for part in node-agent operator lab; do
  [ "$part" = lab ] && [ -n "$user_kubeconfig" ] && continue
  mkdir -p "$work/jars/$part"
  cp -r "$root/$part/target/"relais-*.jar "$root/$part/target/lib" "$work/jars/$part/"
done
cluster=$(awk '/^kind: RouterCluster/ { rc = 1 } rc && /^  name:/ { print $2; exit }' "$manifest")
# The manifest as applied: tutorial.yaml unchanged, or with Relais' default timers.
if [ "$profile" = default ]; then
  awk '/^  heartbeat:/ { skip = 1; next } skip && /^    / { next } { skip = 0; print }' \
    "$manifest" >"$work/cluster.yaml"
else
  cp "$manifest" "$work/cluster.yaml"
fi
declare -A NS=([client]="${prefix}client" [maitre]="${prefix}maitre" [esclave]="${prefix}esclave"
  [internet]="${prefix}internet" [ctl]="${prefix}ctl" [lan]="${prefix}lan" [wan]="${prefix}wan")
declare -A ADDR=([client]=192.168.200.9 [maitre]=192.168.200.11 [esclave]=192.168.200.12)
declare -A WAN=([maitre]=203.0.113.11 [esclave]=203.0.113.12)
# Management links, one per router (TEST-NET-2): the control namespace's end, the router's end.
declare -A MGMT_CTL=([maitre]=198.51.100.1 [esclave]=198.51.100.5)
declare -A MGMT_RTR=([maitre]=198.51.100.2 [esclave]=198.51.100.6)
declare -A PIDS=()
failures=0
applied=0

say() { [ "$quiet" = 1 ] || echo "$@"; }
now_ms() { date +%s%3N; }

cleanup() {
  set +e
  trap - INT TERM
  if [ -n "$user_kubeconfig" ] && [ "$applied" = 1 ]; then
    # While the operator still runs, so its finalizer removes the rendered Secret and node states.
    kc delete -f "$work/cluster.yaml" --ignore-not-found --wait=true --timeout=30s >/dev/null 2>&1
  fi
  for name in "${!PIDS[@]}"; do kill -9 "${PIDS[$name]}" 2>/dev/null; done
  wait 2>/dev/null
  for ns in "${NS[@]}"; do ip netns del "$ns" 2>/dev/null; done
  if [ "${KEEP_LOGS:-0}" = 1 ]; then echo "tutorial: logs kept in $work"; else rm -rf "$work"; fi
}
trap cleanup EXIT
trap 'echo; echo "tutorial: interrupted"; exit 130' INT TERM

# kubectl as the user runs it: against the embedded API from the control namespace, or against
# the real server from here.
kc() {
  if [ -n "$user_kubeconfig" ]; then
    "$kubectl_bin" --kubeconfig "$user_kubeconfig" --cache-dir "$work/kcache" "$@"
  else
    ip netns exec "${NS[ctl]}" "$kubectl_bin" --kubeconfig "$work/ctl.kubeconfig" \
      --cache-dir "$work/kcache" "$@"
  fi
}
# Shows a command and its output, indented, as the tutorial does.
# Everything shown is also kept in $work/shown.log (printed when a step fails, even with --quiet).
show() {
  { echo "    \$ $*"; "$@" 2>&1 | sed 's/^/      /' || true; } | tee -a "$work/shown.log" |
    { if [ "$quiet" = 1 ]; then cat >/dev/null; else cat; fi; }
}
show_kc() {
  { echo "    \$ kubectl $*"; kc "$@" 2>&1 | sed 's/^/      /' || true; } | tee -a "$work/shown.log" |
    { if [ "$quiet" = 1 ]; then cat >/dev/null; else cat; fi; }
}
# After each step: the status the operator aggregated and the latest events on the cluster.
show_status() {
  [ "$quiet" = 1 ] && return 0
  show_kc get rtc "$cluster" -o wide
  echo "    \$ kubectl get events --sort-by=.lastTimestamp   (latest, on routercluster/$cluster)"
  kc get events --sort-by=.lastTimestamp 2>&1 |
    awk -v obj="routercluster/$cluster" 'NR == 1 { print; next } index($0, obj) { rows[++n] = $0 }
      END { for (i = (n > 4 ? n - 3 : 1); i <= n; i++) print rows[i] }' | sed 's/^/      /' || true
}

rtc_field() { kc get rtc "$cluster" -o jsonpath="{$1}" 2>/dev/null || true; }
active() { rtc_field .status.activeNode; }
ready() { rtc_field '.status.conditions[?(@.type=="Ready")].status'; }

# wait_for CONDITION TIMEOUT_S: polls every 10 ms.
wait_for() {
  local deadline=$(( $(now_ms) + $2 * 1000 ))
  while [ "$(now_ms)" -lt "$deadline" ]; do
    eval "$1" && return 0
    sleep 0.01
  done
  return 1
}
# Milliseconds since T0_MS when CONDITION first held within TIMEOUT_S, or nothing.
converge_when() {
  if wait_for "$1" "$2"; then echo $(( $(now_ms) - $3 )); fi
}

# The label under which NODE holds the VIP on enp0s3 (the interface name when unlabelled), or "".
vip_label() {
  ip -n "${NS[$1]}" -o -4 addr show dev enp0s3 2>/dev/null |
    awk -v vip="$VIP" '$4 ~ "^"vip"/" { label = $2; for (i = 5; i <= NF; i++) if ($i ~ /^enp0s3/) label = $i; sub(/\\$/, "", label); print label; exit }'
}
holders() {
  local out="" node
  for node in maitre esclave; do [ -n "$(vip_label "$node")" ] && out="$out $node"; done
  echo "${out# }"
}

# What failed steps leave to read: what was shown, and the end of every process's log.
diagnose() {
  local name
  [ -f "$work/shown.log" ] && { echo "--- kubectl and ip output (last 40 lines)"; tail -40 "$work/shown.log"; }
  for name in api operator agent-maitre agent-esclave; do
    [ -f "$work/$name.log" ] && { echo "--- $name.log (last 15 lines)"; tail -15 "$work/$name.log"; }
  done
}
# A step the rest depends on: when it did not happen, the run stops here.
required() {
  if [ "$failures" -gt 0 ]; then
    echo "tutorial FAILED at step $1: the steps after it need it"
    diagnose
    exit 1
  fi
}

# check STEP EXPECTED SEEN [key=value...]: the verdict, and the RESULT line.
check() {
  local step=$1 expected=$2 seen=$3 verdict=ok
  shift 3
  if [ "$expected" != "$seen" ]; then verdict=FAILED; failures=$((failures + 1)); fi
  say "    expected: $expected"
  say "    seen:     $seen  [$verdict]"
  echo "RESULT step=$step expected=\"$expected\" seen=\"$seen\" $* verdict=$verdict"
}

# Starts a process in a namespace, logging to $work/NAME.log; its PID is PIDS[NAME].
spawn() {
  local name=$1 ns=$2
  shift 2
  ip netns exec "$ns" "$@" >>"$work/$name.log" 2>&1 &
  PIDS[$name]=$!
  disown "${PIDS[$name]}" # killing a router on purpose is the lab, not news
}

start_agent() {
  local node=$1
  mkdir -p "$work/state-$node"
  relais_java_args agent "$work/jars/node-agent"
  spawn "agent-$node" "${NS[$node]}" "$JAVA_HOME/bin/java" "${RELAIS_JAVA_ARGS[@]}" \
    --kubernetes --kubeconfig "$work/$node.kubeconfig" --node "$node" --namespace "$RELEASE" \
    --state-dir "$work/state-$node" --metrics-address 127.0.0.1:9694
}

# Every process of the router frozen at once, its links down, then killed: nothing can clean up.
power_off() {
  local ns=${NS[$1]} pid link
  for pid in $(ip netns pids "$ns"); do kill -STOP "$pid" 2>/dev/null || true; done
  for link in enp0s3 enp0s8 mgmt0; do ip -n "$ns" link set "$link" down; done
  for pid in $(ip netns pids "$ns"); do kill -9 "$pid" 2>/dev/null || true; done
  unset "PIDS[agent-$1]"
}
# A fresh boot: the VIP it held is gone with the power, links up, the agent starts from its disk.
power_on() {
  local ns=${NS[$1]} link
  ip -n "$ns" addr flush dev enp0s3
  ip -n "$ns" addr add "${ADDR[$1]}/24" dev enp0s3
  for link in enp0s3 enp0s8 mgmt0; do ip -n "$ns" link set "$link" up; done
  [ -z "$user_kubeconfig" ] || start_forwarder "$1"
  start_agent "$1"
}

# --kubeconfig: the router's end of the path to the real API server (its loopback, port of the
# kubeconfig's URL, to the control namespace over the router's management link). A process of
# the router, so a power-off kills it too.
start_forwarder() {
  spawn "fwd-$1" "${NS[$1]}" socat TCP-LISTEN:"$api_port",bind=127.0.0.1,fork,reuseaddr \
    TCP:"${MGMT_CTL[$1]}:$api_port"
}

# The API cut off from a router: its management traffic dropped both ways (nftables in the
# router's namespace), LAN and WAN untouched.
api_cut() {
  ip netns exec "${NS[$1]}" nft -f - <<EOF
table inet relais_lab_cut {
  chain in { type filter hook input priority 0; ip saddr 198.51.100.0/24 drop; }
  chain out { type filter hook output priority 0; ip daddr 198.51.100.0/24 drop; }
}
EOF
}
api_restore() { ip netns exec "${NS[$1]}" nft delete table inet relais_lab_cut 2>/dev/null || true; }

say "Relais tutorial lab, profile $profile ($(basename "$manifest")), namespaces ${prefix}*"
echo "NAMESPACES ${prefix}*"

# ---- 1. the network ----
say
say "1. the tutorial's network: client, maitre and esclave on a LAN (enp0s3), the routers NAT to an"
say "   internet host ($INTERNET), a control namespace with a management link to each router"
lan_up "${NS[lan]}" "${NS[client]}" "${ADDR[client]}" "${NS[maitre]}" "${ADDR[maitre]}" \
  "${NS[esclave]}" "${ADDR[esclave]}"
bridge_ns "${NS[wan]}"
ip netns add "${NS[internet]}"
bridge_join "${NS[wan]}" "${NS[internet]}" eth0 "$INTERNET/24"
ip netns add "${NS[ctl]}"
ip -n "${NS[ctl]}" link set lo up
for node in maitre esclave; do
  bridge_join "${NS[wan]}" "${NS[$node]}" enp0s8 "${WAN[$node]}/24"
  p2p "${NS[ctl]}" "m-$node" "${MGMT_CTL[$node]}/30" "${NS[$node]}" mgmt0 "${MGMT_RTR[$node]}/30"
  ip netns exec "${NS[$node]}" sysctl -qw net.ipv4.ip_forward=1
  ip netns exec "${NS[$node]}" nft -f - <<EOF
table ip relais_lab_nat {
  chain post { type nat hook postrouting priority srcnat; oifname "enp0s8" masquerade; }
}
EOF
done
# As the tutorial's client: its gateway is the VIP.
ip -n "${NS[client]}" route add default via "$VIP"

# ---- 2. the API, the operator, kubectl apply ----
say
if [ -z "$user_kubeconfig" ]; then
  say "2. the embedded Kubernetes API and the operator start in the control namespace; the CRDs and"
  say "   $(basename "$manifest") are applied with kubectl, as a user would"
  spawn api "${NS[ctl]}" "$JAVA_HOME/bin/java" "${RELAIS_JVM_FLAGS[@]}" -XX:+UseSerialGC -Xmx192m \
    -cp "$work/jars/lab/relais-lab.jar:$work/jars/lab/lib/*" dev.relais.lab.api.LabApiMain \
    --listen 0.0.0.0:6443 --kubeconfig "$work/ctl.kubeconfig" --server http://127.0.0.1:6443
  wait_for '[ -s "$work/ctl.kubeconfig" ]' 60 || { echo "tutorial: the embedded API did not start" >&2; cat "$work/api.log" >&2; exit 1; }
  for node in maitre esclave; do
    sed "s#http://127.0.0.1:6443#http://${MGMT_CTL[$node]}:6443#" "$work/ctl.kubeconfig" >"$work/$node.kubeconfig"
  done
  operator_kubeconfig="$work/ctl.kubeconfig"
  operator_ns="${NS[ctl]}"
  validate=(--validate=false) # the embedded API serves no OpenAPI documents
else
  say "2. the operator starts here against $(kc config view --minify -o jsonpath='{.clusters[0].cluster.server}');"
  say "   the routers reach that API over their management links and a Unix socket (socat); the CRDs"
  say "   and $(basename "$manifest") are applied with kubectl"
  server=$(kc config view --minify -o jsonpath='{.clusters[0].cluster.server}')
  hostport=${server#*://}
  hostport=${hostport%%/*}
  host=${hostport%:*}
  port=${hostport##*:}
  case "$host" in
    127.*|localhost|"[::1]") ;;
    *) echo "tutorial: --kubeconfig: the API server must be on this host's loopback (its URL is $server)" >&2; exit 2 ;;
  esac
  [ "$port" = "$hostport" ] && port=443
  # host's loopback API <- unix socket <- control namespace <- management links <- each router's
  # own loopback, so the kubeconfig's URL (and its TLS name) stays valid inside the routers.
  socat UNIX-LISTEN:"$work/api.sock",fork,mode=600 TCP:"$hostport" >>"$work/fwd.log" 2>&1 &
  PIDS[fwd-host]=$!
  spawn fwd-ctl "${NS[ctl]}" socat TCP-LISTEN:"$port",bind=0.0.0.0,fork,reuseaddr UNIX-CONNECT:"$work/api.sock"
  api_port=$port
  for node in maitre esclave; do
    start_forwarder "$node"
    kc config view --minify --flatten >"$work/$node.kubeconfig"
    chmod 600 "$work/$node.kubeconfig"
  done
  sed -i "s#localhost:$port#127.0.0.1:$port#" "$work/maitre.kubeconfig" "$work/esclave.kubeconfig"
  operator_kubeconfig="$user_kubeconfig"
  operator_ns=""
  validate=()
  kc get --raw /openapi/v2 >/dev/null 2>&1 || validate=(--validate=false)
  kc get namespace "$RELEASE" >/dev/null 2>&1 ||
    kc create namespace "$RELEASE" --dry-run=client -o yaml | kc apply "${validate[@]}" -f - >/dev/null
fi
relais_java_args operator "$work/jars/operator"
if [ -n "$operator_ns" ]; then
  spawn operator "$operator_ns" "$JAVA_HOME/bin/java" "${RELAIS_JAVA_ARGS[@]}" \
    --kubeconfig "$operator_kubeconfig" --namespace "$RELEASE" --no-leader-election \
    --http-address 127.0.0.1:9695
else
  "$JAVA_HOME/bin/java" "${RELAIS_JAVA_ARGS[@]}" --kubeconfig "$operator_kubeconfig" \
    --namespace "$RELEASE" --no-leader-election --http-address 127.0.0.1:0 >>"$work/operator.log" 2>&1 &
  PIDS[operator]=$!
fi
show_kc apply "${validate[@]}" -f "$root/crds/generated/"
wait_for 'kc get routerclusters >/dev/null 2>&1' 30 || true
applied=1
show_kc apply "${validate[@]}" -f "$work/cluster.yaml"
t0=$(now_ms)
rendered() { kc get secrets -n "$RELEASE" -l relais.dev/component=agent-config -o name 2>/dev/null | grep -c . || true; }
conv=$(converge_when '[ "$(rendered)" -ge 1 ]' 90 "$t0")
show_kc get secrets -n "$RELEASE" -l relais.dev/component=agent-config
check apply "config Secret rendered in $RELEASE" \
  "$([ "$(rendered)" -ge 1 ] && echo "config Secret rendered in $RELEASE" || echo "nothing rendered")" \
  "converge_ms=${conv:-na}"
required apply

# ---- 3. the agents ----
say
say "3. the agents start on maitre and esclave in Kubernetes mode: they run the rendered config and"
say "   write their RouterNodeStates"
t0=$(now_ms)
start_agent maitre
start_agent esclave
states() { kc get routernodestates -n "$RELEASE" -o name 2>/dev/null | grep -c . || true; }
conv=$(converge_when '[ "$(states)" -ge 2 ]' 60 "$t0")
show_kc get routernodestates -n "$RELEASE"
check agents "2 RouterNodeStates" "$(states) RouterNodeStates" "converge_ms=${conv:-na}"
required agents

# ---- 4. as the tutorial shows it ----
say
say "4. maitre is preferred: it holds the VIP as enp0s3:0, and kubectl get rtc says so"
stable_since=0
settled() {
  if [ "$(holders)" = maitre ] && [ "$(active)" = maitre ]; then
    [ "$stable_since" = 0 ] && stable_since=$(now_ms)
    [ $(( $(now_ms) - stable_since )) -ge 3000 ]
  else
    stable_since=0
    return 1
  fi
}
conv=$(converge_when settled "$settle" "$t0")
show ip -n "${NS[maitre]}" -4 addr show dev enp0s3
check start "VIP $VIP on maitre as enp0s3:0, rtc ACTIVE maitre READY True" \
  "VIP $VIP on $(holders | sed 's/ /+/;s/^$/nobody/') as $(vip_label maitre), rtc ACTIVE $(active) READY $(ready)" \
  "converge_ms=${conv:-na}"
show_status
required start

show ip -n "${NS[client]}" route
check route "default via $VIP" "$(ip -n "${NS[client]}" route show default | awk '{ print $1, $2, $3 }')"

ip netns exec "${NS[client]}" ping -D -n -i 0.005 -W 1 "$INTERNET" >"$work/ping.log" 2>&1 &
PIDS[ping]=$!
wait_for '[ "$(probe_replies_after "$work/ping.log" 0)" -ge 20 ]' 10 || true
say "    \$ ping $INTERNET   (every 5 ms, kept running; the first replies:)"
[ "$quiet" = 1 ] || grep -m 3 "bytes from" "$work/ping.log" | sed 's/^/      /'
check ping "$INTERNET answers the client" \
  "$([ "$(probe_replies_after "$work/ping.log" 0)" -ge 20 ] && echo "$INTERNET answers the client" || echo "no replies")"

# The new owner's takeover as the operator shows it: "to reason durationMs".
last_failover() { rtc_field '.status.lastFailover.to} {.status.lastFailover.reason} {.status.lastFailover.durationMs'; }

# ---- 5. power-off ----
say
say "5. maitre is powered off (frozen, links down, killed): esclave takes the VIP"
t0=$(now_ms)
power_off maitre
conv=$(converge_when '[ -n "$(vip_label esclave)" ]' $((deadline_s + settle)) "$t0")
t_vip=$(now_ms)
status_ms=$(converge_when '[ "$(active)" = esclave ]' 30 "$t_vip")
wait_for '[ "$(probe_replies_after "$work/ping.log" "$t_vip")" -ge 20 ]' 10 || true
t1=$(now_ms)
outage=$(probe_outage_ms "$work/ping.log" "$t0" "$t1")
read -r lf_to lf_reason lf_ms _ <<<"$(last_failover) - - -"
say "    client outage ${outage} ms, $(probe_lost "$work/ping.log" "$t0" "$t1") probes lost; esclave reports a takeover of ${lf_ms} ms ($lf_reason); rtc showed it ${status_ms:-never} ms after the VIP moved"
poweroff_conv=${conv:-na}
check poweroff "VIP $VIP on esclave within ${deadline_s}s, pings resume, rtc ACTIVE esclave" \
  "$([ -n "$(vip_label esclave)" ] && [ -n "$conv" ] && [ "$conv" -le $((deadline_s * 1000)) ] && echo "VIP $VIP on esclave within ${deadline_s}s" || echo "VIP on '$(holders)' after ${conv:-never} ms")$([ "$(probe_replies_after "$work/ping.log" "$t_vip")" -ge 20 ] && echo ", pings resume" || echo ", pings lost"), rtc ACTIVE $(active)" \
  "converge_ms=${conv:-na} outage_ms=$outage lost=$(probe_lost "$work/ping.log" "$t0" "$t1") status_ms=${status_ms:-na} takeover_ms=$lf_ms reason=$lf_reason"
show_status

# ---- 6. power-on, failback ----
say
say "6. maitre is powered back on: it rejoins and takes the VIP back (auto failback)"
t0=$(now_ms)
power_on maitre
conv=$(converge_when '[ "$(holders)" = maitre ]' $((settle + 30)) "$t0")
t_vip=$(now_ms)
status_ms=$(converge_when '[ "$(active)" = maitre ]' 30 "$t_vip")
sleep 1
t1=$(now_ms)
check failback "VIP $VIP on maitre only, rtc ACTIVE maitre" \
  "VIP $VIP on $(holders | sed 's/ /+/;s/^$/nobody/')$([ "$(holders)" = maitre ] && echo " only"), rtc ACTIVE $(active)" \
  "converge_ms=${conv:-na} outage_ms=$(probe_outage_ms "$work/ping.log" "$t0" "$t1") lost=$(probe_lost "$work/ping.log" "$t0" "$t1") status_ms=${status_ms:-na}"
show_status

# ---- 7. planned moves from the API ----
say
say "7. maitre is put in standby from the API (JSON patch of spec.standby): a planned move, no probe lost"
t0=$(now_ms)
show_kc patch rtc "$cluster" --type=json -p '[{"op":"add","path":"/spec/standby","value":["maitre"]}]'
conv=$(converge_when '[ "$(holders)" = esclave ]' 60 "$t0")
status_ms=$(converge_when '[ "$(active)" = esclave ]' 30 "$(now_ms)")
sleep 1
t1=$(now_ms)
lost=$(probe_lost "$work/ping.log" "$t0" "$t1")
check standby "VIP $VIP on esclave only, 0 probes lost" \
  "VIP $VIP on $(holders | sed 's/ /+/;s/^$/nobody/')$([ "$(holders)" = esclave ] && echo " only"), $lost probes lost" \
  "converge_ms=${conv:-na} outage_ms=$(probe_outage_ms "$work/ping.log" "$t0" "$t1") lost=$lost status_ms=${status_ms:-na}"
show_status

say
say "   and taken out of standby (JSON patch: remove spec.standby): the VIP returns, no probe lost"
t0=$(now_ms)
show_kc patch rtc "$cluster" --type=json -p '[{"op":"remove","path":"/spec/standby"}]'
conv=$(converge_when '[ "$(holders)" = maitre ]' 60 "$t0")
status_ms=$(converge_when '[ "$(active)" = maitre ]' 30 "$(now_ms)")
sleep 1
t1=$(now_ms)
lost=$(probe_lost "$work/ping.log" "$t0" "$t1")
check return "VIP $VIP on maitre only, 0 probes lost" \
  "VIP $VIP on $(holders | sed 's/ /+/;s/^$/nobody/')$([ "$(holders)" = maitre ] && echo " only"), $lost probes lost" \
  "converge_ms=${conv:-na} outage_ms=$(probe_outage_ms "$work/ping.log" "$t0" "$t1") lost=$lost status_ms=${status_ms:-na}"
show_status

# ---- 7a. the rendered Secret deleted by hand ----
say
say "7a. the rendered config Secret is deleted by hand: the routers keep running it (no VIP moves),"
say "    the operator renders it again"
secret=$(kc get secrets -n "$RELEASE" -l relais.dev/component=agent-config -o name | head -1)
document() { kc get -n "$RELEASE" "$secret" -o jsonpath='{.data.agentconfig\.yaml}' 2>/dev/null || true; }
uid() { kc get -n "$RELEASE" "$secret" -o jsonpath='{.metadata.uid}' 2>/dev/null || true; }
doc_before=$(document)
uid_before=$(uid)
t0=$(now_ms)
show_kc delete -n "$RELEASE" "$secret"
conv=$(converge_when '[ -n "$(uid)" ] && [ "$(uid)" != "$uid_before" ]' 30 "$t0")
# Watched for a few seconds: a router that took the deletion for a command would drop the VIP.
moves=0
for _ in $(seq 1 20); do [ "$(holders)" = maitre ] || moves=$((moves + 1)); sleep 0.2; done
t1=$(now_ms)
lost=$(probe_lost "$work/ping.log" "$t0" "$t1")
check secretdeleted "re-rendered with the same document, VIP on maitre only, 0 probes lost" \
  "$([ -n "$conv" ] && { [ "$(document)" = "$doc_before" ] && echo "re-rendered with the same document" || echo "re-rendered with another document"; } || echo "not re-rendered"), VIP on $(holders | sed 's/ /+/;s/^$/nobody/')$([ "$moves" = 0 ] && echo " only"), $lost probes lost" \
  "converge_ms=${conv:-na} lost=$lost rtc_ready=$(ready)"
show_status

# ---- 8. the API cut off, maitre powered off ----
say
say "8. the API is cut off from both routers (their management traffic dropped), then maitre is"
say "   powered off: esclave takes over on heartbeats alone, within step 5's bound"
api_cut maitre
api_cut esclave
sleep 1
t0=$(now_ms)
power_off maitre
conv=$(converge_when '[ -n "$(vip_label esclave)" ]' $((deadline_s + settle)) "$t0")
t_vip=$(now_ms)
wait_for '[ "$(probe_replies_after "$work/ping.log" "$t_vip")" -ge 20 ]' 10 || true
t1=$(now_ms)
say "    kubectl still shows the last status the routers could write:"
check apicut "VIP $VIP on esclave within ${deadline_s}s (step 5: ${poweroff_conv} ms), pings resume" \
  "$([ -n "$(vip_label esclave)" ] && [ -n "$conv" ] && [ "$conv" -le $((deadline_s * 1000)) ] && echo "VIP $VIP on esclave within ${deadline_s}s (step 5: ${poweroff_conv} ms)" || echo "VIP on '$(holders)' after ${conv:-never} ms")$([ "$(probe_replies_after "$work/ping.log" "$t_vip")" -ge 20 ] && echo ", pings resume" || echo ", pings lost")" \
  "converge_ms=${conv:-na} outage_ms=$(probe_outage_ms "$work/ping.log" "$t0" "$t1") lost=$(probe_lost "$work/ping.log" "$t0" "$t1") rtc_active=$(active)"
show_status
sleep 2

say
say "   the API is reachable again: the status catches up with the failover during the outage"
t0=$(now_ms)
api_restore esclave
conv=$(converge_when '[ "$(active)" = esclave ] && [ "$(rtc_field .status.lastFailover.to)" = esclave ]' 120 "$t0")
read -r lf_to lf_reason lf_ms _ <<<"$(last_failover) - - -"
check apirestored "rtc ACTIVE esclave, last failover to esclave with its duration" \
  "rtc ACTIVE $(active), last failover to $lf_to$([[ "$lf_ms" =~ ^[0-9]+$ ]] && echo " with its duration")" \
  "converge_ms=${conv:-na} takeover_ms=$lf_ms reason=$lf_reason failover_time=$(rtc_field .status.lastFailover.time)"
show_status
api_restore maitre

say
if [ "$failures" -eq 0 ]; then
  say "tutorial passed: every step as the tutorial tells it, seen by the routers and by kubectl"
else
  echo "tutorial FAILED: $failures step(s) differ (KEEP_LOGS=1 keeps the logs)"
  diagnose
  exit 1
fi

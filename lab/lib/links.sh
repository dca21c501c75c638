# Sourced by the lab scripts. Point-to-point and bridged links between existing namespaces, for
# the parts of the lab beyond the LAN of lan.sh (the WAN behind the routers, management links).
#
#   bridge_ns NS                                    a namespace holding one bridge, br0
#   bridge_join BRIDGE_NS HOST_NS IFNAME ADDR/LEN   a veth from the bridge to IFNAME in HOST_NS
#   p2p LEFT_NS LEFT_IF LEFT_ADDR/LEN RIGHT_NS RIGHT_IF RIGHT_ADDR/LEN
#
# The caller owns the names (a per-run prefix) and deletes the namespaces, even on failure; a
# veth goes with the namespace that holds either end.
bridge_ns() {
  ip netns add "$1"
  ip -n "$1" link add br0 type bridge
  ip -n "$1" link set br0 up
}

bridge_join() {
  local bridge=$1 ns=$2 ifname=$3 addr=$4 port
  port="w-${ns##*-}"
  ip -n "$bridge" link add "$port" type veth peer name "$ifname" netns "$ns"
  ip -n "$bridge" link set "$port" master br0 up
  ip -n "$ns" link set lo up
  ip -n "$ns" addr add "$addr" dev "$ifname"
  ip -n "$ns" link set "$ifname" up
}

p2p() {
  local lns=$1 lif=$2 laddr=$3 rns=$4 rif=$5 raddr=$6
  ip -n "$lns" link add "$lif" type veth peer name "$rif" netns "$rns"
  ip -n "$lns" addr add "$laddr" dev "$lif"
  ip -n "$rns" addr add "$raddr" dev "$rif"
  ip -n "$lns" link set "$lif" up
  ip -n "$rns" link set "$rif" up
}

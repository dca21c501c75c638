# Sourced by the lab scripts. The tutorial's LAN in network namespaces: a bridge (br0) in its own
# namespace and, per host, a namespace whose LAN interface is enp0s3, as in examples/.
#
#   lan_up LAN_NS HOST_NS ADDRESS [HOST_NS ADDRESS]...     ADDRESS without prefix length (/24)
#
# The caller owns the names (a per-run prefix) and deletes the namespaces, even on failure.
lan_up() {
  local lan=$1 ns addr
  shift
  ip netns add "$lan"
  ip -n "$lan" link add br0 type bridge
  ip -n "$lan" link set br0 up
  while [ $# -ge 2 ]; do
    ns=$1 addr=$2
    shift 2
    ip netns add "$ns"
    ip -n "$lan" link add "v-${ns##*-}" type veth peer name enp0s3 netns "$ns"
    ip -n "$lan" link set "v-${ns##*-}" master br0 up
    ip -n "$ns" link set lo up
    ip -n "$ns" addr add "$addr/24" dev enp0s3
    ip -n "$ns" link set enp0s3 up
  done
}

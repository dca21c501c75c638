# keepalived's side of the lab's comparisons (lab/floor/floor.sh, lab/idle-cost.sh): one VRRPv3
# unicast instance holding the tutorial's VIP, written to stdout. Needs ADDR (lan.sh).
# shellcheck shell=bash

keepalived_conf() { # node, priority, peer, advert_int seconds
  cat <<EOF
global_defs {
  router_id $1
  vrrp_version 3
  script_user root
  enable_script_security
}
vrrp_instance gateway {
  state BACKUP
  interface enp0s3
  virtual_router_id 51
  priority $2
  advert_int $4
  unicast_src_ip ${ADDR[$1]}
  unicast_peer {
    $3
  }
  virtual_ipaddress {
    192.168.200.10/24 dev enp0s3 label enp0s3:0
  }
}
EOF
}

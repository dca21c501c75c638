package dev.relais.agent.dataplane;

/** Something the kernel reported on its own: link changes and VIPs that vanished. */
public sealed interface DataplaneEvent {
  /** A tracked interface changed state (UP needs both IFF_UP and carrier, IFF_LOWER_UP). */
  record LinkChanged(String device, LinkState state) implements DataplaneEvent {}

  /**
   * A VIP this data plane holds was removed by someone else, or its lifetime ran out. The data
   * plane forgets it (no more refreshes); the runtime decides whether to install it again.
   */
  record VipRemoved(VirtualIp vip) implements DataplaneEvent {}
}

package dev.relais.agent.dataplane;

/** An interface as last seen by netlink. */
record Device(String name, int index, byte[] mac, LinkState state) {
  static Device of(NetlinkMessages.LinkEntry link) {
    return new Device(link.name(), link.index(), link.mac(), link.state());
  }
}

package dev.relais.agent.runtime;

/** Where a runtime sends its heartbeats, one path at a time: UDP sockets, or memory in warm-up. */
interface PathSender extends AutoCloseable {
  void send(int path, byte[] data, int length);

  /**
   * Whether the peers' datagrams may wait in the kernel's queues until {@link #drain} (see {@link
   * dev.relais.agent.transport.UdpTransport#deferReads}); where a socket cannot, it is read as
   * datagrams come. On the event loop.
   */
  default void deferReads(boolean defer) {}

  /** Hands what waited on deferred sockets to the receiver. On the event loop. */
  default void drain() {}

  @Override
  void close();
}

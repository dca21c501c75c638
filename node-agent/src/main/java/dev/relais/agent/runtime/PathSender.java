package dev.relais.agent.runtime;

/** Where a runtime sends its heartbeats, one path at a time: UDP sockets, or memory in warm-up. */
interface PathSender extends AutoCloseable {
  void send(int path, byte[] data, int length);

  @Override
  void close();
}

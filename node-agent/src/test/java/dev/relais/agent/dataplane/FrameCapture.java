package dev.relais.agent.dataplane;

import dev.relais.agent.dataplane.ffm.ErrnoException;
import dev.relais.agent.dataplane.ffm.NativeSocket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A packet socket on a peer's interface that sees frames as they arrive (test and benchmark side).
 * Open it on a namespace thread; read from any single thread.
 */
final class FrameCapture implements AutoCloseable {
  /** A frame and when it was read ({@link System#nanoTime()}). */
  record Frame(byte[] bytes, long receivedNanos) {
    ByteBuffer buffer() {
      return ByteBuffer.wrap(bytes);
    }

    int arpOperation() {
      return buffer().getShort(20) & 0xFFFF;
    }

    byte[] slice(int at, int length) {
      byte[] out = new byte[length];
      System.arraycopy(bytes, at, out, 0, length);
      return out;
    }
  }

  /** Every protocol, outgoing frames included (only ETH_P_ALL taps see those). */
  static final int ETH_P_ALL = 0x0003;

  private final NativeSocket socket;

  private FrameCapture(NativeSocket socket) {
    this.socket = socket;
  }

  static FrameCapture open(int ethertype, int ifindex) throws ErrnoException {
    NativeSocket socket = NativeSocket.open(NativeSocket.AF_PACKET, NativeSocket.SOCK_RAW, 0);
    socket.bind(PacketAddress.link(ethertype, ifindex, new byte[6]));
    return new FrameCapture(socket);
  }

  /** The next frame, or null if none arrives within {@code timeout}. */
  Frame next(Duration timeout) throws ErrnoException {
    socket.setReceiveTimeout(timeout);
    ByteBuffer buffer = ByteBuffer.allocate(2048);
    if (socket.receive(buffer) < 0) {
      return null;
    }
    long now = System.nanoTime();
    byte[] bytes = new byte[buffer.position()];
    buffer.flip().get(bytes);
    return new Frame(bytes, now);
  }

  /** Every frame that arrives within {@code window}. */
  List<Frame> collect(Duration window) throws ErrnoException {
    List<Frame> frames = new ArrayList<>();
    long deadline = System.nanoTime() + window.toNanos();
    for (long left = window.toNanos(); left > 0; left = deadline - System.nanoTime()) {
      Frame frame = next(Duration.ofNanos(left));
      if (frame == null) {
        break;
      }
      frames.add(frame);
    }
    return frames;
  }

  @Override
  public void close() {
    socket.close();
  }
}

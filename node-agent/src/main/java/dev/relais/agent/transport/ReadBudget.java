package dev.relais.agent.transport;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.ReferenceCountUtil;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads at most so many datagrams per 10 ms window from one socket; past that the socket is not
 * read until the window ends, so a flood is dropped by the kernel at its full receive queue and
 * costs the event loop nothing (a forged heartbeat that reaches the codec costs a full HMAC: about
 * 20 µs for 1,232 bytes under C1, docs/benchmarks.md "Flood"). Meant for sockets peers' heartbeats
 * do not depend on, beside the peers' own connected sockets. Event-loop confined; the windows run
 * on netty's scheduler, so no clock is read here.
 */
final class ReadBudget extends ChannelInboundHandlerAdapter {
  private static final Logger LOG = LoggerFactory.getLogger(ReadBudget.class);
  static final long WINDOW_MILLIS = 10;
  // A WARN at the first exhausted window, then at most one per 1,000 exhausted windows.
  static final long WARN_EVERY_WINDOWS = 1000;

  private final int perWindow;
  private int reads;
  private boolean windowOpen;
  private long exhaustedWindows;
  private long exhaustedAtLastWarning = -WARN_EVERY_WINDOWS;

  ReadBudget(int readsPerSecond) {
    this.perWindow = Math.max(1, (int) (readsPerSecond * WINDOW_MILLIS / 1000));
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (!windowOpen) {
      windowOpen = true;
      ctx.executor().schedule(() -> endWindow(ctx), WINDOW_MILLIS, TimeUnit.MILLISECONDS);
    }
    if (++reads <= perWindow) {
      ctx.fireChannelRead(msg);
      return;
    }
    ReferenceCountUtil.release(msg);
    if (ctx.channel().config().isAutoRead()) {
      ctx.channel().config().setAutoRead(false);
      exhausted(ctx);
    }
  }

  private void exhausted(ChannelHandlerContext ctx) {
    exhaustedWindows++;
    if (exhaustedWindows - exhaustedAtLastWarning >= WARN_EVERY_WINDOWS) {
      LOG.warn(
          "heartbeat socket {} receives more than {} datagrams a second from hosts that are no"
              + " peer's heartbeat address (a flood?): the rest are left to the kernel to drop;"
              + " peers' heartbeats have sockets of their own ({} windows of 10 ms cut so far)",
          ctx.channel().localAddress(),
          perWindow * (1000 / WINDOW_MILLIS),
          exhaustedWindows);
      exhaustedAtLastWarning = exhaustedWindows;
    }
  }

  private void endWindow(ChannelHandlerContext ctx) {
    windowOpen = false;
    reads = 0;
    if (ctx.channel().isOpen() && !ctx.channel().config().isAutoRead()) {
      ctx.channel().config().setAutoRead(true);
    }
  }

  /** Windows in which the budget ran out, for tests. */
  long exhaustedWindows() {
    return exhaustedWindows;
  }
}

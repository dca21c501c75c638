package dev.relais.agent.observe;

import dev.relais.agent.transport.EventLoops;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.timeout.WriteTimeoutHandler;
import io.netty.util.concurrent.ScheduledFuture;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * /metrics (Prometheus), /healthz and /readyz, on a netty loop of their own: off the heartbeat loop
 * (a scrape never delays a heartbeat) and asleep between requests. The JDK's HTTP server woke three
 * times a second at rest (its dispatcher's 1 s select and two 1 s timers), the largest fixed cost
 * of an idle agent after the heartbeat loop; here a timer exists only while a connection is open.
 * Connections are non-blocking, so a client that sends half a request holds no probe.
 */
public final class HttpEndpoints implements AutoCloseable {
  /**
   * How long a connection may take to deliver a whole request, counted from its opening or from the
   * previous response: a probe or a scrape sends it in one packet, and a connection stalled past
   * this (or idle between requests) is closed, so stalled clients cannot pile up sockets.
   */
  static final long MAX_REQUEST_SECONDS = 5;

  /** How long a response may take to be written to a client that does not read. */
  static final long MAX_RESPONSE_SECONDS = 10;

  /** Requests are GETs: a line and headers, no body worth reading. */
  private static final int MAX_LINE = 4096;

  private static final int MAX_HEADERS = 8192;
  private static final int MAX_BODY = 8192;

  private final EventLoopGroup loop;
  private final Channel listener;

  private HttpEndpoints(EventLoopGroup loop, Channel listener) {
    this.loop = loop;
    this.listener = listener;
  }

  public static HttpEndpoints start(
      InetSocketAddress address,
      Supplier<String> metrics,
      BooleanSupplier healthy,
      BooleanSupplier ready)
      throws IOException {
    EventLoopGroup loop = EventLoops.single("relais-http");
    Routes routes = new Routes(metrics, healthy, ready);
    ServerBootstrap bootstrap =
        new ServerBootstrap()
            .group(loop)
            .channel(EventLoops.serverSocketChannel())
            .option(ChannelOption.SO_BACKLOG, 16)
            .option(ChannelOption.SO_REUSEADDR, true)
            .childHandler(
                new ChannelInitializer<SocketChannel>() {
                  @Override
                  protected void initChannel(SocketChannel ch) {
                    ch.pipeline()
                        .addLast(new HttpServerCodec(MAX_LINE, MAX_HEADERS, MAX_BODY))
                        .addLast(new HttpObjectAggregator(MAX_BODY))
                        .addLast(new WriteTimeoutHandler(MAX_RESPONSE_SECONDS, TimeUnit.SECONDS))
                        .addLast(new Exchange(routes));
                  }
                });
    try {
      Channel listener = bootstrap.bind(address).syncUninterruptibly().channel();
      return new HttpEndpoints(loop, listener);
    } catch (RuntimeException e) {
      loop.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS);
      throw new IOException("cannot listen on " + address + ": " + e.getMessage(), e);
    }
  }

  public InetSocketAddress address() {
    return (InetSocketAddress) listener.localAddress();
  }

  private record Routes(Supplier<String> metrics, BooleanSupplier healthy, BooleanSupplier ready) {
    FullHttpResponse answer(FullHttpRequest request) {
      if (!request.decoderResult().isSuccess()) {
        return text(HttpResponseStatus.BAD_REQUEST, "text/plain", "bad request\n");
      }
      HttpMethod method = request.method();
      if (!method.equals(HttpMethod.GET) && !method.equals(HttpMethod.HEAD)) {
        FullHttpResponse refused =
            text(HttpResponseStatus.METHOD_NOT_ALLOWED, "text/plain", "GET or HEAD only\n");
        refused.headers().set(HttpHeaderNames.ALLOW, "GET, HEAD");
        return refused;
      }
      return switch (new QueryStringDecoder(request.uri()).path()) {
        case "/metrics" -> text(HttpResponseStatus.OK, "text/plain; version=0.0.4", metrics.get());
        case "/healthz" -> probe(healthy.getAsBoolean());
        case "/readyz" -> probe(ready.getAsBoolean());
        default -> text(HttpResponseStatus.NOT_FOUND, "text/plain", "not found\n");
      };
    }

    private static FullHttpResponse probe(boolean ok) {
      return ok
          ? text(HttpResponseStatus.OK, "text/plain", "ok\n")
          : text(HttpResponseStatus.SERVICE_UNAVAILABLE, "text/plain", "not ok\n");
    }

    private static FullHttpResponse text(HttpResponseStatus status, String type, String body) {
      ByteBuf bytes = Unpooled.copiedBuffer(body, StandardCharsets.UTF_8);
      FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, bytes);
      response.headers().set(HttpHeaderNames.CONTENT_TYPE, type);
      HttpUtil.setContentLength(response, bytes.readableBytes());
      return response;
    }
  }

  /** One connection: each request must arrive whole within the time limit. */
  private static final class Exchange extends SimpleChannelInboundHandler<FullHttpRequest> {
    private final Routes routes;
    private ScheduledFuture<?> deadline;

    Exchange(Routes routes) {
      this.routes = routes;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
      armDeadline(ctx);
      ctx.fireChannelActive();
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
      if (deadline != null) deadline.cancel(false);
      FullHttpResponse response = routes.answer(request);
      boolean keepAlive = HttpUtil.isKeepAlive(request) && request.decoderResult().isSuccess();
      if (request.method().equals(HttpMethod.HEAD)) response.content().clear();
      if (keepAlive) {
        response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
        ctx.writeAndFlush(response)
            .addListener(ChannelFutureListener.CLOSE_ON_FAILURE)
            .addListener(f -> armDeadline(ctx));
      } else {
        response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
      }
    }

    private void armDeadline(ChannelHandlerContext ctx) {
      deadline = ctx.executor().schedule(() -> ctx.close(), MAX_REQUEST_SECONDS, TimeUnit.SECONDS);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
      if (deadline != null) deadline.cancel(false);
      ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      ctx.close(); // a reset peer or a write time-out: nothing to answer
    }
  }

  @Override
  public void close() {
    listener.close().syncUninterruptibly();
    // Closes every connection, stalled ones included.
    loop.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
  }
}

package dev.relais.agent.observe;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * /metrics (Prometheus), /healthz and /readyz, on the JDK's own HTTP server. Each exchange runs on
 * its own virtual thread: the server reads a request on the executor's thread, so with one thread a
 * client that sent half a request line held every probe until it hung up, and a liveness probe
 * failing that way gets the agent restarted by anyone who can reach the port.
 */
public final class HttpEndpoints implements AutoCloseable {
  /**
   * How long the JDK server waits for a request's line and headers (sun.net.httpserver.maxReqTime,
   * default forever): a probe or a scrape sends them in one packet, and a connection stalled past
   * this is closed, so stalled clients cannot pile up sockets and threads. A connection that sends
   * nothing at all is closed after the same time (the server takes the smaller of this and
   * sun.net.httpserver.idleInterval, 30 s, checked every 10 s).
   */
  static final long MAX_REQUEST_SECONDS = 5;

  /** How long a response may take to be sent (sun.net.httpserver.maxRspTime, default forever). */
  static final long MAX_RESPONSE_SECONDS = 10;

  // jdk.httpserver.maxConnections stays unlimited: at the limit the server drops new
  // connections, probes included, which is the outage this class avoids.

  private final HttpServer server;
  private final ExecutorService executor;

  private HttpEndpoints(HttpServer server, ExecutorService executor) {
    this.server = server;
    this.executor = executor;
  }

  public static HttpEndpoints start(
      InetSocketAddress address,
      Supplier<String> metrics,
      BooleanSupplier healthy,
      BooleanSupplier ready)
      throws IOException {
    limitRequestTimes();
    HttpServer server = HttpServer.create(address, 16);
    ExecutorService executor =
        Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("relais-http-", 0).factory());
    server.setExecutor(executor);
    server.createContext(
        "/metrics", getOnly(ex -> reply(ex, 200, "text/plain; version=0.0.4", metrics.get())));
    server.createContext("/healthz", getOnly(ex -> probe(ex, healthy.getAsBoolean())));
    server.createContext("/readyz", getOnly(ex -> probe(ex, ready.getAsBoolean())));
    server.start();
    return new HttpEndpoints(server, executor);
  }

  /**
   * The JDK server reads these system properties once, when its first instance is created, and only
   * as properties; -D on the command line still wins. Set before the first start, which in the
   * agent is the only HTTP server of the JVM.
   */
  private static void limitRequestTimes() {
    setIfAbsent("sun.net.httpserver.maxReqTime", MAX_REQUEST_SECONDS);
    setIfAbsent("sun.net.httpserver.maxRspTime", MAX_RESPONSE_SECONDS);
  }

  private static void setIfAbsent(String property, long seconds) {
    if (System.getProperty(property) == null) System.setProperty(property, Long.toString(seconds));
  }

  public InetSocketAddress address() {
    return server.getAddress();
  }

  /** Read-only endpoints: any method but GET (and HEAD, which the server maps to it) is a 405. */
  private static HttpHandler getOnly(HttpHandler handler) {
    return ex -> {
      String method = ex.getRequestMethod();
      if (method.equals("GET") || method.equals("HEAD")) {
        handler.handle(ex);
        return;
      }
      ex.getResponseHeaders().set("Allow", "GET, HEAD");
      ex.sendResponseHeaders(405, -1);
      ex.close();
    };
  }

  private static void probe(HttpExchange ex, boolean ok) throws IOException {
    reply(ex, ok ? 200 : 503, "text/plain", ok ? "ok\n" : "not ok\n");
  }

  private static void reply(HttpExchange ex, int status, String type, String body)
      throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    ex.getResponseHeaders().set("Content-Type", type);
    ex.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = ex.getResponseBody()) {
      out.write(bytes);
    }
  }

  @Override
  public void close() {
    server.stop(0); // closes every connection, stalled ones included
    executor.shutdownNow();
  }
}

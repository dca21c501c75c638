package dev.relais.operator.observe;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Executors;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * /healthz, /readyz and /metrics of the operator. A virtual thread per exchange, so one stalled
 * connection cannot hold the probes back (a failed liveness probe restarts the operator).
 */
public final class OperatorEndpoints implements AutoCloseable {
  private final HttpServer server;

  private OperatorEndpoints(HttpServer server) {
    this.server = server;
  }

  public static OperatorEndpoints start(
      InetSocketAddress address,
      Supplier<String> metrics,
      BooleanSupplier healthy,
      BooleanSupplier ready)
      throws IOException {
    HttpServer server = HttpServer.create(address, 64);
    server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
    server.createContext(
        "/metrics", ex -> reply(ex, 200, "text/plain; version=0.0.4", metrics.get()));
    server.createContext("/healthz", ex -> probe(ex, healthy.getAsBoolean()));
    server.createContext("/readyz", ex -> probe(ex, ready.getAsBoolean()));
    server.start();
    return new OperatorEndpoints(server);
  }

  public InetSocketAddress address() {
    return server.getAddress();
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
    server.stop(0);
  }
}

package dev.relais.agent.observe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The endpoints on a real socket: clients that stall, methods, keep-alive. */
class HttpEndpointsTest {
  // Loose: an answer takes milliseconds; before the fix it never came while a client stalled.
  private static final Duration ANSWERS = Duration.ofSeconds(2);

  private HttpEndpoints http;
  private final List<Socket> stalled = new ArrayList<>();

  @BeforeEach
  void start() throws IOException {
    http =
        HttpEndpoints.start(
            new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
            () -> "relais_vip_held 1\n",
            () -> true,
            () -> false);
  }

  @AfterEach
  void stop() throws IOException {
    for (Socket s : stalled) s.close();
    http.close();
  }

  /** Connects and sends {@code text}, then nothing more. */
  private Socket stall(String text) throws IOException {
    Socket s = new Socket();
    stalled.add(s);
    s.connect(http.address());
    s.getOutputStream().write(text.getBytes(StandardCharsets.US_ASCII));
    s.getOutputStream().flush();
    return s;
  }

  /** One request on its own connection; the whole response as text. */
  private String get(String path) {
    return assertTimeoutPreemptively(
        ANSWERS,
        () -> {
          try (Socket s = new Socket()) {
            s.connect(http.address());
            s.setSoTimeout((int) ANSWERS.toMillis());
            s.getOutputStream()
                .write(
                    ("GET " + path + " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
                        .getBytes(StandardCharsets.US_ASCII));
            return new String(s.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
          }
        });
  }

  @Test
  void clientsThatSendHalfARequestOrNothingDoNotHoldTheProbes() throws IOException {
    // Many, so that some reach the server's executor before the probes do.
    for (int i = 0; i < 20; i++) {
      stall("");
      stall("GET /healthz HT");
      stall("GET /metrics HTTP/1.1\r\nHost: local");
    }

    assertThat(get("/healthz")).startsWith("HTTP/1.1 200").endsWith("\r\n\r\nok\n");
    assertThat(get("/readyz")).startsWith("HTTP/1.1 503").endsWith("\r\n\r\nnot ok\n");
    assertThat(get("/metrics")).startsWith("HTTP/1.1 200").endsWith("relais_vip_held 1\n");
  }

  @Test
  void aConnectionStalledMidRequestIsClosedAfterTheRequestTimeLimit() throws IOException {
    Socket s = stall("GET /healthz HT");
    // a margin for a loaded machine
    s.setSoTimeout((int) ((HttpEndpoints.MAX_REQUEST_SECONDS + 5) * 1000));
    long start = System.nanoTime();

    int read;
    try (InputStream in = s.getInputStream()) {
      read = in.read();
    } catch (SocketException reset) {
      read = -1;
    }

    assertThat(read).isEqualTo(-1);
    assertThat(Duration.ofNanos(System.nanoTime() - start))
        .isGreaterThanOrEqualTo(Duration.ofSeconds(HttpEndpoints.MAX_REQUEST_SECONDS - 1));
  }

  @Test
  void healthzAnswersWhileAHundredConnectionsHangAndTheServerClosesEveryOneOfThem()
      throws Exception {
    List<Socket> hanging = new ArrayList<>();
    for (int i = 0; i < 100; i++) {
      hanging.add(i % 2 == 0 ? stall("GET /healthz HTTP/1.1\r\nHost: x") : stall("G"));
    }
    long start = System.nanoTime();
    assertThat(get("/healthz")).startsWith("HTTP/1.1 200");
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(3));
    // Every hanging connection is closed by the server's request time limit, none by us.
    long limitMillis = (HttpEndpoints.MAX_REQUEST_SECONDS + 5) * 1000;
    for (Socket s : hanging) {
      s.setSoTimeout((int) limitMillis);
      int read;
      try {
        read = s.getInputStream().read();
      } catch (SocketException reset) {
        read = -1;
      }
      assertThat(read).isEqualTo(-1);
    }
    assertThat(Duration.ofNanos(System.nanoTime() - start))
        .isLessThan(Duration.ofMillis(limitMillis + 5_000));
  }

  @Test
  void onlyGetAndHeadAreServed() throws IOException {
    for (String method : List.of("POST", "PUT", "DELETE")) {
      try (Socket s = new Socket()) {
        s.connect(http.address());
        s.setSoTimeout((int) ANSWERS.toMillis());
        s.getOutputStream()
            .write(
                (method
                        + " /healthz HTTP/1.1\r\nHost: localhost\r\nContent-Length: 0\r\n"
                        + "Connection: close\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
        String response = new String(s.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
        assertThat(response).startsWith("HTTP/1.1 405").containsIgnoringCase("Allow: GET, HEAD");
      }
    }
    assertThat(get("/healthz")).startsWith("HTTP/1.1 200");
  }

  @Test
  void headAnswersWithHeadersOnlyAndAnUnknownPathIsA404() throws IOException {
    try (Socket s = new Socket()) {
      s.connect(http.address());
      s.setSoTimeout((int) ANSWERS.toMillis());
      s.getOutputStream()
          .write(
              "HEAD /metrics HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"
                  .getBytes(StandardCharsets.US_ASCII));
      String response = new String(s.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
      assertThat(response)
          .startsWith("HTTP/1.1 200")
          .containsIgnoringCase("content-length: " + "relais_vip_held 1\n".length())
          .endsWith("\r\n\r\n");
    }
    assertThat(get("/nothing")).startsWith("HTTP/1.1 404");
    assertThat(get("/healthz?verbose=1")).startsWith("HTTP/1.1 200");
  }

  @Test
  void aKeptAliveConnectionServesRequestsOneAfterAnother() throws IOException {
    try (Socket s = new Socket()) {
      s.connect(http.address());
      s.setSoTimeout((int) ANSWERS.toMillis());
      var in = new java.io.BufferedReader(new java.io.InputStreamReader(s.getInputStream()));
      for (String path : List.of("/healthz", "/readyz", "/metrics")) {
        s.getOutputStream()
            .write(
                ("GET " + path + " HTTP/1.1\r\nHost: localhost\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
        String status = in.readLine();
        assertThat(status).startsWith(path.equals("/readyz") ? "HTTP/1.1 503" : "HTTP/1.1 200");
        int length = 0;
        for (String line = in.readLine(); !line.isEmpty(); line = in.readLine()) {
          if (line.toLowerCase(java.util.Locale.ROOT).startsWith("content-length:")) {
            length = Integer.parseInt(line.substring("content-length:".length()).trim());
          }
        }
        char[] body = new char[length];
        assertThat(in.read(body, 0, length)).isEqualTo(length);
      }
    }
  }
}

package dev.relais.lab.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import java.net.InetAddress;
import java.time.Clock;
import java.util.HashMap;

/** The embedded API: fabric8's CRUD mock behind {@link KubectlDispatcher}, over plain HTTP. */
public final class LabApi {
  // The mock logs every request through java.util.logging; a strong reference keeps the level.
  private static final java.util.logging.Logger QUIET =
      java.util.logging.Logger.getLogger("io.fabric8.mockwebserver");

  private LabApi() {}

  /** Serving on {@code address}:{@code port} (0: any free port); stop with {@code destroy()}. */
  public static KubernetesMockServer start(InetAddress address, int port) {
    QUIET.setLevel(java.util.logging.Level.WARNING);
    ObjectMapper json = new ObjectMapper();
    KubernetesMockServer api =
        new KubernetesMockServer(
            new Context(json),
            new MockWebServer(),
            new HashMap<>(),
            new KubectlDispatcher(json, Clock.systemUTC()),
            false);
    api.init(address, port);
    return api;
  }

  /** A kubeconfig naming {@code url}, without credentials (the embedded API checks none). */
  public static String kubeconfig(String url) {
    return """
        apiVersion: v1
        kind: Config
        clusters:
          - name: relais-lab
            cluster:
              server: %s
        users:
          - name: relais-lab
            user: {}
        contexts:
          - name: relais-lab
            context:
              cluster: relais-lab
              user: relais-lab
              namespace: default
        current-context: relais-lab
        """
        .formatted(url);
  }
}

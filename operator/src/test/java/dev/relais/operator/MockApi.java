package dev.relais.operator;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * fabric8's mock API server in CRUD mode with our CRDs applied, counting writes by resource so
 * tests and the scale benchmark can say how many requests the operator made.
 */
public final class MockApi implements AutoCloseable {
  private static final String RULES_REVIEW =
      "{\"apiVersion\":\"authorization.k8s.io/v1\",\"kind\":\"SelfSubjectRulesReview\","
          + "\"status\":{\"incomplete\":false,\"resourceRules\":[{\"verbs\":[\"*\"],"
          + "\"apiGroups\":[\"*\"],\"resources\":[\"*\"]}]}}";

  // The mock logs every request through java.util.logging; a strong reference keeps the level.
  private static final java.util.logging.Logger QUIET =
      java.util.logging.Logger.getLogger("io.fabric8.mockwebserver");

  static {
    QUIET.setLevel(java.util.logging.Level.WARNING);
  }

  private final KubernetesMockServer server;
  private final KubernetesClient client;
  private final Map<String, AtomicLong> writes = new ConcurrentHashMap<>();

  public MockApi() {
    KubernetesCrudDispatcher dispatcher =
        new KubernetesCrudDispatcher(List.of()) {
          @Override
          public MockResponse dispatch(RecordedRequest request) {
            String method = request.getMethod();
            if (!"GET".equals(method)) {
              String path = request.getPath().replaceAll("\\?.*", "");
              String resource =
                  path.replaceAll(".*/namespaces/[^/]+/", "").replaceAll("/.*", "")
                      + (path.endsWith("/status") ? "/status" : "");
              writes
                  .computeIfAbsent(method + " " + resource, k -> new AtomicLong())
                  .incrementAndGet();
            }
            if (request.getPath().contains("/selfsubjectrulesreviews")) {
              // JOSDK asks before leader election whether it may use Leases; the mock cannot review
              // rules (a real server answers from RBAC), so it answers "everything" here.
              return new MockResponse().setResponseCode(201).setBody(RULES_REVIEW);
            }
            return super.dispatch(request);
          }
        };
    server =
        new KubernetesMockServer(
            new Context(new ObjectMapper()),
            new MockWebServer(),
            new HashMap<>(),
            dispatcher,
            false);
    server.init();
    client = server.createClient();
    crd("routerclusters.relais.dev-v1.yml");
    crd("routernodestates.relais.dev-v1.yml");
  }

  private void crd(String file) {
    try (InputStream in = MockApi.class.getResourceAsStream("/META-INF/fabric8/" + file)) {
      client
          .resource(
              client.getKubernetesSerialization().unmarshal(in, CustomResourceDefinition.class))
          .create();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public KubernetesClient client() {
    return client;
  }

  /** Writes so far, by "METHOD resource[/status]". */
  public Map<String, Long> writes() {
    Map<String, Long> out = new java.util.TreeMap<>();
    writes.forEach((k, v) -> out.put(k, v.get()));
    return out;
  }

  @Override
  public void close() {
    client.close();
    server.destroy();
  }
}

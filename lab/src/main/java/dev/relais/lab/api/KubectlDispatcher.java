package dev.relais.lab.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.mockwebserver.http.Buffer;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;

/**
 * fabric8's CRUD mock with what a real {@code kubectl} needs (java-stack.md §4): discovery, the
 * server-side Table, 404 for OpenAPI (so {@code --validate=false} is the only thing kubectl needs),
 * and the status subresource honoured when a write carries a query string (the mock otherwise
 * treats {@code .../status?fieldManager=kubectl} as a write of the whole object). Everything else
 * (storage, watches, JSON Patch, its merge-patch quirk) is the mock's own.
 */
final class KubectlDispatcher extends KubernetesCrudDispatcher {
  static final String VERSION =
      "{\"major\":\"1\",\"minor\":\"32\",\"gitVersion\":\"v1.32.0-relais-lab\","
          + "\"platform\":\"linux/amd64\",\"goVersion\":\"go1.23\",\"compiler\":\"gc\"}";
  private static final java.util.regex.Pattern SECRETS =
      java.util.regex.Pattern.compile("/api/v1/namespaces/[^/]+/secrets(/[^/]+)?");
  private static final String CRDS = "/apis/apiextensions.k8s.io/v1/customresourcedefinitions";

  private final ObjectMapper json;
  private final ApiDiscovery discovery;
  private final ServerTables tables;

  KubectlDispatcher(ObjectMapper json, Clock clock) {
    super(List.of());
    this.json = json;
    this.discovery = new ApiDiscovery(json);
    this.tables = new ServerTables(json, clock);
  }

  @Override
  public MockResponse dispatch(RecordedRequest request) {
    String full = request.getPath();
    int q = full.indexOf('?');
    String path = q < 0 ? full : full.substring(0, q);
    String query = q < 0 ? "" : full.substring(q + 1);
    String method = request.getMethod();
    boolean watch = query.matches("(.*&)?watch=(true|1)(&.*)?");
    if ("GET".equals(method) && !watch) {
      if (path.equals("/version") || path.equals("/version/")) return ok(VERSION);
      if (path.startsWith("/openapi/")) return status(404, "NotFound", "no OpenAPI documents");
      Optional<JsonNode> doc = discovery.answer(path, crds());
      if (doc.isPresent()) return ok(doc.get().toString());
    }
    if (("PATCH".equals(method) || "PUT".equals(method)) && path.endsWith("/status") && q >= 0) {
      request =
          new RecordedRequest(
              request.getHttpVersion(),
              request.method(),
              path,
              request.getHeaders(),
              request.getBody());
    }
    if (("POST".equals(method) || "PUT".equals(method)) && SECRETS.matcher(path).matches()) {
      request = withStringDataMerged(request, path);
    }
    MockResponse response = super.dispatch(request);
    String accept = request.getHeader("Accept");
    if ("GET".equals(method)
        && !watch
        && accept != null
        && accept.contains("as=Table")
        && response.code() == 200) {
      Optional<ServerTables.Target> target = ServerTables.Target.of(path);
      if (target.isPresent()) {
        try {
          JsonNode body = json.readTree(response.getBody().readUtf8());
          return ok(tables
                  .table(target.get(), body, crds(), parameter(query, "includeObject"))
                  .toString())
              .setHeader("Content-Type", "application/json;as=Table;v=v1;g=meta.k8s.io");
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      }
    }
    return response;
  }

  /**
   * A Secret's stringData written into data, as kube-apiserver does on every write (the mock stores
   * stringData as sent, so {@code kubectl get secret} would count no data).
   */
  private RecordedRequest withStringDataMerged(RecordedRequest request, String path) {
    try {
      JsonNode body = json.readTree(request.getBody().readUtf8());
      if (body instanceof ObjectNode secret
          && secret.get("stringData") instanceof ObjectNode strings) {
        ObjectNode data = secret.get("data") instanceof ObjectNode d ? d : secret.putObject("data");
        strings
            .properties()
            .forEach(
                e ->
                    data.put(
                        e.getKey(),
                        Base64.getEncoder()
                            .encodeToString(
                                e.getValue().asText().getBytes(StandardCharsets.UTF_8))));
        secret.remove("stringData");
      }
      return new RecordedRequest(
          request.getHttpVersion(),
          request.method(),
          request.getPath(),
          request.getHeaders(),
          new Buffer(json.writeValueAsBytes(body)));
    } catch (IOException e) {
      throw new UncheckedIOException(path + ": " + e.getMessage(), e);
    }
  }

  /** The CRDs stored so far (their names, groups, versions and printer columns). */
  private List<JsonNode> crds() {
    MockResponse r = handleGet(CRDS);
    List<JsonNode> out = new ArrayList<>();
    if (r.code() != 200) return out;
    try {
      json.readTree(r.getBody().readUtf8()).path("items").forEach(out::add);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out;
  }

  private static String parameter(String query, String name) {
    for (String kv : query.split("&")) {
      int eq = kv.indexOf('=');
      if (eq > 0 && kv.substring(0, eq).equals(name)) {
        return URLDecoder.decode(kv.substring(eq + 1), StandardCharsets.UTF_8);
      }
    }
    return null;
  }

  private static MockResponse ok(String body) {
    return new MockResponse()
        .setResponseCode(200)
        .setHeader("Content-Type", "application/json")
        .setBody(body);
  }

  private static MockResponse status(int code, String reason, String message) {
    return new MockResponse()
        .setResponseCode(code)
        .setHeader("Content-Type", "application/json")
        .setBody(
            "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"status\":\"Failure\",\"reason\":\""
                + reason
                + "\",\"message\":\""
                + message
                + "\",\"code\":"
                + code
                + "}");
  }
}

package dev.relais.lab.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** What a real kubectl asks of the embedded API, over HTTP as kubectl sends it. */
class KubectlDispatcherTest {
  static final String TABLE =
      "application/json;as=Table;v=v1;g=meta.k8s.io,application/json;as=Table;v=v1beta1;"
          + "g=meta.k8s.io,application/json";
  static final String RTC = "/apis/relais.dev/v1alpha1/namespaces/default/routerclusters";

  final ObjectMapper json = new ObjectMapper();
  final HttpClient http = HttpClient.newHttpClient();
  KubernetesMockServer api;
  String base;

  @BeforeEach
  void start() throws Exception {
    api = LabApi.start(InetAddress.getLoopbackAddress(), 0);
    base = "http://127.0.0.1:" + api.getPort();
    for (String crd : List.of("routerclusters", "routernodestates")) {
      try (InputStream in =
          getClass().getResourceAsStream("/META-INF/fabric8/" + crd + ".relais.dev-v1.yml")) {
        JsonNode body =
            new ObjectMapper(new com.fasterxml.jackson.dataformat.yaml.YAMLFactory()).readTree(in);
        send("POST", "/apis/apiextensions.k8s.io/v1/customresourcedefinitions", body.toString());
      }
    }
  }

  @AfterEach
  void stop() {
    api.destroy();
  }

  HttpResponse<String> send(String method, String path, String body) throws Exception {
    return send(method, path, body, "application/json", "application/json");
  }

  HttpResponse<String> send(String method, String path, String body, String type, String accept)
      throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(base + path)).header("Accept", accept);
    b.method(
        method,
        body == null
            ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
    if (body != null) b.header("Content-Type", type);
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  JsonNode get(String path, String accept) throws Exception {
    HttpResponse<String> r = send("GET", path, null, "application/json", accept);
    assertThat(r.statusCode()).as(path + ": " + r.body()).isEqualTo(200);
    return json.readTree(r.body());
  }

  void createCluster() throws Exception {
    String rc =
        """
        {"apiVersion":"relais.dev/v1alpha1","kind":"RouterCluster",
         "metadata":{"name":"tutorial","namespace":"default"},
         "spec":{"nodes":[{"name":"maitre","addresses":["192.168.200.11"]}]}}
        """;
    assertThat(send("POST", RTC, rc).statusCode()).isEqualTo(201);
  }

  static List<String> texts(JsonNode array, String field) {
    List<String> out = new ArrayList<>();
    array.forEach(n -> out.add(field == null ? n.asText() : n.path(field).asText()));
    return out;
  }

  @Test
  void discoveryListsTheBuiltInsAndEveryAppliedCrdWithShortNamesAndStatus() throws Exception {
    assertThat(get("/version", "application/json").path("gitVersion").asText()).startsWith("v1.32");
    assertThat(texts(get("/api", "application/json").path("versions"), null)).containsExactly("v1");
    assertThat(texts(get("/apis", "application/json").path("groups"), "name"))
        .contains("apiextensions.k8s.io", "coordination.k8s.io", "relais.dev");
    JsonNode relais = get("/apis/relais.dev/v1alpha1", "application/json");
    assertThat(texts(relais.path("resources"), "name"))
        .containsExactlyInAnyOrder(
            "routerclusters",
            "routerclusters/status",
            "routernodestates",
            "routernodestates/status");
    JsonNode rtc = relais.path("resources").get(0);
    assertThat(texts(rtc.path("shortNames"), null)).containsExactly("rtc");
    assertThat(rtc.path("namespaced").asBoolean()).isTrue();
    assertThat(texts(get("/api/v1", "application/json").path("resources"), "name"))
        .contains("secrets", "events", "namespaces", "nodes");
    assertThat(send("GET", "/openapi/v2", null).statusCode()).isEqualTo(404);
  }

  @Test
  void aTableOfRouterClustersCarriesTheCrdsPrinterColumnsAndCells() throws Exception {
    createCluster();
    String status =
        """
        {"status":{"vip":"192.168.200.10/24","activeNode":"maitre",
          "conditions":[{"type":"Degraded","status":"False","reason":"AllNodesHealthy"},
                        {"type":"Ready","status":"True","reason":"OwnersElected"}]}}
        """;
    HttpResponse<String> patched =
        send(
            "PATCH",
            RTC + "/tutorial/status?fieldManager=kubectl-patch",
            status,
            "application/merge-patch+json",
            "application/json");
    assertThat(patched.statusCode()).isIn(200, 202);

    JsonNode table = get(RTC, TABLE);
    assertThat(table.path("kind").asText()).isEqualTo("Table");
    assertThat(texts(table.path("columnDefinitions"), "name"))
        .containsExactly("Name", "VIP", "ACTIVE", "READY", "REASON", "LAST FAILOVER", "AGE");
    JsonNode cells = table.path("rows").get(0).path("cells");
    assertThat(cells.get(0).asText()).isEqualTo("tutorial");
    assertThat(cells.get(1).asText()).isEqualTo("192.168.200.10/24");
    assertThat(cells.get(2).asText()).isEqualTo("maitre");
    assertThat(cells.get(3).asText()).isEqualTo("True");
    assertThat(cells.get(4).asText()).isEqualTo("OwnersElected");
    assertThat(cells.get(5).isNull()).as("no failover yet").isTrue();
    assertThat(cells.get(6).asText()).matches("\\d+s");
    assertThat(table.path("rows").get(0).path("object").path("kind").asText())
        .isEqualTo("PartialObjectMetadata");
    JsonNode one = get(RTC + "/tutorial?includeObject=Object", TABLE);
    assertThat(one.path("rows")).hasSize(1);
    assertThat(one.path("rows").get(0).path("object").path("spec").path("nodes")).hasSize(1);
  }

  @Test
  void aStatusWriteWithAQueryStringChangesOnlyTheStatus() throws Exception {
    createCluster();
    send(
        "PATCH",
        RTC + "/tutorial/status?fieldManager=kubectl-patch",
        "{\"status\":{\"activeNode\":\"esclave\"},\"spec\":{\"nodes\":[]}}",
        "application/merge-patch+json",
        "application/json");
    JsonNode stored = get(RTC + "/tutorial", "application/json");
    assertThat(stored.path("status").path("activeNode").asText()).isEqualTo("esclave");
    assertThat(stored.path("spec").path("nodes")).hasSize(1);
  }

  @Test
  void aSecretsStringDataIsStoredAsDataAndCountedInItsTable() throws Exception {
    String secret =
        """
        {"apiVersion":"v1","kind":"Secret","metadata":{"name":"auth","namespace":"default"},
         "type":"Opaque","stringData":{"1":"a demo key"}}
        """;
    assertThat(send("POST", "/api/v1/namespaces/default/secrets", secret).statusCode())
        .isEqualTo(201);
    JsonNode stored = get("/api/v1/namespaces/default/secrets/auth", "application/json");
    assertThat(stored.has("stringData")).isFalse();
    assertThat(stored.path("data").path("1").asText())
        .isEqualTo(
            java.util.Base64.getEncoder()
                .encodeToString("a demo key".getBytes(StandardCharsets.UTF_8)));
    JsonNode table = get("/api/v1/namespaces/default/secrets", TABLE);
    assertThat(texts(table.path("columnDefinitions"), "name"))
        .containsExactly("Name", "Type", "Data", "Age");
    assertThat(table.path("rows").get(0).path("cells").get(2).asInt()).isEqualTo(1);
  }

  @Test
  void eventsAreTabledAsKubectlPrintsThem() throws Exception {
    String event =
        """
        {"apiVersion":"v1","kind":"Event","metadata":{"name":"e1","namespace":"default"},
         "involvedObject":{"kind":"RouterCluster","name":"tutorial"},"type":"Normal",
         "reason":"Failover","message":"gateway: maitre → esclave (OwnerDead, 5007 ms)",
         "lastTimestamp":"%s"}
        """
            .formatted(java.time.Instant.now().minusSeconds(75).toString());
    assertThat(send("POST", "/api/v1/namespaces/default/events", event).statusCode())
        .isEqualTo(201);
    JsonNode row = get("/api/v1/namespaces/default/events", TABLE).path("rows").get(0);
    assertThat(texts(row.path("cells"), null))
        .containsExactly(
            "75s",
            "Normal",
            "Failover",
            "routercluster/tutorial",
            "gateway: maitre → esclave (OwnerDead, 5007 ms)");
  }

  @Test
  void aPlainListStillComesFromTheCrudStore() throws Exception {
    createCluster();
    JsonNode list = get(RTC, "application/json");
    assertThat(list.path("items")).hasSize(1);
  }
}

package dev.relais.agent.kube;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.relais.model.Manifests;
import dev.relais.render.AgentConfigRenderer;
import dev.relais.render.AgentConfigs;
import dev.relais.render.ConfigObjects;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
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
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * fabric8's mock API server in CRUD mode with the Relais CRDs, recording every request that is not
 * a read, and rendering config Secrets as the operator publishes them (same names, labels,
 * annotations and data keys, from {@link ConfigObjects}).
 */
final class MockKube implements AutoCloseable {
  static final String RELEASE = "relais-system";

  private static final java.util.logging.Logger QUIET =
      java.util.logging.Logger.getLogger("io.fabric8.mockwebserver");

  static {
    QUIET.setLevel(java.util.logging.Level.WARNING);
  }

  private final KubernetesMockServer server;
  private final KubernetesClient admin;
  private final List<KubernetesClient> clients = new ArrayList<>();
  private final List<String> writes = java.util.Collections.synchronizedList(new ArrayList<>());
  private final java.util.concurrent.atomic.AtomicBoolean failNodeStateWrites =
      new java.util.concurrent.atomic.AtomicBoolean();

  /** While true, every write of a RouterNodeState answers 503 (an API server in trouble). */
  void failNodeStateWrites(boolean fail) {
    failNodeStateWrites.set(fail);
  }

  MockKube() {
    this(null, 0);
  }

  /** Listening on {@code address}:{@code port} (a benchmark's agents in other namespaces). */
  MockKube(java.net.InetAddress address, int port) {
    KubernetesCrudDispatcher dispatcher =
        new KubernetesCrudDispatcher(List.of()) {
          @Override
          public MockResponse dispatch(RecordedRequest request) {
            if (!"GET".equals(request.getMethod())) {
              writes.add(request.getMethod() + " " + request.getPath().replaceAll("\\?.*", ""));
              if (failNodeStateWrites.get() && request.getPath().contains("/routernodestates")) {
                return new MockResponse().setResponseCode(503).setBody("unavailable");
              }
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
    if (address == null) server.init();
    else server.init(address, port);
    admin = server.createClient();
    crd("routernodestates.relais.dev-v1.yml");
  }

  private void crd(String file) {
    try (InputStream in = MockKube.class.getResourceAsStream("/META-INF/fabric8/" + file)) {
      admin
          .resource(
              admin.getKubernetesSerialization().unmarshal(in, CustomResourceDefinition.class))
          .create();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The test's own client (its requests are counted too: count around them). */
  KubernetesClient admin() {
    return admin;
  }

  /** A client for one agent, closed with the server. */
  KubernetesClient newClient() {
    KubernetesClient c = server.createClient();
    clients.add(c);
    return c;
  }

  /** Every non-GET request so far, as "METHOD path". */
  List<String> writes() {
    synchronized (writes) {
      return List.copyOf(writes);
    }
  }

  /** The rendered Secret of the cluster in {@code manifests}, as the operator would publish it. */
  static Secret rendered(String manifests) {
    try {
      Manifests m = Manifests.parse(manifests);
      return rendered(m.routerClusters().getFirst(), m.secrets().getFirst());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static Secret rendered(
      dev.relais.api.v1alpha1.RouterCluster cluster, io.fabric8.kubernetes.api.model.Secret auth) {
    if (cluster.getMetadata().getNamespace() == null) cluster.getMetadata().setNamespace("default");
    auth.getMetadata().setNamespace(cluster.getMetadata().getNamespace());
    var ok = (AgentConfigRenderer.Rendered.Ok) AgentConfigRenderer.render(cluster, auth);
    return rendered(
        cluster.getMetadata().getNamespace(),
        cluster.getMetadata().getName(),
        AgentConfigs.toYaml(ok.config()),
        cluster.getSpec().nodes.stream().map(n -> n.name).toList());
  }

  static Secret rendered(String ns, String name, String document, List<String> nodes) {
    byte[] salt = "test-salt-0123456".getBytes(StandardCharsets.UTF_8);
    Map<String, String> labels = new TreeMap<>();
    labels.put(ConfigObjects.MANAGED_BY_LABEL, ConfigObjects.MANAGED_BY);
    labels.put(ConfigObjects.COMPONENT_LABEL, ConfigObjects.AGENT_CONFIG);
    labels.put(ConfigObjects.CLUSTER_ID_LABEL, ConfigObjects.clusterId(ns, name));
    nodes.forEach(n -> labels.put(ConfigObjects.nodeLabel(n), "true"));
    return new SecretBuilder()
        .withNewMetadata()
        .withName(ConfigObjects.configSecretName(ns, name))
        .withNamespace(RELEASE)
        .withLabels(labels)
        .withAnnotations(
            Map.of(
                ConfigObjects.CLUSTER_ANNOTATION,
                ns + "/" + name,
                ConfigObjects.REVISION_ANNOTATION,
                ConfigObjects.revision(document, salt)))
        .endMetadata()
        .withType("Opaque")
        .withData(
            Map.of(
                ConfigObjects.CONFIG_KEY,
                Base64.getEncoder().encodeToString(document.getBytes(StandardCharsets.UTF_8)),
                ConfigObjects.SALT_KEY,
                Base64.getEncoder().encodeToString(salt)))
        .build();
  }

  static String document(Secret s) {
    return new String(
        Base64.getDecoder().decode(s.getData().get(ConfigObjects.CONFIG_KEY)),
        StandardCharsets.UTF_8);
  }

  static String revision(Secret s) {
    return s.getMetadata().getAnnotations().get(ConfigObjects.REVISION_ANNOTATION);
  }

  @Override
  public void close() {
    clients.forEach(KubernetesClient::close);
    admin.close();
    server.destroy();
  }
}

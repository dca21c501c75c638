package dev.relais.agent.kube;

import dev.relais.api.v1alpha1.RouterCluster;
import dev.relais.api.v1alpha1.RouterNodeState;
import dev.relais.model.Manifests;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The API side of node-agent/bench/kubernetes-mode.sh (docs/benchmarks.md, "Kubernetes mode"): a
 * mock API server on ADDRESS:PORT with the cluster of a RouterCluster file rendered into its config
 * Secret, a kubeconfig for the agents, then: until both agents report the revision (one Master), an
 * idle window whose API writes it counts, and N config changes, each timed from the Secret's update
 * to the moment every node state reports the new revision. Prints RESULT lines; not a test.
 *
 * <p>Args: ADDRESS PORT ADVERTISED_HOST KUBECONFIG CLUSTER_YAML DEFAULT_TIMERS(true|false)
 * IDLE_SECONDS CHANGES
 */
public final class KubeModeBench {
  private KubeModeBench() {}

  public static void main(String[] args) throws Exception {
    InetAddress address = InetAddress.getByName(args[0]);
    int port = Integer.parseInt(args[1]);
    String advertised = args[2];
    Path kubeconfig = Path.of(args[3]);
    Manifests m = Manifests.parse(Files.readString(Path.of(args[4])));
    boolean defaultTimers = Boolean.parseBoolean(args[5]);
    int idleSeconds = Integer.parseInt(args[6]);
    int changes = Integer.parseInt(args[7]);

    RouterCluster cluster = m.routerClusters().getFirst();
    if (defaultTimers) cluster.getSpec().heartbeat = null;
    cluster.getMetadata().setGeneration(1L);
    try (MockKube api = new MockKube(address, port)) {
      Files.writeString(
          kubeconfig,
          """
          apiVersion: v1
          kind: Config
          clusters: [{name: mock, cluster: {server: "http://%s:%d"}}]
          users: [{name: agent, user: {token: bench}}]
          contexts: [{name: mock, context: {cluster: mock, user: agent}}]
          current-context: mock
          """
              .formatted(advertised, port));
      Map<String, String> revisions = new ConcurrentHashMap<>();
      Map<String, String> states = new ConcurrentHashMap<>();
      Map<String, Long> seenAt = new ConcurrentHashMap<>();
      api.admin()
          .resources(RouterNodeState.class)
          .inNamespace(MockKube.RELEASE)
          .inform(
              new ResourceEventHandler<RouterNodeState>() {
                @Override
                public void onAdd(RouterNodeState s) {
                  record(s);
                }

                @Override
                public void onUpdate(RouterNodeState old, RouterNodeState s) {
                  record(s);
                }

                @Override
                public void onDelete(RouterNodeState s, boolean unknown) {}

                private void record(RouterNodeState s) {
                  if (s.getStatus() == null) return;
                  String node = s.getSpec().node;
                  String rev = String.valueOf(s.getStatus().configRevision);
                  if (!rev.equals(revisions.put(node, rev))) seenAt.put(node, System.nanoTime());
                  states.put(node, String.valueOf(s.getStatus().state));
                }
              });

      Secret secret = MockKube.rendered(cluster, m.secrets().getFirst());
      long t0 = System.nanoTime();
      api.admin().resource(secret).create();
      System.out.println("READY " + kubeconfig);
      String revision = MockKube.revision(secret);
      waitFor(
          () -> reportsEverywhere(revisions, revision, cluster) && states.containsValue("Master"));
      System.out.printf("RESULT step=converged ms=%d%n", (System.nanoTime() - t0) / 1_000_000);

      // Let the election's last reports land: a second without writes.
      int seen = api.writes().size();
      long quietSince = System.nanoTime();
      while (System.nanoTime() - quietSince < 1_000_000_000L) {
        Thread.sleep(100);
        if (api.writes().size() != seen) {
          seen = api.writes().size();
          quietSince = System.nanoTime();
        }
      }
      int before = api.writes().size();
      System.out.println("IDLE start");
      Thread.sleep(idleSeconds * 1000L);
      int idleWrites = api.writes().size() - before;
      System.out.println("IDLE end");
      System.out.printf(
          "RESULT step=idle seconds=%d writes=%d writes_per_minute=%.1f%n",
          idleSeconds, idleWrites, idleWrites * 60.0 / idleSeconds);

      for (int i = 1; i <= changes; i++) {
        cluster.getMetadata().setGeneration(1L + i);
        Secret next = MockKube.rendered(cluster, m.secrets().getFirst());
        String nextRevision = MockKube.revision(next);
        long start = System.nanoTime();
        api.admin().resource(next).update();
        waitFor(() -> reportsEverywhere(revisions, nextRevision, cluster));
        long slowest =
            cluster.getSpec().nodes.stream()
                .mapToLong(n -> seenAt.get(n.name) - start)
                .max()
                .orElseThrow();
        System.out.printf(
            "RESULT step=change i=%d applied_and_reported_ms=%.1f%n", i, slowest / 1e6);
        Thread.sleep(500);
      }
      System.out.println("DONE");
    }
  }

  private static boolean reportsEverywhere(
      Map<String, String> revisions, String revision, RouterCluster cluster) {
    return cluster.getSpec().nodes.stream().allMatch(n -> revision.equals(revisions.get(n.name)));
  }

  private static void waitFor(java.util.function.BooleanSupplier condition)
      throws InterruptedException {
    long deadline = System.nanoTime() + 120_000_000_000L;
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) throw new IllegalStateException("timed out");
      Thread.sleep(2);
    }
  }
}

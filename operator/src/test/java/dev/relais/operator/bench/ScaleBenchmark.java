package dev.relais.operator.bench;

import dev.relais.api.v1alpha1.ConditionStatus;
import dev.relais.api.v1alpha1.NodeState;
import dev.relais.api.v1alpha1.NodeStatus;
import dev.relais.api.v1alpha1.RouterCluster;
import dev.relais.api.v1alpha1.RouterNodeState;
import dev.relais.operator.Fixtures;
import dev.relais.operator.MockApi;
import dev.relais.operator.RelaisOperator;
import dev.relais.operator.reconciler.OperatorSettings;
import dev.relais.render.ConfigObjects;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.lang.management.ManagementFactory;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * The operator at scale on the CRUD mock (docs/benchmarks.md, "Operator at scale"): N clusters × 2
 * nodes, simulated agents that report each rendered revision, then an idle window and N node-state
 * changes. Prints numbers; asserts nothing. Usage: operator/bench/scale.sh [clusters] [idleSeconds]
 */
public final class ScaleBenchmark {
  static final String RELEASE = "relais-system";
  static final String NS = "edge";

  public static void main(String[] args) throws Exception {
    int clusters = args.length > 0 ? Integer.parseInt(args[0]) : 1000;
    int idleSeconds = args.length > 1 ? Integer.parseInt(args[1]) : 60;
    try (MockApi api = new MockApi()) {
      KubernetesClient client = api.client();
      for (int i = 0; i < clusters; i++) {
        RouterCluster rc = Fixtures.tutorial(NS, "c" + i);
        String net = "10." + (i / 250) + "." + (i % 250) + ".";
        rc.getSpec().nodes.get(0).addresses = List.of(net + "1");
        rc.getSpec().nodes.get(1).addresses = List.of(net + "2");
        rc.getSpec().vipGroups.getFirst().addresses.getFirst().address = net + "10/24";
        client
            .resource(
                Fixtures.authSecret(
                    NS, rc.getSpec().authSecretRef.name, Map.of("1", Fixtures.KEY_1)))
            .create();
        client.resource(rc).create();
      }
      System.out.printf("created %d RouterClusters and Secrets%n", clusters);

      // Simulated agents: when a cluster's rendered config appears or changes, both nodes report
      // it.
      ExecutorService agents =
          Executors.newFixedThreadPool(
              4, Thread.ofPlatform().name("simulated-agent-", 0).factory());
      Map<String, String> reported = new ConcurrentHashMap<>();
      SharedIndexInformer<Secret> configs =
          client
              .secrets()
              .inNamespace(RELEASE)
              .withLabel(ConfigObjects.COMPONENT_LABEL, ConfigObjects.AGENT_CONFIG)
              .inform(
                  new ResourceEventHandler<>() {
                    @Override
                    public void onAdd(Secret s) {
                      agents.submit(() -> report(client, s, reported));
                    }

                    @Override
                    public void onUpdate(Secret a, Secret s) {
                      agents.submit(() -> report(client, s, reported));
                    }

                    @Override
                    public void onDelete(Secret s, boolean unknown) {}
                  });

      long start = System.nanoTime();
      RelaisOperator operator =
          new RelaisOperator(
              client,
              new OperatorSettings(RELEASE, Set.of(), Clock.systemUTC()),
              Optional.of(
                  new RelaisOperator.Election(
                      "relais-operator",
                      "bench",
                      Duration.ofSeconds(15),
                      Duration.ofSeconds(10),
                      Duration.ofSeconds(2),
                      false)));
      operator.start();
      long rendered = -1;
      while (true) {
        // Progress from the operator's own gauge and the agents' informer cache, not from a watch
        // of RouterClusters or lists of them: those would load the mock more than the operator.
        if (rendered < 0 && configs.getStore().list().size() == clusters) {
          rendered = System.nanoTime() - start;
        }
        if (readyGauge(operator) == clusters
            && client.resources(RouterCluster.class).inNamespace(NS).list().getItems().stream()
                    .filter(ScaleBenchmark::ready)
                    .count()
                == clusters) {
          break;
        }
        if (System.nanoTime() - start > TimeUnit.MINUTES.toNanos(5)) {
          System.out.printf(
              "gave up after 5 min: %.0f of %d Ready%n", readyGauge(operator), clusters);
          return;
        }
        Thread.sleep(100);
      }
      System.out.printf(
          "start -> all %d rendered: %.1f s; all Ready: %.1f s%n",
          clusters, rendered / 1e9, (System.nanoTime() - start) / 1e9);
      System.out.println("writes so far: " + api.writes());
      System.out.println("CPU so far by thread group: " + cpuByThreadGroup());
      System.out.printf(
          "node states: %d%n",
          client.resources(RouterNodeState.class).inNamespace(RELEASE).list().getItems().size());

      Map<String, Long> before = api.writes();
      Thread.sleep(idleSeconds * 1000L);
      Map<String, Long> after = api.writes();
      long lease = delta(before, after, k -> k.contains("leases"));
      long other = delta(before, after, k -> !k.contains("leases"));
      System.out.printf(
          "idle %d s: %d API writes (Lease: %d, counted apart)%n", idleSeconds, other, lease);

      Map<String, RouterCluster> seen = new ConcurrentHashMap<>();
      Map<String, CompletableFuture<Void>> waiting = new ConcurrentHashMap<>();
      Map<String, NodeState> expected = new ConcurrentHashMap<>();
      SharedIndexInformer<RouterCluster> statuses =
          client
              .resources(RouterCluster.class)
              .inNamespace(NS)
              .inform(
                  new ResourceEventHandler<>() {
                    @Override
                    public void onAdd(RouterCluster rc) {
                      seen(rc);
                    }

                    @Override
                    public void onUpdate(RouterCluster a, RouterCluster rc) {
                      seen(rc);
                    }

                    @Override
                    public void onDelete(RouterCluster rc, boolean unknown) {}

                    private void seen(RouterCluster rc) {
                      String name = rc.getMetadata().getName();
                      seen.put(name, rc);
                      NodeState want = expected.get(name);
                      if (want != null && esclave(rc).map(n -> n.state == want).orElse(false)) {
                        Optional.ofNullable(waiting.remove(name)).ifPresent(f -> f.complete(null));
                      }
                    }
                  });

      while (seen.size() < clusters) Thread.sleep(10);
      List<Long> latencies = new ArrayList<>();
      for (int i = 0; i < clusters; i++) {
        String name = "c" + i;
        NodeState to = i % 2 == 0 ? NodeState.Fault : NodeState.Backup;
        NodeState now = esclave(seen.get(name)).map(n -> n.state).orElse(null);
        if (now == to) to = to == NodeState.Fault ? NodeState.Backup : NodeState.Fault;
        CompletableFuture<Void> done = new CompletableFuture<>();
        expected.put(name, to);
        waiting.put(name, done);
        long t = System.nanoTime();
        RouterNodeState s =
            client
                .resources(RouterNodeState.class)
                .inNamespace(RELEASE)
                .withName(ConfigObjects.nodeStateName(NS, name, "esclave"))
                .get();
        s.getStatus().state = to;
        s.getStatus().reason = to.name();
        s.getStatus().reportTime = Instant.now().toString();
        client.resource(s).updateStatus();
        done.get(30, TimeUnit.SECONDS);
        latencies.add(System.nanoTime() - t);
      }
      latencies.sort(null);
      System.out.printf(
          "node-state change -> status updated, %d changes: median %.1f ms, p99 %.1f ms, max %.1f ms%n",
          latencies.size(),
          latencies.get(latencies.size() / 2) / 1e6,
          latencies.get((int) Math.ceil(latencies.size() * 0.99) - 1) / 1e6,
          latencies.getLast() / 1e6);

      long withOperator = heapAfterGc();
      operator.close();
      configs.close();
      statuses.close();
      agents.shutdownNow();
      seen.clear();
      long withoutOperator = heapAfterGc();
      System.out.printf(
          "heap after full GC: %.0f MB with the operator, %.0f MB after stopping it"
              + " (mock server and its data); operator's share about %.0f MB%n",
          withOperator / 1e6, withoutOperator / 1e6, (withOperator - withoutOperator) / 1e6);
    }
  }

  static void report(KubernetesClient client, Secret s, Map<String, String> reported) {
    String revision = s.getMetadata().getAnnotations().get(ConfigObjects.REVISION_ANNOTATION);
    String cluster = s.getMetadata().getAnnotations().get(ConfigObjects.CLUSTER_ANNOTATION);
    if (revision.equals(reported.put(cluster, revision))) return;
    String name = cluster.substring(cluster.indexOf('/') + 1);
    Instant now = Instant.now();
    for (String node : List.of("maitre", "esclave")) {
      var r =
          new Fixtures.Report(RELEASE, NS, name, node)
              .revision(revision)
              .at(now)
              .peer(node.equals("maitre") ? "esclave" : "maitre", true, now);
      RouterNodeState state =
          (node.equals("maitre") ? r.master("gateway", 1) : r.backup("gateway", 1)).build();
      RouterNodeState existing = client.resource(state).createOr(op -> op.update());
      state.getMetadata().setResourceVersion(existing.getMetadata().getResourceVersion());
      client.resource(state).updateStatus();
    }
  }

  static double readyGauge(RelaisOperator operator) {
    return operator
        .scrape()
        .lines()
        .filter(l -> l.startsWith("relais_operator_clusters{condition=\"Ready\",status=\"True\"}"))
        .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1)))
        .sum();
  }

  static Optional<NodeStatus> esclave(RouterCluster rc) {
    if (rc == null || rc.getStatus() == null) return Optional.empty();
    return rc.getStatus().nodes.stream().filter(n -> "esclave".equals(n.name)).findFirst();
  }

  static boolean ready(RouterCluster rc) {
    return rc.getStatus() != null
        && rc.getStatus().conditions.stream()
            .anyMatch(c -> "Ready".equals(c.type) && c.status == ConditionStatus.True);
  }

  static long delta(
      Map<String, Long> before,
      Map<String, Long> after,
      java.util.function.Predicate<String> which) {
    return after.entrySet().stream()
        .filter(e -> which.test(e.getKey()))
        .mapToLong(e -> e.getValue() - before.getOrDefault(e.getKey(), 0L))
        .sum();
  }

  /** CPU seconds per thread-name prefix (numbers and what follows stripped), largest first. */
  static String cpuByThreadGroup() {
    var mx = ManagementFactory.getThreadMXBean();
    Map<String, Double> groups = new java.util.TreeMap<>();
    for (var info : mx.getThreadInfo(mx.getAllThreadIds())) {
      if (info == null) continue;
      long cpu = mx.getThreadCpuTime(info.getThreadId());
      if (cpu <= 0) continue;
      String group = info.getThreadName().replaceAll("[-\\s\\[]*\\d.*$", "");
      groups.merge(group.isEmpty() ? info.getThreadName() : group, cpu / 1e9, Double::sum);
    }
    return groups.entrySet().stream()
        .sorted(Map.Entry.<String, Double>comparingByValue().reversed())
        .limit(12)
        .map(e -> String.format("%s %.1f s", e.getKey(), e.getValue()))
        .collect(java.util.stream.Collectors.joining(", "));
  }

  static long heapAfterGc() throws InterruptedException {
    for (int i = 0; i < 3; i++) {
      System.gc();
      Thread.sleep(200);
    }
    return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
  }
}

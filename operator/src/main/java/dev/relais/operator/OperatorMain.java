package dev.relais.operator;

import dev.relais.operator.observe.OperatorEndpoints;
import dev.relais.operator.reconciler.OperatorSettings;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** relais-operator: reconciles RouterClusters into agent configs and node states into status. */
@Command(
    name = "relais-operator",
    mixinStandardHelpOptions = true,
    description =
        "Renders RouterClusters into agent config Secrets and aggregates RouterNodeStates into status.")
public final class OperatorMain implements Callable<Integer> {
  @Option(
      names = "--kubeconfig",
      description = "Kubeconfig file (default: in-cluster, else $KUBECONFIG, else ~/.kube/config).")
  Path kubeconfig;

  @Option(
      names = "--namespace",
      defaultValue = "${env:POD_NAMESPACE}",
      description =
          "Release namespace: rendered configs, node states and the Lease live there (default $POD_NAMESPACE).")
  String namespace;

  @Option(
      names = "--watch-namespaces",
      split = ",",
      paramLabel = "NS",
      description = "Namespaces whose RouterClusters to reconcile, comma-separated (default: all).")
  List<String> watchNamespaces = List.of();

  @Option(
      names = "--http-address",
      defaultValue = "0.0.0.0:9695",
      description = "/healthz, /readyz, /metrics (default ${DEFAULT-VALUE}).")
  String httpAddress;

  @Option(
      names = "--leader-election",
      negatable = true,
      defaultValue = "true",
      fallbackValue = "true",
      description = "Elect a leader on a Lease so replicas are safe (default on).")
  boolean leaderElection;

  @Option(
      names = "--lease-duration",
      defaultValue = "15s",
      description = "Lease duration (default ${DEFAULT-VALUE}).")
  String leaseDuration;

  @Option(
      names = "--identity",
      defaultValue = "${env:POD_NAME}",
      description = "Leader-election identity (default $POD_NAME, else host name).")
  String identity;

  public static void main(String[] args) {
    System.exit(new CommandLine(new OperatorMain()).execute(args));
  }

  @Override
  public Integer call() throws Exception {
    if (namespace == null || namespace.isBlank()) {
      System.err.println(
          "relais-operator: --namespace (or $POD_NAMESPACE) names the release namespace");
      return 2;
    }
    Config config;
    if (kubeconfig != null) {
      if (!Files.isReadable(kubeconfig)) {
        System.err.println("relais-operator: cannot read kubeconfig " + kubeconfig);
        return 2;
      }
      config = Config.fromKubeconfig(Files.readString(kubeconfig));
    } else {
      config = Config.autoConfigure(null);
    }
    Duration lease = Duration.parse("PT" + leaseDuration.toUpperCase());
    String id =
        identity != null && !identity.isBlank()
            ? identity
            : java.net.InetAddress.getLocalHost().getHostName();
    Optional<RelaisOperator.Election> election =
        leaderElection
            ? Optional.of(
                new RelaisOperator.Election(
                    "relais-operator",
                    id,
                    lease,
                    lease.multipliedBy(2).dividedBy(3),
                    lease.dividedBy(5),
                    true))
            : Optional.empty();
    String[] hostPort = httpAddress.split(":(?=[0-9]+$)");
    try (KubernetesClient client = new KubernetesClientBuilder().withConfig(config).build();
        RelaisOperator operator =
            new RelaisOperator(
                client,
                new OperatorSettings(namespace, Set.copyOf(watchNamespaces), Clock.systemUTC()),
                election);
        OperatorEndpoints endpoints =
            OperatorEndpoints.start(
                new InetSocketAddress(hostPort[0], Integer.parseInt(hostPort[1])),
                operator::scrape,
                operator::healthy,
                operator::started)) {
      CountDownLatch stop = new CountDownLatch(1);
      Runtime.getRuntime().addShutdownHook(new Thread(stop::countDown, "relais-operator-stop"));
      operator.start();
      System.err.println(
          "relais-operator: release namespace "
              + namespace
              + ", watching "
              + (watchNamespaces.isEmpty() ? "all namespaces" : String.join(",", watchNamespaces))
              + ", endpoints on "
              + endpoints.address());
      stop.await();
    }
    return 0;
  }
}

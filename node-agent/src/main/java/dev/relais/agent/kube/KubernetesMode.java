package dev.relais.agent.kube;

import dev.relais.agent.observe.AgentMetrics;
import dev.relais.agent.runtime.Agent;
import dev.relais.api.v1alpha1.RouterNodeStateStatus;
import dev.relais.render.ConfigObjects;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;

/**
 * The agent's Kubernetes mode (docs/design/kubernetes-mode.md): config from the rendered Secrets
 * that name this node, node states back. The only entry into this package, and this package the
 * only place the agent meets fabric8; nothing on the failover path waits for it.
 */
public final class KubernetesMode implements AutoCloseable {
  /** How a Kubernetes-mode agent is set up (AgentMain's flags). */
  public record Settings(
      String node,
      String namespace,
      Optional<Path> kubeconfig,
      Path stateDir,
      Duration vanishedGrace,
      Duration initialWait,
      String agentVersion) {}

  private final KubernetesClient client;
  private final Settings settings;
  private final PersistedConfigs disk;
  private final Clock clock = Clock.systemUTC();
  private final SecretConfigSource source;
  private NodeStateWriter writer;
  private volatile Runnable signal = () -> {};

  private KubernetesMode(KubernetesClient client, Settings settings, AgentMetrics metrics) {
    this.client = client;
    this.settings = settings;
    this.disk = new PersistedConfigs(settings.stateDir(), settings.namespace());
    this.source =
        new SecretConfigSource(
            client,
            settings.namespace(),
            settings.node(),
            disk,
            settings.vanishedGrace(),
            clock,
            metrics,
            () -> signal.run());
  }

  /** Connects (no request is made yet); throws with a one-line reason for the user. */
  public static KubernetesMode connect(Settings settings, AgentMetrics metrics) throws IOException {
    KubernetesMode mode =
        new KubernetesMode(
            KubeClients.connect(settings.kubeconfig().orElse(null)), settings, metrics);
    Optional<String> problem = mode.disk.problem();
    if (problem.isPresent()) {
      mode.client.close();
      throw new IOException(
          "--state-dir " + settings.stateDir() + " cannot keep configs: " + problem.get());
    }
    return mode;
  }

  /** For tests: an existing client (a mock API server's). */
  static KubernetesMode using(KubernetesClient client, Settings settings, AgentMetrics metrics) {
    return new KubernetesMode(client, settings, metrics);
  }

  /**
   * Reads the saved configs and lists the API's, waiting at most {@code initialWait} for the API.
   * Before the agent exists, so the JVM's start-up collection (AgentMain's System.gc) comes after
   * the client's classes are loaded, not a full collection after the cluster started.
   */
  public void listen() throws InterruptedException {
    source.listen(settings.initialWait());
    // The writer's serialization, loaded now for the same reason.
    client.getKubernetesSerialization().asJson(new RouterNodeStateStatus());
  }

  /**
   * Serves the agent what {@link #listen} found, then every change; node states follow the agent's
   * reports. Returns after the first apply.
   */
  public void start(Agent agent) throws InterruptedException {
    agent.readyWithoutClusters(true);
    writer =
        new NodeStateWriter(
            client,
            settings.namespace(),
            settings.node(),
            agent::reports,
            source::status,
            new NodeStatuses.Identity(
                settings.agentVersion(), List.of(ConfigObjects.DOCUMENT_VERSION)),
            clock,
            new SplittableRandom());
    signal = writer::signal;
    agent.addReportListener(writer::signal);
    source.serve(agent::apply);
    writer.signal();
  }

  /** Stops watching configs: before the agent's handoff, so no config change races it. */
  public void stopWatching() {
    source.close();
  }

  /** Writes the last node states (after the handoff), at most for {@code limit}, and closes. */
  @Override
  public void close() {
    stopWatching();
    if (writer != null) writer.close(LAST_WRITE);
    client.close();
  }

  private static final Duration LAST_WRITE = Duration.ofSeconds(2);
}

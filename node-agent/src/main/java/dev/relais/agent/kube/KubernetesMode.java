package dev.relais.agent.kube;

import dev.relais.agent.observe.AgentMetrics;
import dev.relais.agent.runtime.Agent;
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
  private SecretConfigSource source;
  private NodeStateWriter writer;

  private KubernetesMode(KubernetesClient client, Settings settings) {
    this.client = client;
    this.settings = settings;
    this.disk = new PersistedConfigs(settings.stateDir(), settings.namespace());
  }

  /** Connects (no request is made yet); throws with a one-line reason for the user. */
  public static KubernetesMode connect(Settings settings) throws IOException {
    KubernetesMode mode =
        new KubernetesMode(KubeClients.connect(settings.kubeconfig().orElse(null)), settings);
    Optional<String> problem = mode.disk.problem();
    if (problem.isPresent()) {
      mode.client.close();
      throw new IOException(
          "--state-dir " + settings.stateDir() + " cannot keep configs: " + problem.get());
    }
    return mode;
  }

  /** For tests: an existing client (a mock API server's). */
  static KubernetesMode using(KubernetesClient client, Settings settings) {
    return new KubernetesMode(client, settings);
  }

  /**
   * Serves the agent: the saved configs or the API's (whichever can be read within {@code
   * initialWait}), then every change; node states follow the agent's reports. Returns after the
   * first apply.
   */
  public void start(Agent agent, AgentMetrics metrics) throws InterruptedException {
    agent.readyWithoutClusters(true);
    Clock clock = Clock.systemUTC();
    Runnable[] signal = {() -> {}};
    source =
        new SecretConfigSource(
            client,
            settings.namespace(),
            settings.node(),
            disk,
            settings.vanishedGrace(),
            clock,
            metrics,
            () -> signal[0].run());
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
    signal[0] = writer::signal;
    agent.addReportListener(writer::signal);
    source.start(agent::apply, settings.initialWait());
    writer.signal();
  }

  /** Stops watching configs: before the agent's handoff, so no config change races it. */
  public void stopWatching() {
    if (source != null) source.close();
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

package dev.relais.agent.kube;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.jdkhttp.JdkHttpClientFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/** The agent's API client: fabric8 over the JDK's HttpClient, from a kubeconfig or in-cluster. */
final class KubeClients {
  /**
   * Per request: a write that hangs must not hold the writer for fabric8's default of minutes; the
   * failover path does not wait on it either way.
   */
  static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(10);

  private KubeClients() {}

  /**
   * {@code kubeconfig} null: in-cluster (the pod's ServiceAccount), else $KUBECONFIG, else
   * ~/.kube/config, as kubectl. Throws with a one-line reason a user can act on.
   */
  static KubernetesClient connect(Path kubeconfig) throws IOException {
    Config config;
    if (kubeconfig != null) {
      if (!Files.isReadable(kubeconfig)) throw new IOException("cannot read " + kubeconfig);
      try {
        config = Config.fromKubeconfig(Files.readString(kubeconfig));
      } catch (RuntimeException e) {
        throw new IOException(kubeconfig + " is not a usable kubeconfig: " + e.getMessage(), e);
      }
    } else {
      config = Config.autoConfigure(null);
    }
    config.setRequestTimeout((int) REQUEST_TIMEOUT.toMillis());
    // fabric8 retries a failed request itself with backoff by default; the writer has its own
    // backoff and the config watch its informer's, so one attempt per call.
    config.setRequestRetryBackoffLimit(0);
    return new KubernetesClientBuilder()
        .withConfig(config)
        .withHttpClientFactory(new JdkHttpClientFactory())
        .build();
  }
}

package dev.relais.agent.kube;

import static org.assertj.core.api.Assertions.assertThat;

import dev.relais.agent.AgentMain;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A standalone agent loads no class of Kubernetes mode and none of fabric8 (its client would cost
 * the agent thousands of classes it never uses), and the check can tell: Kubernetes mode, run the
 * same way, does load them. Each runs {@link AgentMain} in a fresh JVM up to the boot epoch, after
 * the config is read and before the data plane opens, where a state directory whose epoch cannot be
 * written stops it (exit 2).
 */
class StandaloneClassLoadTest {
  @TempDir Path tmp;

  private List<String> classesLoaded(String... args) throws Exception {
    Path stateDir = Files.createDirectories(tmp.resolve("state"));
    // boot-epoch.tmp a non-empty directory: saving the epoch fails, as an unwritable disk would.
    Files.createDirectories(stateDir.resolve("boot-epoch.tmp/x"));
    Path log = tmp.resolve("classes.log");
    List<String> command = new ArrayList<>();
    command.addAll(
        List.of(
            Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "-Xshare:off",
            "-Xlog:class+load:file=" + log + "::filecount=0",
            "-cp",
            System.getProperty("java.class.path"),
            AgentMain.class.getName(),
            "--node",
            "maitre",
            "--state-dir",
            stateDir.toString(),
            "--metrics-address",
            "off"));
    command.addAll(List.of(args));
    Process p =
        new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(tmp.resolve("out").toFile())
            .start();
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(Files.readString(tmp.resolve("out"))).contains("cannot save the boot epoch");
    assertThat(p.exitValue()).isEqualTo(2);
    return Files.readAllLines(log);
  }

  private static List<String> kubernetesClasses(List<String> lines) {
    return lines.stream()
        .filter(l -> l.contains("io.fabric8.") || l.contains("dev.relais.agent.kube."))
        // Annotation types the binder reads on the API classes: a few small classes.
        .filter(l -> !l.contains("io.fabric8.generator.annotation."))
        .toList();
  }

  @Test
  void standaloneLoadsNoFabric8AndNoKubernetesMode() throws Exception {
    List<String> lines =
        classesLoaded("--config", new File("../examples/tutorial-fast.yaml").getAbsolutePath());
    assertThat(lines)
        .as("the config was read")
        .anyMatch(l -> l.contains("dev.relais.render.YamlBinder"));
    assertThat(kubernetesClasses(lines)).isEmpty();
  }

  @Test
  void kubernetesModeRunTheSameWayLoadsThem() throws Exception {
    Path kubeconfig = tmp.resolve("kubeconfig");
    Files.writeString(
        kubeconfig,
        """
        apiVersion: v1
        kind: Config
        clusters: [{name: c, cluster: {server: "https://127.0.0.1:1"}}]
        users: [{name: u, user: {token: t}}]
        contexts: [{name: x, context: {cluster: c, user: u}}]
        current-context: x
        """);
    List<String> lines =
        classesLoaded(
            "--kubernetes", "--namespace", "relais-system", "--kubeconfig", kubeconfig.toString());
    assertThat(kubernetesClasses(lines))
        .anyMatch(l -> l.contains("io.fabric8.kubernetes.client.KubernetesClientBuilder"))
        .anyMatch(l -> l.contains("dev.relais.agent.kube.KubernetesMode"));
  }
}

package dev.relais.lab.api;

import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code relais-lab-api}: the lab's embedded Kubernetes API (fabric8's mock server in CRUD mode,
 * with discovery and server-side Tables for a real kubectl) on a plain-HTTP address, and a
 * kubeconfig for its clients. State lives in memory and dies with the process.
 */
@Command(
    name = "relais-lab-api",
    mixinStandardHelpOptions = true,
    description = "The lab's embedded Kubernetes API (in memory, plain HTTP, no authentication).")
public final class LabApiMain implements Callable<Integer> {
  @Option(
      names = "--listen",
      defaultValue = "127.0.0.1:6443",
      description = "ADDRESS:PORT to serve on (default ${DEFAULT-VALUE}).")
  String listen;

  @Option(
      names = "--kubeconfig",
      description = "Write a kubeconfig for clients of this API to FILE (mode 0600).")
  Path kubeconfig;

  @Option(names = "--server", description = "The URL the kubeconfig names (default http://LISTEN).")
  String server;

  public static void main(String[] args) {
    System.exit(new CommandLine(new LabApiMain()).execute(args));
  }

  @Override
  public Integer call() throws Exception {
    int colon = listen.lastIndexOf(':');
    if (colon <= 0) {
      System.err.println("relais-lab-api: --listen needs ADDRESS:PORT, not " + listen);
      return 2;
    }
    InetAddress address = InetAddress.ofLiteral(listen.substring(0, colon));
    int port = Integer.parseInt(listen.substring(colon + 1));
    KubernetesMockServer api = LabApi.start(address, port);
    String url = server != null ? server : "http://" + listen;
    if (kubeconfig != null) write(kubeconfig, LabApi.kubeconfig(url));
    CountDownLatch stop = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  api.destroy();
                  stop.countDown();
                },
                "relais-lab-api-stop"));
    System.err.println(
        "relais-lab-api: serving "
            + url
            + (kubeconfig != null ? " (kubeconfig " + kubeconfig + ")" : ""));
    stop.await();
    return 0;
  }

  /** Atomically, readable by its owner only (a kubeconfig is a credential elsewhere). */
  private static void write(Path file, String text) throws IOException {
    Path dir = file.toAbsolutePath().getParent();
    Path tmp =
        Files.createTempFile(
            dir,
            ".kubeconfig",
            ".tmp",
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    Files.writeString(tmp, text);
    Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
  }
}

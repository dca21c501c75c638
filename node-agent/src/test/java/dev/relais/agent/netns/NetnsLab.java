package dev.relais.agent.netns;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.relais.agent.dataplane.ffm.NetNamespace;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;

/**
 * A LAN of network namespaces for kernel tests and the lab: one bridge namespace ({@code br0}) and
 * one namespace per host, each with an interface {@code enp0s3} on the bridge (the tutorial's names
 * and 192.168.200.0/24, which exist only inside these namespaces), plus fd00:c8::/64.
 *
 * <p>Names carry a per-run prefix {@code rl<pid>x<n>-}; {@link #close}, and a shutdown hook if the
 * JVM ends first, delete every namespace (veths and the bridge go with them). Namespaces left by a
 * killed earlier run (its pid gone) are deleted on the next {@link #create}.
 *
 * <p>Code runs in a namespace two ways: {@link #inNamespace} on a thread that entered it with
 * setns(2) (sockets and threads that thread creates stay there), or a child JVM: {@link
 * #javaCommand} builds its argv under {@code ip netns exec}, {@link #start} runs it (whole agents,
 * issue 15) and the lab stops it, by pid, before deleting the namespaces.
 */
public final class NetnsLab implements AutoCloseable {
  /** The tutorial's hosts: client .9, maitre .11, esclave .12; the VIP is .10. */
  public static final List<String> TUTORIAL = List.of("client", "maitre", "esclave");

  public static final String LAN = "enp0s3";
  public static final String VIP4 = "192.168.200.10";
  public static final String VIP6 = "fd00:c8::10";
  private static final Map<String, Integer> HOST_NUMBERS =
      Map.of("client", 9, "maitre", 11, "esclave", 12);
  private static final Pattern OURS = Pattern.compile("^rl(\\d+)x\\d+-");
  private static final AtomicInteger LABS = new AtomicInteger();
  private static final ObjectMapper JSON = new ObjectMapper();

  /** A host on the LAN. */
  public record Host(String role, String namespace, String mac, String ipv4, String ipv6) {}

  private final String prefix;
  private final String bridge;
  private final Map<String, Host> hosts = new LinkedHashMap<>();
  private final Map<String, ExecutorService> threads = new LinkedHashMap<>();
  private final List<String> namespaces = new ArrayList<>();
  private final List<Process> processes = new ArrayList<>();
  private final Thread cleanup;

  private NetnsLab(String prefix) {
    this.prefix = prefix;
    this.bridge = prefix + "br";
    this.cleanup = new Thread(this::deleteNamespaces, "netns-lab-cleanup");
    Runtime.getRuntime().addShutdownHook(cleanup);
  }

  /**
   * Builds the LAN with these hosts (roles; host numbers from the tutorial, others from .20 on).
   * Where that cannot work (not root, no namespaces, no iproute2) the test fails under CI=true and
   * is skipped elsewhere.
   */
  public static NetnsLab create(List<String> roles) {
    String prefix = "rl" + ProcessHandle.current().pid() + "x" + LABS.incrementAndGet() + "-";
    NetnsLab lab = new NetnsLab(prefix);
    try {
      deleteLeftovers();
      lab.build(roles);
      return lab;
    } catch (RuntimeException | IOException e) {
      lab.close();
      String why = "network namespaces unavailable: " + e.getMessage();
      if ("true".equals(System.getenv("CI"))) {
        throw new AssertionError(
            why + " (kernel tests must run in CI: run as root with iproute2)", e);
      }
      Assumptions.abort(why);
      throw new AssertionError("unreachable");
    }
  }

  public static NetnsLab tutorial() {
    return create(TUTORIAL);
  }

  private void build(List<String> roles) throws IOException {
    ip("netns", "add", bridge);
    namespaces.add(bridge);
    ip("-n", bridge, "link", "add", "br0", "type", "bridge", "mcast_snooping", "0");
    ip("-n", bridge, "link", "set", "br0", "up");
    int next = 20;
    for (String role : roles) {
      int number = HOST_NUMBERS.containsKey(role) ? HOST_NUMBERS.get(role) : next++;
      String ns = prefix + role;
      Host host =
          new Host(
              role,
              ns,
              String.format("02:00:00:00:c8:%02x", number),
              "192.168.200." + number,
              "fd00:c8::" + number);
      ip("netns", "add", ns);
      namespaces.add(ns);
      String port = "v" + role;
      ip("-n", bridge, "link", "add", port, "type", "veth", "peer", "name", LAN, "netns", ns);
      ip("-n", bridge, "link", "set", port, "master", "br0", "up");
      ip("-n", ns, "link", "set", LAN, "address", host.mac());
      // ICMP datagram sockets for every group (the prober's unprivileged path) and no DAD delay.
      run(
          "ip",
          "netns",
          "exec",
          ns,
          "sysctl",
          "-q",
          "-w",
          "net.ipv4.ping_group_range=0 2147483647",
          "net.ipv6.conf.all.accept_dad=0",
          "net.ipv6.conf.default.accept_dad=0",
          "net.ipv6.conf." + LAN + ".accept_dad=0");
      ip("-n", ns, "addr", "add", host.ipv4() + "/24", "dev", LAN);
      ip("-n", ns, "addr", "add", host.ipv6() + "/64", "dev", LAN, "nodad");
      ip("-n", ns, "link", "set", "lo", "up");
      ip("-n", ns, "link", "set", LAN, "up");
      hosts.put(role, host);
    }
  }

  public Host host(String role) {
    Host host = hosts.get(role);
    if (host == null) {
      throw new IllegalArgumentException("no host " + role + " in this lab");
    }
    return host;
  }

  public String bridgeNamespace() {
    return bridge;
  }

  /** The bridge-side end of a host's cable; setting it down drops the host's carrier. */
  public String bridgePort(String role) {
    return "v" + host(role).role();
  }

  /** Runs work on this host's namespace thread (one per host, created on first use). */
  public <T> T inNamespace(String role, Callable<T> work) {
    ExecutorService thread = threads.computeIfAbsent(role, this::namespaceThread);
    try {
      return thread.submit(work).get(30, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      throw new IllegalStateException(
          "in " + role + ": " + e.getCause().getMessage(), e.getCause());
    } catch (Exception e) {
      throw new IllegalStateException("in " + role + ": " + e, e);
    }
  }

  private ExecutorService namespaceThread(String role) {
    String ns = host(role).namespace();
    ExecutorService thread =
        Executors.newSingleThreadExecutor(
            r -> Thread.ofPlatform().name("netns-" + role).daemon().unstarted(r));
    try {
      thread
          .submit(
              () -> {
                NetNamespace.enterOnThisThread(Path.of("/run/netns", ns));
                return null;
              })
          .get();
    } catch (Exception e) {
      thread.shutdownNow();
      throw new IllegalStateException("cannot enter " + ns, e);
    }
    return thread;
  }

  /** argv for a child JVM in this host's namespace, on this JVM's classpath, after a wrapper. */
  public List<String> javaCommand(
      String role, List<String> wrapper, Class<?> main, String... args) {
    List<String> argv = new ArrayList<>(List.of("ip", "netns", "exec", host(role).namespace()));
    argv.addAll(wrapper);
    argv.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    argv.add("--enable-native-access=ALL-UNNAMED");
    argv.add("-cp");
    argv.add(System.getProperty("java.class.path"));
    argv.add(main.getName());
    argv.addAll(List.of(args));
    return argv;
  }

  /**
   * Starts a long-running command (e.g. from {@link #javaCommand}) with output to {@code log}. The
   * lab ends it, by its pid, on {@link #close} or at JVM exit.
   */
  public synchronized Process start(List<String> argv, Path log) {
    try {
      Process p =
          new ProcessBuilder(argv)
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
              .start();
      processes.add(p);
      return p;
    } catch (IOException e) {
      throw new IllegalStateException("cannot start " + argv + ": " + e.getMessage(), e);
    }
  }

  /** {@code ip -j ...} in a host's namespace, parsed. */
  public JsonNode ipJson(String role, String... args) {
    List<String> argv = new ArrayList<>(List.of("ip", "-n", host(role).namespace(), "-j"));
    argv.addAll(List.of(args));
    String out = run(argv.toArray(String[]::new));
    try {
      return JSON.readTree(out.isBlank() ? "[]" : out);
    } catch (IOException e) {
      throw new IllegalStateException("bad JSON from " + argv + ": " + out, e);
    }
  }

  /** {@code ip -n <host ns> ...}. */
  public String ipIn(String role, String... args) {
    List<String> argv = new ArrayList<>(List.of("ip", "-n", host(role).namespace()));
    argv.addAll(List.of(args));
    return run(argv.toArray(String[]::new));
  }

  /** A command in a host's namespace ({@code ip netns exec}); returns its exit code. */
  public int execIn(String role, String... argv) {
    List<String> all = new ArrayList<>(List.of("ip", "netns", "exec", host(role).namespace()));
    all.addAll(List.of(argv));
    return result(all).exitCode();
  }

  public static String ip(String... args) {
    List<String> argv = new ArrayList<>(List.of("ip"));
    argv.addAll(List.of(args));
    return run(argv.toArray(String[]::new));
  }

  /** Output of a finished command. */
  public record Result(int exitCode, String output) {}

  /** Runs argv (no shell) and returns its output; a non-zero exit throws. */
  public static String run(String... argv) {
    Result r = result(List.of(argv));
    if (r.exitCode() != 0) {
      throw new IllegalStateException(
          String.join(" ", argv) + " exited " + r.exitCode() + ": " + r.output().strip());
    }
    return r.output();
  }

  public static Result result(List<String> argv) {
    try {
      Process p = new ProcessBuilder(argv).redirectErrorStream(true).start();
      p.getOutputStream().close();
      byte[] out = p.getInputStream().readAllBytes();
      if (!p.waitFor(60, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new IllegalStateException(argv + " timed out");
      }
      return new Result(p.exitValue(), new String(out, StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new IllegalStateException("cannot run " + argv + ": " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted running " + argv, e);
    }
  }

  private static void deleteLeftovers() throws IOException {
    Path dir = Path.of("/run/netns");
    if (!Files.isDirectory(dir)) {
      return;
    }
    try (var names = Files.list(dir)) {
      for (Path file : names.toList()) {
        Matcher m = OURS.matcher(file.getFileName().toString());
        if (m.find() && ProcessHandle.of(Long.parseLong(m.group(1))).isEmpty()) {
          result(List.of("ip", "netns", "del", file.getFileName().toString()));
        }
      }
    }
  }

  private synchronized void deleteNamespaces() {
    for (Process p : processes) {
      p.destroy();
      try {
        if (!p.waitFor(5, TimeUnit.SECONDS)) {
          p.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    processes.clear();
    threads.values().forEach(ExecutorService::shutdownNow);
    threads.clear();
    for (String ns : namespaces.reversed()) {
      result(List.of("ip", "netns", "del", ns));
    }
    namespaces.clear();
  }

  @Override
  public void close() {
    deleteNamespaces();
    try {
      Runtime.getRuntime().removeShutdownHook(cleanup);
    } catch (IllegalStateException shuttingDown) {
      // the hook is running or about to: it finds nothing left to do
    }
  }
}

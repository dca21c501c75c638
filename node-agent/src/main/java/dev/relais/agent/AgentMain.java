package dev.relais.agent;

import dev.relais.agent.config.ConfigStore;
import dev.relais.agent.dataplane.Dataplane;
import dev.relais.agent.dataplane.LinuxDataplane;
import dev.relais.agent.dataplane.ffm.ErrnoException;
import dev.relais.agent.dataplane.ffm.RealtimeScheduling;
import dev.relais.agent.kube.KubernetesMode;
import dev.relais.agent.observe.AgentMetrics;
import dev.relais.agent.observe.HttpEndpoints;
import dev.relais.agent.runtime.Agent;
import dev.relais.agent.runtime.BootEpochs;
import dev.relais.agent.transport.EventLoops;
import dev.relais.render.AgentConfigs;
import io.netty.channel.EventLoopGroup;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code relais-agent}: the node agent, standalone ({@code --config FILE}) or in Kubernetes mode
 * ({@code --kubernetes}: config from the rendered Secrets, node states back; see {@code
 * dev.relais.agent.kube}). A thin main over runtime/.
 */
@Command(
    name = "relais-agent",
    mixinStandardHelpOptions = true,
    description = "Relais node agent: heartbeats, election and VIP failover for this router.")
public final class AgentMain implements Callable<Integer> {
  private static final Logger LOG = LoggerFactory.getLogger(AgentMain.class);

  /** How long a Kubernetes-mode start waits for the API before starting from saved configs. */
  static final Duration API_WAIT = Duration.ofSeconds(5);

  @Spec CommandSpec spec;

  @Option(
      names = "--config",
      description =
          "Standalone mode (required without --kubernetes): rendered AgentConfig documents, or"
              + " RouterCluster + Secret YAML.")
  Path config;

  @Option(
      names = "--kubernetes",
      description =
          "Kubernetes mode: serve the rendered config Secrets that name this node in the release"
              + " namespace and write its RouterNodeStates there.")
  boolean kubernetes;

  @Option(
      names = "--kubeconfig",
      description =
          "Kubernetes mode: kubeconfig file (default: in-cluster, else $KUBECONFIG, else"
              + " ~/.kube/config).")
  Path kubeconfig;

  @Option(
      names = "--node",
      description = "This router's node name (default: $NODE_NAME, else the host name).")
  String node;

  @Option(
      names = "--namespace",
      description =
          "Kubernetes mode: the release namespace (default: $POD_NAMESPACE). Standalone: the"
              + " namespace for objects without one (default: default).")
  String namespace;

  @Option(
      names = "--vanished-grace",
      defaultValue = "PT24H",
      description =
          "Kubernetes mode: how long a cluster whose rendered Secret vanished without the"
              + " operator retiring it is still served (ISO-8601 duration).")
  Duration vanishedGrace;

  @Option(
      names = "--state-dir",
      defaultValue = "/var/lib/relais",
      description = "Where the last good configs and the boot epoch are kept.")
  Path stateDir;

  @Option(
      names = "--metrics-address",
      defaultValue = "0.0.0.0:9694",
      description = "host:port for /metrics, /healthz and /readyz; 'off' to disable.")
  String metricsAddress;

  @Option(
      names = "--realtime-priority",
      defaultValue = "10",
      description =
          "SCHED_RR priority of the heartbeat loop thread (1-99, needs CAP_SYS_NICE); 0 keeps the normal"
              + " scheduler.")
  int realtimePriority;

  @Option(
      names = "--shutdown-timeout",
      defaultValue = "PT10S",
      description = "How long SIGTERM waits for the handoff (ISO-8601 duration).")
  Duration shutdownTimeout;

  public static void main(String[] args) {
    System.exit(new CommandLine(new AgentMain()).execute(args));
  }

  /** What the mode does around the shared start: its config source, started and stopped. */
  private interface Mode {
    /** Serves the agent its config; a String is a startup error for {@link #fail}. */
    String start(Agent agent, AgentMetrics metrics) throws Exception;

    /** Before the handoff: no config change may race it. */
    void stopConfig();

    /** After the handoff. */
    void close();
  }

  @Override
  public Integer call() throws Exception {
    String self =
        node != null ? node : Objects.requireNonNullElse(System.getenv("NODE_NAME"), hostName());
    if (kubernetes == (config != null)) {
      return fail(
          kubernetes
              ? "--config and --kubernetes exclude each other: the config comes from the API"
              : "--config FILE (standalone) or --kubernetes is required");
    }
    AgentMetrics metrics = new AgentMetrics();
    String[] problem = new String[1];
    Mode mode =
        kubernetes ? kubernetesMode(self, metrics, problem) : standaloneMode(metrics, problem);
    if (mode == null) return fail(problem[0]);
    long bootEpoch;
    try {
      bootEpoch = BootEpochs.next(stateDir, System.currentTimeMillis() / 1000);
    } catch (java.io.IOException e) {
      mode.close();
      return fail("--state-dir " + stateDir + ": cannot save the boot epoch: " + e);
    }
    long warmStart = System.nanoTime();
    Agent.warmUp();
    LOG.debug("JIT warm-up took {} ms", (System.nanoTime() - warmStart) / 1_000_000);
    EventLoopGroup loops = EventLoops.single("relais-loop");
    Agent[] agentRef = new Agent[1];
    Dataplane dataplane;
    try {
      dataplane =
          LinuxDataplane.open(event -> agentRef[0].onDataplaneEvent(event), realtimePriority);
    } catch (ErrnoException e) {
      loops.shutdownGracefully();
      mode.close();
      return fail("cannot open the data plane: " + e.getMessage());
    }
    io.netty.channel.EventLoop loop = loops.next();
    if (realtimePriority > 0) {
      loop.submit(() -> RealtimeScheduling.enterRoundRobin(realtimePriority))
          .get()
          .ifPresent(
              why -> LOG.warn("node={} heartbeat loop keeps the normal scheduler: {}", self, why));
    }
    // The warm-up's garbage and code-cache growth would make the JVM run a full collection of its
    // own a second or two later ("CodeCache GC Threshold", 15-65 ms measured), possibly after the
    // startup grace: take it now, before joining, where a pause costs nothing.
    System.gc();
    Agent agent = new Agent(self, loop, System::nanoTime, dataplane, metrics, bootEpoch);
    agentRef[0] = agent;
    HttpEndpoints http = null;
    if (!metricsAddress.equals("off")) {
      int colon = metricsAddress.lastIndexOf(':');
      http =
          HttpEndpoints.start(
              new InetSocketAddress(
                  InetAddress.ofLiteral(metricsAddress.substring(0, colon)),
                  Integer.parseInt(metricsAddress.substring(colon + 1))),
              metrics::scrape,
              agent::live,
              agent::ready);
    }
    String startProblem = mode.start(agent, metrics);
    if (startProblem != null) {
      mode.close();
      dataplane.close();
      if (http != null) http.close();
      loops.shutdownGracefully();
      return fail(startProblem);
    }
    LOG.info(
        "node={} agent started (boot epoch {}, {} transport, {} mode)",
        self,
        bootEpoch,
        EventLoops.epoll() ? "epoll" : "nio",
        kubernetes ? "Kubernetes" : "standalone");

    CountDownLatch done = new CountDownLatch(1);
    HttpEndpoints endpoints = http;
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  LOG.info("node={} stopping: handing groups over", self);
                  mode.stopConfig();
                  agent.shutdown(shutdownTimeout);
                  mode.close();
                  dataplane.close();
                  if (endpoints != null) endpoints.close();
                  loops.shutdownGracefully(0, 1, java.util.concurrent.TimeUnit.SECONDS);
                  done.countDown();
                },
                "relais-shutdown"));
    done.await();
    return 0;
  }

  /** The config file, watched; its last good copy in the state directory. */
  private Mode standaloneMode(AgentMetrics metrics, String[] problem) {
    ConfigStore store =
        new ConfigStore(
            config, stateDir, Objects.requireNonNullElse(namespace, "default"), metrics);
    // Startup failures a user can fix end with one line and exit 2, not a stack trace.
    var stateDirProblem = store.stateDirProblem();
    if (stateDirProblem.isPresent()) {
      problem[0] = "--state-dir " + stateDir + " is not usable: " + stateDirProblem.get();
      return null;
    }
    AgentConfigs.Result initial = store.initial();
    if (initial instanceof AgentConfigs.Result.Rejected(String reason)) {
      problem[0] = "config " + config + " not usable: " + reason;
      return null;
    }
    return new Mode() {
      @Override
      public String start(Agent agent, AgentMetrics unused) {
        try {
          agent.apply((AgentConfigs.Result.Ok) initial);
        } catch (java.io.IOException | RuntimeException e) {
          return "config " + config + " could not be applied: " + e;
        }
        store.initialApplied();
        store.watch(agent::apply);
        return null;
      }

      @Override
      public void stopConfig() {
        try {
          store.close();
        } catch (java.io.IOException e) {
          LOG.debug("closing the config watch: {}", e.toString());
        }
      }

      @Override
      public void close() {
        stopConfig();
      }
    };
  }

  /**
   * Config from the API. Only this method names {@link KubernetesMode}, so a standalone agent loads
   * no class of it or of fabric8 (a test holds that).
   */
  private Mode kubernetesMode(String self, AgentMetrics metrics, String[] problem)
      throws InterruptedException {
    String ns = namespace != null ? namespace : System.getenv("POD_NAMESPACE");
    if (ns == null || ns.isBlank()) {
      problem[0] = "--kubernetes needs the release namespace: --namespace or $POD_NAMESPACE";
      return null;
    }
    KubernetesMode kube;
    try {
      kube =
          KubernetesMode.connect(
              new KubernetesMode.Settings(
                  self,
                  ns,
                  java.util.Optional.ofNullable(kubeconfig),
                  stateDir,
                  vanishedGrace,
                  API_WAIT,
                  version()),
              metrics);
    } catch (java.io.IOException | RuntimeException e) {
      problem[0] = "cannot use the Kubernetes API: " + e.getMessage();
      return null;
    }
    kube.listen(); // before the warm-up: see KubernetesMode.listen
    return new Mode() {
      @Override
      public String start(Agent agent, AgentMetrics unused) throws InterruptedException {
        kube.start(agent);
        return null;
      }

      @Override
      public void stopConfig() {
        kube.stopWatching();
      }

      @Override
      public void close() {
        kube.close();
      }
    };
  }

  /** The jar's Implementation-Version, or "dev" when run from classes. */
  static String version() {
    return Objects.requireNonNullElse(
        AgentMain.class.getPackage().getImplementationVersion(), "dev");
  }

  /** One line on stderr, exit code 2: for what the user can fix, no stack trace. */
  private int fail(String message) {
    spec.commandLine().getErr().println("relais-agent: " + message);
    return 2;
  }

  private static String hostName() {
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (java.net.UnknownHostException e) {
      return "localhost";
    }
  }
}

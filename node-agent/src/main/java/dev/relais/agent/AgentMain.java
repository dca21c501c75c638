package dev.relais.agent;

import dev.relais.agent.config.ConfigStore;
import dev.relais.agent.dataplane.Dataplane;
import dev.relais.agent.dataplane.LinuxDataplane;
import dev.relais.agent.dataplane.ffm.ErrnoException;
import dev.relais.agent.dataplane.ffm.RealtimeScheduling;
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

/** {@code relais-agent}: the node agent. Standalone with --config; a thin main over runtime/. */
@Command(
    name = "relais-agent",
    mixinStandardHelpOptions = true,
    description = "Relais node agent: heartbeats, election and VIP failover for this router.")
public final class AgentMain implements Callable<Integer> {
  private static final Logger LOG = LoggerFactory.getLogger(AgentMain.class);

  @Spec CommandSpec spec;

  @Option(
      names = "--config",
      required = true,
      description = "Agent config: rendered AgentConfig documents, or RouterCluster + Secret YAML.")
  Path config;

  @Option(
      names = "--node",
      description = "This router's node name (default: $NODE_NAME, else the host name).")
  String node;

  @Option(
      names = "--namespace",
      defaultValue = "default",
      description = "Namespace for objects without one.")
  String namespace;

  @Option(
      names = "--state-dir",
      defaultValue = "/var/lib/relais",
      description = "Where the last good config and the boot epoch are kept.")
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

  @Override
  public Integer call() throws Exception {
    String self =
        node != null ? node : Objects.requireNonNullElse(System.getenv("NODE_NAME"), hostName());
    AgentMetrics metrics = new AgentMetrics();
    ConfigStore store = new ConfigStore(config, stateDir, namespace, metrics);
    // Startup failures a user can fix end with one line and exit 2, not a stack trace.
    var stateDirProblem = store.stateDirProblem();
    if (stateDirProblem.isPresent()) {
      return fail("--state-dir " + stateDir + " is not usable: " + stateDirProblem.get());
    }
    AgentConfigs.Result initial = store.initial();
    if (initial instanceof AgentConfigs.Result.Rejected(String reason)) {
      return fail("config " + config + " not usable: " + reason);
    }
    long bootEpoch;
    try {
      bootEpoch = BootEpochs.next(stateDir, System.currentTimeMillis() / 1000);
    } catch (java.io.IOException e) {
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
      return fail("cannot open the data plane: " + e.getMessage());
    }
    io.netty.channel.EventLoop loop = loops.next();
    if (realtimePriority > 0) {
      loop.submit(() -> RealtimeScheduling.enterRoundRobin(realtimePriority))
          .get()
          .ifPresent(
              problem ->
                  LOG.warn("node={} heartbeat loop keeps the normal scheduler: {}", self, problem));
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
              () -> true,
              agent::ready);
    }
    try {
      agent.apply((AgentConfigs.Result.Ok) initial);
    } catch (java.io.IOException | RuntimeException e) {
      dataplane.close();
      if (http != null) http.close();
      loops.shutdownGracefully();
      return fail("config " + config + " could not be applied: " + e);
    }
    LOG.info(
        "node={} agent started (boot epoch {}, {} transport)",
        self,
        bootEpoch,
        EventLoops.epoll() ? "epoll" : "nio");
    store.initialApplied();
    store.watch(agent::apply);

    CountDownLatch done = new CountDownLatch(1);
    HttpEndpoints endpoints = http;
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  LOG.info("node={} stopping: handing groups over", self);
                  try {
                    store.close(); // no config change races the handoff
                  } catch (java.io.IOException e) {
                    LOG.debug("closing the config watch: {}", e.toString());
                  }
                  agent.shutdown(shutdownTimeout);
                  dataplane.close();
                  if (endpoints != null) endpoints.close();
                  loops.shutdownGracefully(0, 1, java.util.concurrent.TimeUnit.SECONDS);
                  done.countDown();
                },
                "relais-shutdown"));
    done.await();
    return 0;
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

package dev.relais.agent.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import dev.relais.agent.dataplane.FakeDataplane;
import dev.relais.agent.observe.AgentMetrics;
import dev.relais.render.AgentConfigs;
import io.netty.channel.DefaultEventLoop;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** /healthz and /readyz as the agent answers them. */
class AgentProbesTest {
  private final DefaultEventLoop loop = new DefaultEventLoop();
  private final AtomicLong nanos = new AtomicLong(1_000_000_000L);

  @AfterEach
  void stop() {
    loop.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS).syncUninterruptibly();
  }

  private Agent agent(String node) {
    HeartbeatPaths.Opener nowhere =
        (model, self, receiver) ->
            new PathSender() {
              @Override
              public void send(int path, byte[] data, int length) {}

              @Override
              public void close() {}
            };
    return new Agent(
        node,
        loop,
        nanos::get,
        new FakeDataplane(e -> {}),
        new AgentMetrics(),
        nowhere,
        1,
        Clock.systemUTC());
  }

  @Test
  void livenessFailsOnlyOnceTheLoopHasBeenStuckForTheThreshold() throws Exception {
    Agent agent = agent("a");
    assertThat(agent.live()).isTrue();
    awaitLoopIdle();

    CountDownLatch release = new CountDownLatch(1);
    loop.execute(
        () -> {
          try {
            release.await();
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        });
    assertThat(agent.live()).as("posts a probe behind the stuck task").isTrue();
    nanos.addAndGet(Agent.STUCK_AFTER.minusSeconds(1).toNanos());
    assertThat(agent.live()).as("stuck, but not for long enough").isTrue();
    nanos.addAndGet(Duration.ofSeconds(2).toNanos());
    assertThat(agent.live()).as("stuck past the threshold").isFalse();

    release.countDown();
    awaitLoopIdle();
    assertThat(agent.live()).isTrue();
  }

  private void awaitLoopIdle() throws Exception {
    loop.submit(() -> {}).get(5, TimeUnit.SECONDS);
  }

  @Test
  void anAgentServingNoClusterIsReadyOnlyWhereThatIsNormal() throws IOException {
    Agent agent = agent("elsewhere");
    assertThat(agent.ready()).as("before any config").isFalse();
    agent.apply(new AgentConfigs.Result.Ok(java.util.List.of(RuntimeLab.config())));

    assertThat(agent.ready()).as("standalone, named by no cluster").isFalse();
    agent.readyWithoutClusters(true);
    assertThat(agent.ready()).as("Kubernetes mode, named by no cluster").isTrue();
    assertThat(agent.live()).isTrue();
  }
}

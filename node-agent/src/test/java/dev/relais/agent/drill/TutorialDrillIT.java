package dev.relais.agent.drill;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The README's main job, run as CI runs it: two real agent processes and a client in network
 * namespaces replay the heartbeat tutorial (lab/drill.sh). Bounds are loose on purpose (2 shared
 * cores); the real figures come from lab/bench-failover.sh and docs/benchmarks.md.
 */
@Tag("netns")
class TutorialDrillIT {
  private static final Pattern RESULT =
      Pattern.compile("^RESULT step=(\\S+) .* outage_ms=(\\S+) lost=(\\S+) verdict=(\\S+)$");

  @Test
  void theTutorialsFailoverFailbackAndSwitchoverHappenWithTheFastProfile() throws Exception {
    requireRoot();
    Path drill = Path.of("..", "lab", "drill.sh").toAbsolutePath().normalize();
    Path log = Files.createTempFile("relais-drill", ".log");
    Process process =
        new ProcessBuilder("bash", drill.toString(), "--profile", "fast", "--quiet")
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .start();
    String output;
    try {
      assertThat(process.waitFor(180, TimeUnit.SECONDS))
          .as("drill finished within 3 minutes")
          .isTrue();
    } finally {
      // SIGTERM lets the drill's trap delete its namespaces even if we give up on it.
      process.destroy();
      process.waitFor(30, TimeUnit.SECONDS);
      output = Files.readString(log);
      Files.delete(log);
    }
    Map<String, String[]> steps = new LinkedHashMap<>();
    for (String line : output.lines().toList()) {
      Matcher m = RESULT.matcher(line);
      if (m.matches()) steps.put(m.group(1), new String[] {m.group(2), m.group(4), m.group(3)});
    }

    assertThat(steps.keySet())
        .as(output)
        .containsExactly("start", "ping", "poweroff", "failback", "switchover");
    steps.forEach((step, r) -> assertThat(r[1]).as(step + "\n" + output).isEqualTo("ok"));
    assertThat(process.exitValue()).as(output).isZero();
    assertThat(outage(steps, "poweroff")).as("power-off outage, ms").isLessThan(3000);
    assertThat(outage(steps, "failback")).as("failback outage, ms").isLessThan(1000);
    assertThat(outage(steps, "switchover")).as("switchover outage, ms").isLessThan(1000);
    // Planned moves are make-before-break: at most a few probes, even on two busy shared cores.
    assertThat(Integer.parseInt(steps.get("failback")[2]))
        .as("probes lost on failback")
        .isLessThan(20);
    assertThat(Integer.parseInt(steps.get("switchover")[2]))
        .as("probes lost on switchover")
        .isLessThan(20);
    Matcher prefix = Pattern.compile("(?m)^NAMESPACES (\\S+)\\*$").matcher(output);
    assertThat(prefix.find()).as(output).isTrue();
    assertThat(namespacesStartingWith(prefix.group(1))).as("namespaces left behind").isEmpty();
  }

  private static int outage(Map<String, String[]> steps, String step) {
    return Integer.parseInt(steps.get(step)[0]);
  }

  private static List<String> namespacesStartingWith(String prefix)
      throws IOException, InterruptedException {
    Process p = new ProcessBuilder("ip", "netns", "list").start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    p.waitFor(10, TimeUnit.SECONDS);
    return out.lines().filter(l -> l.startsWith(prefix)).toList();
  }

  private static void requireRoot() throws IOException {
    boolean root =
        "0"
            .equals(
                Files.readString(Path.of("/proc/self/status"))
                    .lines()
                    .filter(l -> l.startsWith("Uid:"))
                    .findFirst()
                    .map(l -> l.split("\\s+")[1])
                    .orElse(""));
    if (!root) {
      if ("true".equals(System.getenv("CI"))) {
        throw new AssertionError(
            "the drill needs root for network namespaces; CI must run as root");
      }
      Assumptions.abort("not root: the drill needs network namespaces");
    }
  }
}

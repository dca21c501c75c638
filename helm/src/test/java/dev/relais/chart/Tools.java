package dev.relais.chart;

import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * The external programs the chart tests run (helm from bin/install-tools, lua5.1 from Debian), and
 * where the repository is. A missing tool fails the test under CI=true and skips it otherwise, so a
 * developer without them can still build.
 */
final class Tools {
  private Tools() {}

  /** The module directory: Surefire runs tests there. */
  static final Path MODULE = Path.of("").toAbsolutePath();

  static final Path ROOT = MODULE.getParent();
  static final Path CHART = MODULE.resolve("relais");

  /** What a finished program printed. */
  record Result(int exit, String out, String err) {
    String both() {
      return out + err;
    }
  }

  static Path helm() {
    return require("helm", System.getenv("RELAIS_HELM"), ROOT.resolve(".tools/bin/helm"));
  }

  static Path lua() {
    return require("lua5.1", System.getenv("RELAIS_LUA"), Path.of("/usr/bin/lua5.1"));
  }

  private static Path require(String name, String override, Path fallback) {
    Path tool = override != null && !override.isBlank() ? Path.of(override) : fallback;
    if (Files.isExecutable(tool)) return tool;
    String why = name + " not found at " + tool + " (run bin/install-tools)";
    if ("true".equals(System.getenv("CI"))) fail(why);
    Assumptions.abort(why);
    throw new AssertionError("unreachable");
  }

  static Result run(List<String> command) {
    return run(command, Map.of(), null);
  }

  /** Runs a program with extra environment and optional standard input; at most 120 s. */
  static Result run(List<String> command, Map<String, String> env, String stdin) {
    try {
      Path out = Files.createTempFile("relais-chart-out", ".txt");
      Path err = Files.createTempFile("relais-chart-err", ".txt");
      try {
        ProcessBuilder pb =
            new ProcessBuilder(new ArrayList<>(command))
                .redirectOutput(out.toFile())
                .redirectError(err.toFile());
        pb.environment().putAll(env);
        Process p = pb.start();
        try (var in = p.getOutputStream()) {
          if (stdin != null) in.write(stdin.getBytes(StandardCharsets.UTF_8));
        }
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
          p.destroyForcibly();
          fail(command + " did not finish in 120 s");
        }
        return new Result(p.exitValue(), Files.readString(out), Files.readString(err));
      } finally {
        Files.deleteIfExists(out);
        Files.deleteIfExists(err);
      }
    } catch (IOException e) {
      throw new AssertionError("cannot run " + command, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted running " + command, e);
    }
  }
}

package dev.relais.chart;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * What can be checked of the images without Docker: the Dockerfiles copy what Maven builds, their
 * entry point is bin/lib/jvm-flags.sh, and that entry point and the launchers hand java the same
 * flags (both run here against a stand-in java that records its arguments).
 */
class ImagesTest {
  private static final Path IMAGES = Tools.ROOT.resolve("images");

  /** One Dockerfile, read: base image, COPY source → destination, entry point. */
  record Dockerfile(String from, Map<String, String> copies, List<String> entrypoint) {
    static Dockerfile read(Path file) throws IOException {
      String from = null;
      Map<String, String> copies = new HashMap<>();
      List<String> entrypoint = List.of();
      for (String line : Files.readAllLines(file)) {
        String[] words = line.trim().split("\\s+");
        switch (words[0]) {
          case "FROM" -> from = words[1];
          case "COPY" -> {
            String dest = words[words.length - 1];
            // As Docker copies: a directory (written with a trailing slash here) has its
            // contents copied into dest; a file goes into dest/ under its own name.
            for (int i = 1; i < words.length - 1; i++) {
              String src = words[i].replaceAll("/$", "");
              boolean directory = words[i].endsWith("/");
              String into = dest.replaceAll("/$", "");
              copies.put(
                  src,
                  directory || !dest.endsWith("/")
                      ? into
                      : into + "/" + Path.of(src).getFileName());
            }
          }
          case "ENTRYPOINT" -> {
            JsonNode array =
                new ObjectMapper().readTree(line.trim().substring("ENTRYPOINT".length()));
            entrypoint = RenderedChart.texts(array);
          }
          default -> {}
        }
      }
      return new Dockerfile(from, copies, entrypoint);
    }
  }

  /** What Maven builds for a module: target/<finalName>.jar and target/lib. */
  private static String finalName(String module) throws IOException {
    Matcher m =
        Pattern.compile("<finalName>([^<]+)</finalName>")
            .matcher(Files.readString(Tools.ROOT.resolve(module).resolve("pom.xml")));
    assertThat(m.find()).as("%s/pom.xml names its jar", module).isTrue();
    return m.group(1);
  }

  @ParameterizedTest(name = "[{index}] {0}")
  @CsvSource({"agent, node-agent", "operator, operator"})
  void dockerfileCopiesWhatMavenBuildsAndEntersThroughTheLauncherScript(
      String component, String module) throws IOException {
    Dockerfile d = Dockerfile.read(IMAGES.resolve(component + ".Dockerfile"));
    assertThat(d.from()).isEqualTo("eclipse-temurin:25-jre");
    String jar = module + "/target/" + finalName(module) + ".jar";
    String lib = module + "/target/lib";
    assertThat(d.copies()).containsKeys(jar, lib, "bin/lib/java.sh", "bin/lib/jvm-flags.sh");
    assertThat(Files.readString(Tools.ROOT.resolve(module).resolve("pom.xml")))
        .as("%s copies its runtime dependencies into target/lib", module)
        .contains("<outputDirectory>${project.build.directory}/lib</outputDirectory>");
    for (String src : d.copies().keySet()) {
      if (src.startsWith("bin/")) assertThat(Tools.ROOT.resolve(src)).isRegularFile();
    }
    Path jarDir = Path.of(d.copies().get(jar)).getParent();
    assertThat(d.copies().get(lib)).isEqualTo(jarDir.resolve("lib").toString());
    assertThat(d.entrypoint())
        .containsExactly(d.copies().get("bin/lib/jvm-flags.sh"), component, jarDir.toString());
    assertThat(Path.of(d.copies().get("bin/lib/java.sh")).getParent())
        .isEqualTo(Path.of(d.copies().get("bin/lib/jvm-flags.sh")).getParent());
    assertThat(Files.isExecutable(Tools.ROOT.resolve("bin/lib/jvm-flags.sh"))).isTrue();
    // The build context is the repository: only the copied files may enter it.
    List<String> ignore =
        Files.readAllLines(IMAGES.resolve(component + ".Dockerfile.dockerignore"));
    assertThat(ignore).contains("*");
    for (String src : d.copies().keySet()) assertThat(ignore).contains("!" + src);
  }

  @Test
  void agentImageAndLauncherRunTheSameJava(@TempDir Path tmp) throws IOException {
    Path repo = fakeRepository(tmp);
    Map<String, String> env = fakeJava(tmp);
    List<String> launcher =
        javaArgs(tmp, env, repo.resolve("bin/relais-agent").toString(), "--node", "maitre");
    List<String> image =
        javaArgs(
            tmp,
            env,
            repo.resolve("bin/lib/jvm-flags.sh").toString(),
            "agent",
            "/opt/relais/agent",
            "--node",
            "maitre");
    String launcherJar = repo.resolve("node-agent/target/relais-node-agent.jar").toString();
    assertThat(launcher).contains(launcherJar);
    assertThat(replace(launcher, launcherJar, "/opt/relais/agent/relais-node-agent.jar"))
        .isEqualTo(image);
    assertThat(image)
        .containsSubsequence(pomFlags())
        .contains("-Djava.io.tmpdir=/run/relais-test", "-Dio.netty.native.workdir=/run/relais-test")
        .contains("-XX:+UseSerialGC", "-Xmx48m", "-Xshare:off")
        .endsWith("-jar", "/opt/relais/agent/relais-node-agent.jar", "--node", "maitre");
  }

  @Test
  void operatorImageAndLauncherRunTheSameJava(@TempDir Path tmp) throws IOException {
    Path repo = fakeRepository(tmp);
    Map<String, String> env = fakeJava(tmp);
    List<String> launcher =
        javaArgs(
            tmp,
            env,
            repo.resolve("bin/relais-operator").toString(),
            "--namespace",
            "relais-system");
    List<String> image =
        javaArgs(
            tmp,
            env,
            repo.resolve("bin/lib/jvm-flags.sh").toString(),
            "operator",
            "/opt/relais/operator",
            "--namespace",
            "relais-system");
    String launcherCp =
        repo.resolve("operator/target")
            + "/relais-operator.jar:"
            + repo.resolve("operator/target")
            + "/lib/*";
    assertThat(launcher).contains(launcherCp);
    assertThat(
            replace(
                launcher,
                launcherCp,
                "/opt/relais/operator/relais-operator.jar:/opt/relais/operator/lib/*"))
        .isEqualTo(image);
    assertThat(image)
        .containsSubsequence(pomFlags())
        .endsWith("dev.relais.operator.OperatorMain", "--namespace", "relais-system");
  }

  @Test
  void jvmOptionsReplaceTheDefaultsInBoth(@TempDir Path tmp) throws IOException {
    Path repo = fakeRepository(tmp);
    Map<String, String> env = fakeJava(tmp);
    env.put("RELAIS_JVM_OPTS", "-Xmx64m -XX:+UseSerialGC");
    List<String> image =
        javaArgs(
            tmp,
            env,
            repo.resolve("bin/lib/jvm-flags.sh").toString(),
            "agent",
            "/opt/relais/agent");
    assertThat(image).contains("-Xmx64m").doesNotContain("-Xmx48m", "-Xshare:off");
    assertThat(javaArgs(tmp, env, repo.resolve("bin/relais-agent").toString()))
        .contains("-Xmx64m")
        .doesNotContain("-Xmx48m");
  }

  /** The flags the parent pom gives the tests (relais.jvm.flags), which every launch must carry. */
  private static List<String> pomFlags() throws IOException {
    Matcher m =
        Pattern.compile("<relais.jvm.flags>([^<]+)</relais.jvm.flags>")
            .matcher(Files.readString(Tools.ROOT.resolve("pom.xml")));
    assertThat(m.find()).isTrue();
    return Arrays.asList(m.group(1).trim().split("\\s+"));
  }

  private static List<String> replace(List<String> args, String from, String to) {
    return args.stream().map(a -> a.equals(from) ? to : a).toList();
  }

  /**
   * The launchers' scripts in a scratch tree with jars newer than every source they compare, so
   * they start java at once instead of building.
   */
  private static Path fakeRepository(Path tmp) throws IOException {
    Path repo = tmp.resolve("repo");
    for (String script :
        List.of(
            "bin/relais-agent", "bin/relais-operator", "bin/lib/java.sh", "bin/lib/jvm-flags.sh")) {
      Path to = repo.resolve(script);
      Files.createDirectories(to.getParent());
      Files.copy(Tools.ROOT.resolve(script), to);
      Files.setPosixFilePermissions(to, PosixFilePermissions.fromString("rwxr-xr-x"));
    }
    FileTime old = FileTime.fromMillis(946_684_800_000L);
    for (String source : List.of("node-agent/src/main", "operator/src/main", "crds/src/main")) {
      Files.setLastModifiedTime(Files.createDirectories(repo.resolve(source)), old);
    }
    for (String pom : List.of("node-agent/pom.xml", "operator/pom.xml", "pom.xml")) {
      Files.createDirectories(repo.resolve(pom).getParent());
      Files.setLastModifiedTime(Files.writeString(repo.resolve(pom), "<project/>"), old);
    }
    for (String module :
        List.of("node-agent/target/relais-node-agent.jar", "operator/target/relais-operator.jar")) {
      Path jar = repo.resolve(module);
      Files.createDirectories(jar.getParent().resolve("lib"));
      Files.writeString(jar, "");
    }
    return repo;
  }

  /** A JAVA_HOME whose java says it is 25 and records its arguments, one a line. */
  private static Map<String, String> fakeJava(Path tmp) throws IOException {
    Path java = Files.createDirectories(tmp.resolve("jdk/bin")).resolve("java");
    Files.writeString(
        java,
        """
        #!/usr/bin/env bash
        if [ "$1" = -XshowSettings:properties ]; then
          echo '    java.specification.version = 25' >&2
          exit 0
        fi
        printf '%s\\n' "$@" > "$RELAIS_ARGS_OUT"
        """);
    Files.setPosixFilePermissions(java, PosixFilePermissions.fromString("rwxr-xr-x"));
    Map<String, String> env = new HashMap<>();
    env.put("JAVA_HOME", tmp.resolve("jdk").toString());
    env.put("RELAIS_TMPDIR", "/run/relais-test");
    env.put("RELAIS_ARGS_OUT", tmp.resolve("args.txt").toString());
    return env;
  }

  private static List<String> javaArgs(Path tmp, Map<String, String> env, String... command)
      throws IOException {
    Path out = tmp.resolve("args.txt");
    Files.deleteIfExists(out);
    Map<String, String> all = new HashMap<>(env);
    all.putIfAbsent("RELAIS_JVM_OPTS", "");
    if (all.get("RELAIS_JVM_OPTS").isEmpty()) all.remove("RELAIS_JVM_OPTS");
    Tools.Result r = Tools.run(new ArrayList<>(List.of(command)), all, null);
    assertThat(r.exit()).as("%s: %s", List.of(command), r.both()).isZero();
    return Files.readAllLines(out);
  }
}

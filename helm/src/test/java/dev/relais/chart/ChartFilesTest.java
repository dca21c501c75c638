package dev.relais.chart;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** Files of the chart that need no helm: CRD copies, documented values. */
class ChartFilesTest {
  private static final Path GENERATED = Tools.ROOT.resolve("crds/generated");
  private static final Path CHART_CRDS = Tools.CHART.resolve("crds");

  private static List<String> names(Path dir) throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      return files.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }

  @Test
  void chartCrdsAreByteForByteTheGeneratedOnes() throws IOException {
    List<String> generated = names(GENERATED);
    assertThat(generated).isNotEmpty();
    assertThat(names(CHART_CRDS))
        .as(
            "helm/relais/crds/ must hold exactly crds/generated/ (cp crds/generated/*.yml helm/relais/crds/)")
        .isEqualTo(generated);
    for (String name : generated) {
      byte[] copy = Files.readAllBytes(CHART_CRDS.resolve(name));
      byte[] original = Files.readAllBytes(GENERATED.resolve(name));
      // Compared as text first for a readable difference, then byte for byte.
      assertThat(new String(copy, StandardCharsets.UTF_8))
          .as("helm/relais/crds/%s differs from crds/generated/%s: copy it again", name, name)
          .isEqualTo(new String(original, StandardCharsets.UTF_8));
      assertThat(copy).isEqualTo(original);
    }
  }

  /**
   * Every leaf of values.yaml has a comment right above it, or sits in a nested block whose key has
   * one (resources, nodeSelector: data documented as a whole).
   */
  @Test
  void everyValueIsCommented() throws IOException {
    List<String> lines = Files.readAllLines(Tools.CHART.resolve("values.yaml"));
    Pattern key = Pattern.compile("^( *)([A-Za-z][A-Za-z0-9./-]*):(.*)$");
    // Indentation -> whether the key open at that indentation is commented.
    java.util.TreeMap<Integer, Boolean> open = new java.util.TreeMap<>();
    List<String> undocumented = new ArrayList<>();
    int leaves = 0;
    for (int i = 0; i < lines.size(); i++) {
      Matcher m = key.matcher(lines.get(i));
      if (!m.matches()) continue;
      int indent = m.group(1).length();
      open.tailMap(indent, true).clear();
      boolean commented = i > 0 && lines.get(i - 1).trim().startsWith("#");
      // Top-level section headers do not count: each key under them needs its own comment.
      boolean inherited = open.tailMap(1, true).containsValue(true);
      open.put(indent, commented);
      if (m.group(3).trim().isEmpty()) continue;
      leaves++;
      if (!commented && !inherited) undocumented.add((i + 1) + ": " + lines.get(i));
    }
    assertThat(leaves).isGreaterThan(40);
    assertThat(undocumented).as("values.yaml keys without a comment").isEmpty();
  }
}

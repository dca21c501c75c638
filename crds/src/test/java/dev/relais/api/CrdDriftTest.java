package dev.relais.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.crdv2.generator.CRDGenerator;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The committed CRD YAML equals what the generator makes from the Java types now. On failure:
 * {@code ./mvnw -pl crds process-classes -Pupdate-crds}, then review and commit crds/generated/.
 */
class CrdDriftTest {
  static final String HOW_TO_FIX =
      "crds/generated/ is stale: run ./mvnw -pl crds process-classes -Pupdate-crds and commit it";

  @Test
  void committedCrdsMatchTheJavaTypes(@TempDir Path out) throws IOException {
    CrdFiles.generator(out.toFile()).generate();
    for (Path committed : new Path[] {CrdSchema.ROUTER_CLUSTERS, CrdSchema.ROUTER_NODE_STATES}) {
      assertThat(Files.readString(out.resolve(committed.getFileName())))
          .as(HOW_TO_FIX)
          .isEqualTo(Files.readString(committed));
    }
  }

  @Test
  void aFieldAddedWithoutRegeneratingIsCaught(@TempDir Path out) throws IOException {
    new CRDGenerator()
        .inOutputDir(out.toFile())
        .forCRDVersions("v1")
        .customResourceClasses(dev.relais.api.drift.RouterCluster.class)
        .generate();
    String regenerated = Files.readString(out.resolve(CrdSchema.ROUTER_CLUSTERS.getFileName()));
    assertThat(regenerated)
        .contains("addedLater")
        .isNotEqualTo(Files.readString(CrdSchema.ROUTER_CLUSTERS));
  }
}

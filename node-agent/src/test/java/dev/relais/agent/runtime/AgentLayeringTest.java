package dev.relais.agent.runtime;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/** The agent's package rules beyond the protocol's and the data plane's own. */
class AgentLayeringTest {
  private static final JavaClasses AGENT =
      new ClassFileImporter()
          .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
          .importPackages("dev.relais.agent");

  @Test
  void onlyKubernetesModeMeetsTheKubernetesClient() {
    noClasses()
        .that()
        .resideOutsideOfPackage("dev.relais.agent.kube..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage("io.fabric8..", "io.javaoperatorsdk..")
        .check(AGENT);
  }

  @Test
  void theFailoverPathNeverTouchesKubernetes() {
    noClasses()
        .that()
        .resideInAnyPackage(
            "dev.relais.agent.protocol..",
            "dev.relais.agent.transport..",
            "dev.relais.agent.dataplane..",
            "dev.relais.agent.runtime..",
            "dev.relais.agent.config..",
            "dev.relais.agent.observe..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage("dev.relais.agent.kube..", "io.fabric8..", "io.javaoperatorsdk..")
        .check(AGENT);
  }

  @Test
  void onlyTheRuntimeReadsTheClockForTheProtocol() {
    noClasses()
        .that()
        .resideInAnyPackage("dev.relais.agent.protocol..", "dev.relais.agent.transport..")
        .should()
        .callMethod(System.class, "nanoTime")
        .orShould()
        .callMethod(System.class, "currentTimeMillis")
        .check(AGENT);
  }

  @Test
  void theTransportKnowsOnlyDatagrams() {
    noClasses()
        .that()
        .resideInAPackage("dev.relais.agent.transport..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(
            "dev.relais.agent.protocol..",
            "dev.relais.agent.dataplane..",
            "dev.relais.agent.runtime..",
            "dev.relais.agent.config..")
        .check(AGENT);
  }
}

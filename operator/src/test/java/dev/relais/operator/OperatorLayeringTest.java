package dev.relais.operator;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/**
 * The operator's layering: the aggregator and the config planner (which calls the shared validator
 * and renderer) decide without any client, so they are tested as tables; only {@code reconciler}
 * and the main class touch the API.
 */
class OperatorLayeringTest {
  static final JavaClasses OPERATOR =
      new ClassFileImporter()
          .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
          .importPackages("dev.relais.operator", "dev.relais.model", "dev.relais.render");

  @Test
  void pureDecisionsCallNoApiClientAndNoJosdk() {
    noClasses()
        .that()
        .resideInAnyPackage(
            "dev.relais.operator.status..",
            "dev.relais.operator.config..",
            "dev.relais.model..",
            "dev.relais.render..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(
            "io.fabric8.kubernetes.client.dsl..",
            "io.fabric8.kubernetes.client.informers..",
            "io.javaoperatorsdk..",
            "java.net.http..")
        .orShould()
        .dependOnClassesThat()
        .haveFullyQualifiedName("io.fabric8.kubernetes.client.KubernetesClient")
        .because("status and config decisions are pure functions of what the reconciler read")
        .check(OPERATOR);
  }

  @Test
  void pureDecisionsReadNoClock() {
    noClasses()
        .that()
        .resideInAnyPackage("dev.relais.operator.status..", "dev.relais.operator.config..")
        .should()
        .callMethod(java.time.Instant.class, "now")
        .orShould()
        .callMethod(System.class, "currentTimeMillis")
        .orShould()
        .callMethod(java.time.Clock.class, "systemUTC")
        .because("time comes in as a Clock, so status tables are deterministic")
        .check(OPERATOR);
  }

  @Test
  void reconcilersOnlyWireIoToThePureParts() {
    noClasses()
        .that()
        .resideInAPackage("dev.relais.operator.reconciler..")
        .should()
        .dependOnClassesThat()
        .haveFullyQualifiedName("dev.relais.model.RouterClusterTranslator")
        .orShould()
        .dependOnClassesThat()
        .haveFullyQualifiedName("dev.relais.render.AgentConfigRenderer")
        .orShould()
        .dependOnClassesThat()
        .haveFullyQualifiedName("dev.relais.model.RouterClusterValidator")
        .because("validating and rendering happen in ConfigPlanner, not beside the I/O")
        .check(OPERATOR);
  }
}

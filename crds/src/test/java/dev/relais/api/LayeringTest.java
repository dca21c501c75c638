package dev.relais.api;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/** The API types, model and validator are pure: they never call an API. */
class LayeringTest {
  private static final JavaClasses CRDS =
      new ClassFileImporter()
          .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
          .importPackages("dev.relais");

  @Test
  void apiAndModelNeverUseAKubernetesClientOrTheOperatorSdk() {
    noClasses()
        .that()
        .resideInAnyPackage("dev.relais.api..", "dev.relais.model..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(
            "io.fabric8.kubernetes.client.dsl..",
            "io.fabric8.kubernetes.client.informers..",
            "io.javaoperatorsdk..")
        .orShould()
        .dependOnClassesThat()
        .haveFullyQualifiedName("io.fabric8.kubernetes.client.KubernetesClient")
        .check(CRDS);
  }

  @Test
  void theModelNeverDependsOnNetworkingOrThreads() {
    noClasses()
        .that()
        .resideInAPackage("dev.relais.model..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage("java.net.http..", "java.nio.channels..", "java.util.concurrent..")
        .check(CRDS);
  }
}

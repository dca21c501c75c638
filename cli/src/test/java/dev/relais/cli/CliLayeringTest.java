package dev.relais.cli;

import static com.tngtech.archunit.base.DescribedPredicate.not;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.equivalentTo;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAnyPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import io.fabric8.kubernetes.client.CustomResource;
import org.junit.jupiter.api.Test;

/** The command line works offline: no node agent, no Kubernetes client, no operator SDK. */
class CliLayeringTest {
  private static final JavaClasses CLI =
      new ClassFileImporter()
          .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
          .importPackages("dev.relais.cli");

  @Test
  void theCliNeverDependsOnTheNodeAgentOrAKubernetesClient() {
    noClasses()
        .that()
        .resideInAPackage("dev.relais.cli..")
        .should()
        .dependOnClassesThat(
            resideInAnyPackage(
                    "dev.relais.agent..", "io.fabric8.kubernetes.client..", "io.javaoperatorsdk..")
                // RouterCluster's base class: a model type that lives in the client-api jar.
                .and(not(equivalentTo(CustomResource.class))))
        .check(CLI);
  }
}

package dev.relais.agent.dataplane;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/** The data plane stays a leaf: no protocol, no netty, no Kubernetes; native code in one place. */
class DataplaneArchitectureTest {
  private static final JavaClasses MAIN =
      new ClassFileImporter()
          .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
          .importPackages("dev.relais.agent");

  @Test
  void theDataplaneDependsOnNoProtocolNettyOrKubernetesCode() {
    noClasses()
        .that()
        .resideInAPackage("dev.relais.agent.dataplane..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(
            "dev.relais.agent.protocol..",
            "io.netty..",
            "io.fabric8..",
            "io.javaoperatorsdk..",
            "io.kubernetes..",
            "dev.relais.api..")
        .check(MAIN);
  }

  @Test
  void onlyTheFfmPackagesUseTheForeignFunctionApi() {
    noClasses()
        .that()
        .resideOutsideOfPackages("dev.relais.agent.dataplane.ffm", "dev.relais.agent.transport.ffm")
        .should()
        .dependOnClassesThat()
        .resideInAPackage("java.lang.foreign..")
        .check(MAIN);
  }
}

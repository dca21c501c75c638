package dev.relais.agent.protocol;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDateTime;
import org.junit.jupiter.api.Test;

/** The protocol is a pure machine: the JDK's java.* and javax.crypto.* and nothing else. */
class ProtocolLayeringTest {
  private static final JavaClasses PROTOCOL =
      new ClassFileImporter()
          .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
          .importPackages("dev.relais.agent.protocol");

  @Test
  void protocolDependsOnlyOnJavaAndJavaxCrypto() {
    classes()
        .that()
        .resideInAPackage("dev.relais.agent.protocol..")
        .should()
        .onlyDependOnClassesThat()
        .resideInAnyPackage("dev.relais.agent.protocol..", "java..", "javax.crypto..")
        .check(PROTOCOL);
  }

  @Test
  void protocolReadsNoClockStartsNoThreadAndDoesNoIo() {
    noClasses()
        .that()
        .resideInAPackage("dev.relais.agent.protocol..")
        .should()
        .callMethod(System.class, "nanoTime")
        .orShould()
        .callMethod(System.class, "currentTimeMillis")
        .orShould()
        .dependOnClassesThat()
        .belongToAnyOf(Thread.class, Clock.class, Instant.class, LocalDateTime.class)
        .orShould()
        .dependOnClassesThat()
        .resideInAnyPackage(
            "java.util.concurrent..",
            "java.net..",
            "java.nio.channels..",
            "java.nio.file..",
            "java.io..")
        .check(PROTOCOL);
  }
}

package dev.relais.api;

import dev.relais.api.v1alpha1.RouterCluster;
import dev.relais.api.v1alpha1.RouterNodeState;
import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.crdv2.generator.CRDGenerator;
import io.fabric8.crdv2.generator.CRDPostProcessor;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceColumnDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionVersion;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * Writes the CRD YAML of the API types with fabric8's generator (the build runs {@link #main} at
 * process-classes), then puts each CRD's printer columns in the order their {@link
 * AdditionalPrinterColumn} annotations are declared: the generator sorts them by jsonPath, which
 * put AGE (.metadata) first, and kubectl shows them in the CRD's order.
 */
public final class CrdFiles {
  public static final List<Class<? extends HasMetadata>> RESOURCES =
      List.of(RouterCluster.class, RouterNodeState.class);

  private CrdFiles() {}

  public static CRDGenerator generator(File outputDir) {
    return new CRDGenerator()
        .inOutputDir(outputDir)
        .forCRDVersions("v1")
        .customResourceClasses(RESOURCES)
        .withPostProcessor(new DeclaredColumnOrder());
  }

  /**
   * {@code args[0]}: the output directory, made if missing (the generator only writes into one).
   */
  public static void main(String[] args) throws IOException {
    generator(Files.createDirectories(Path.of(args[0])).toFile()).generate();
  }

  private static final class DeclaredColumnOrder implements CRDPostProcessor {
    @Override
    public HasMetadata process(HasMetadata crd, String crdSpecVersion) {
      Class<? extends HasMetadata> type =
          RESOURCES.stream()
              .filter(r -> HasMetadata.getFullResourceName(r).equals(crd.getMetadata().getName()))
              .findFirst()
              .orElseThrow();
      List<String> declared =
          Arrays.stream(type.getAnnotationsByType(AdditionalPrinterColumn.class))
              .map(AdditionalPrinterColumn::name)
              .toList();
      for (CustomResourceDefinitionVersion version :
          ((CustomResourceDefinition) crd).getSpec().getVersions()) {
        List<CustomResourceColumnDefinition> columns =
            new ArrayList<>(version.getAdditionalPrinterColumns());
        columns.sort(Comparator.comparingInt(c -> declared.indexOf(c.getName())));
        version.setAdditionalPrinterColumns(columns);
      }
      return crd;
    }
  }
}

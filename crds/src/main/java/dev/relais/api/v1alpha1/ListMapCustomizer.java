package dev.relais.api.v1alpha1;

import io.fabric8.crdv2.generator.v1.SchemaCustomizer;
import io.fabric8.kubernetes.api.model.apiextensions.v1.JSONSchemaProps;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.util.Arrays;

/**
 * Marks lists as {@code x-kubernetes-list-type: map} keyed by the given fields. The generator has
 * no annotation for it, and its merge-patch customizer replaces whole property maps (java-stack.md
 * §2). Input: {@code list=key[,key];list2=key}.
 */
public class ListMapCustomizer implements SchemaCustomizer.Customizer {
  @Override
  public JSONSchemaProps apply(
      JSONSchemaProps props, String input, KubernetesSerialization serialization) {
    for (String entry : input.split(";")) {
      String[] listAndKeys = entry.split("=", 2);
      JSONSchemaProps list = props.getProperties().get(listAndKeys[0].trim());
      if (list == null) {
        throw new IllegalArgumentException("no list property " + listAndKeys[0]);
      }
      list.setXKubernetesListType("map");
      list.setXKubernetesListMapKeys(
          Arrays.stream(listAndKeys[1].split(",")).map(String::trim).toList());
    }
    return props;
  }
}

package dev.relais.api.v1alpha1;

import io.fabric8.crdv2.generator.v1.SchemaCustomizer;
import io.fabric8.kubernetes.api.model.apiextensions.v1.JSONSchemaProps;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;

/**
 * Sets string formats the generator cannot infer from a {@code String} field: {@code date-time} for
 * RFC 3339 times (kubectl and the API server then treat them as times), and {@code revision} as a
 * pattern for config revisions. Input: {@code field=format;field2=format}.
 */
public class FormatCustomizer implements SchemaCustomizer.Customizer {
  /** A config revision: 16 lower-case hex digits (64 bits of a keyed content hash). */
  public static final String REVISION_PATTERN = "^[0-9a-f]{16}$";

  @Override
  public JSONSchemaProps apply(
      JSONSchemaProps props, String input, KubernetesSerialization serialization) {
    for (String entry : input.split(";")) {
      String[] fieldAndFormat = entry.split("=", 2);
      JSONSchemaProps field = props.getProperties().get(fieldAndFormat[0].trim());
      if (field == null) {
        throw new IllegalArgumentException("no property " + fieldAndFormat[0]);
      }
      switch (fieldAndFormat[1].trim()) {
        case "revision" -> field.setPattern(REVISION_PATTERN);
        case String format -> field.setFormat(format);
      }
    }
    return props;
  }
}

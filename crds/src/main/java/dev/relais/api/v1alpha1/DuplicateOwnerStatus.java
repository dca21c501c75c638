package dev.relais.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.crdv2.generator.v1.SchemaCustomizer;
import java.util.List;

/** The duplicate-owner probe's finding: a VIP answered by more than one link-layer address. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@SchemaCustomizer(value = FormatCustomizer.class, input = "since=date-time")
public class DuplicateOwnerStatus {
  @JsonPropertyDescription("The VIP group.")
  public String vipGroup;

  @JsonPropertyDescription("The address answered twice.")
  public String address;

  @JsonPropertyDescription("The MAC addresses that answered.")
  public List<String> macs;

  @JsonPropertyDescription("When it was first seen (RFC 3339).")
  public String since;
}

package dev.relais.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;

/**
 * Where the heartbeat keys live. The Secret's entries are {@code <keyId>: <key>}; every listed key
 * is accepted, the active one signs, so keys rotate without a flap. Never key material here.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class AuthSecretRef {
  @Required
  @Size(min = 1, max = Rules.MAX_SECRET_NAME)
  @Pattern(Rules.NAME_PATTERN)
  @JsonPropertyDescription("Name of the Secret, in the RouterCluster's namespace.")
  public String name;

  @Required
  @Size(min = 1, max = 3)
  @Pattern(Rules.KEY_ID_PATTERN)
  @JsonPropertyDescription(
      "The Secret entry that signs heartbeats, a number 0-255 (heartbeat's `auth N`); it travels"
          + " in every heartbeat so receivers pick the right key.")
  public String activeKeyId;

  public AuthSecretRef() {}

  public AuthSecretRef(String name, String activeKeyId) {
    this.name = name;
    this.activeKeyId = activeKeyId;
  }
}

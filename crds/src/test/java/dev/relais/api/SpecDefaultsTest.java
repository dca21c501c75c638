package dev.relais.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.relais.api.v1alpha1.RouterClusterSpec;
import dev.relais.model.SpecDefaults;
import java.io.IOException;
import org.junit.jupiter.api.Test;

/** The Java defaults (used where no API server defaults) are exactly the CRD's. */
class SpecDefaultsTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void javaDefaultsEqualTheSchemaDefaults() throws IOException {
    CrdSchema crd = new CrdSchema(CrdSchema.ROUTER_CLUSTERS);
    ObjectNode minimal = JSON.createObjectNode();
    minimal.putObject("heartbeat");
    minimal.putObject("failback").putObject("damping");
    minimal.putObject("announce");
    ObjectNode byServer = minimal.deepCopy();
    CrdSchema.applyDefaults(crd.specSchema(), byServer);

    JsonNode byJava =
        JSON.valueToTree(SpecDefaults.applied(JSON.treeToValue(minimal, RouterClusterSpec.class)));

    assertThat(byJava.get("heartbeat")).isEqualTo(byServer.get("heartbeat"));
    assertThat(byJava.get("failback")).isEqualTo(byServer.get("failback"));
    assertThat(byJava.get("announce")).isEqualTo(byServer.get("announce"));
    assertThat(byJava.get("addressLifetimeSeconds"))
        .isEqualTo(byServer.get("addressLifetimeSeconds"));
  }
}

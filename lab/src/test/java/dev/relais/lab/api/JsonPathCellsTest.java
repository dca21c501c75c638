package dev.relais.lab.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class JsonPathCellsTest {
  final JsonNode rc;

  JsonPathCellsTest() throws Exception {
    rc =
        new ObjectMapper()
            .readTree(
                """
                {"status":{"activeNode":"maitre","vipGroups":[{"name":"gateway","epoch":4}],
                 "conditions":[{"type":"Degraded","status":"False"},{"type":"Ready","status":"True"}]}}
                """);
  }

  @Test
  void fieldsIndexesAndEqualityFiltersSelectAsKubectlDoes() {
    assertThat(JsonPathCells.parse(".status.activeNode").first(rc).asText()).isEqualTo("maitre");
    assertThat(JsonPathCells.parse(".status.vipGroups[0].epoch").first(rc).asInt()).isEqualTo(4);
    assertThat(
            JsonPathCells.parse(".status.conditions[?(@.type==\"Ready\")].status")
                .first(rc)
                .asText())
        .isEqualTo("True");
    assertThat(JsonPathCells.parse("{.status.activeNode}").first(rc).asText()).isEqualTo("maitre");
  }

  @Test
  void aMissingValueIsNull() {
    assertThat(JsonPathCells.parse(".status.lastFailover.time").first(rc)).isNull();
    assertThat(JsonPathCells.parse(".status.conditions[?(@.type==\"Stalled\")].status").first(rc))
        .isNull();
  }

  @Test
  void aPathOutsideTheSubsetIsRefused() {
    assertThatThrownBy(() -> JsonPathCells.parse(".status.conditions[*].type"))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void agesFollowKubectlsRounding() {
    assertThat(HumanDuration.of(Duration.ofSeconds(42))).isEqualTo("42s");
    assertThat(HumanDuration.of(Duration.ofSeconds(119))).isEqualTo("119s");
    assertThat(HumanDuration.of(Duration.ofSeconds(192))).isEqualTo("3m12s");
    assertThat(HumanDuration.of(Duration.ofMinutes(5))).isEqualTo("5m");
    assertThat(HumanDuration.of(Duration.ofMinutes(42))).isEqualTo("42m");
    assertThat(HumanDuration.of(Duration.ofMinutes(125 + 60))).isEqualTo("3h5m");
    assertThat(HumanDuration.of(Duration.ofHours(30))).isEqualTo("30h");
    assertThat(HumanDuration.of(Duration.ofHours(75))).isEqualTo("3d3h");
    assertThat(HumanDuration.of(Duration.ofSeconds(-5))).isEqualTo("<invalid>");
  }
}

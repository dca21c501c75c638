package dev.relais.model;

import static org.assertj.core.api.Assertions.assertThat;

import dev.relais.api.v1alpha1.NodeSpec;
import dev.relais.api.v1alpha1.RouterClusterSpec;
import dev.relais.api.v1alpha1.VipGroupSpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Names sharing a 32-bit wire id. Such pairs are easy to find (a birthday search over "r0", "r1",
 * ... meets one after about 80,000 names), so these are real ones, not an injected hash.
 */
class WireIdsTest {
  // Both hash to 0x2161baab; the second pair to 0x0fb1fad0.
  static final String A = "r50007";
  static final String B = "r102831";
  static final String C = "r128781";
  static final String D = "r188788";

  private static RouterClusterSpec tutorial() throws IOException {
    return Manifests.parse(Files.readString(Path.of("../examples/tutorial.yaml")))
        .routerClusters()
        .getFirst()
        .getSpec();
  }

  @Test
  void theIdIsTheFirstFourBytesOfTheNamesSha256() {
    // printf maitre | sha256sum
    assertThat(WireIds.id32("maitre")).isEqualTo((int) 0x82a6a1e7L);
    assertThat(WireIds.id32(A)).isEqualTo(WireIds.id32(B)).isEqualTo(0x2161baab);
    assertThat(WireIds.id32(C)).isEqualTo(WireIds.id32(D)).isEqualTo(0x0fb1fad0);
    assertThat(WireIds.id32(A)).isNotEqualTo(WireIds.id32(C));
  }

  @Test
  void collisionsAreFoundPairwiseAndARepeatedNameIsNotOne() {
    assertThat(WireIds.collisions(List.of("maitre", A, "esclave", B, A)))
        .containsExactly(
            new WireIds.Collision(1, 3, 0x2161baab), new WireIds.Collision(3, 4, 0x2161baab));
    assertThat(WireIds.collisions(List.of("maitre", "esclave"))).isEmpty();
  }

  @Test
  void twoNodesSharingAWireIdAreRefusedNamingBoth() throws IOException {
    RouterClusterSpec spec = tutorial();
    spec.nodes.get(0).name = A;
    spec.nodes.get(1).name = B;
    spec.vipGroups.forEach(g -> g.preferredNode = A);
    assertThat(RouterClusterValidator.validate(spec))
        .containsExactly(
            new Violation(
                "spec.nodes[1].name",
                "r102831 shares its wire id (0x2161baab, the first 4 bytes of the name's SHA-256)"
                    + " with spec.nodes[0] (r50007): agents could not tell the two apart; rename"
                    + " one"));
  }

  @Test
  void twoGroupsSharingAWireIdAreRefusedButANodeAndAGroupMayShareOne() throws IOException {
    RouterClusterSpec spec = tutorial();
    VipGroupSpec first = spec.vipGroups.getFirst();
    first.name = C;
    VipGroupSpec second =
        Manifests.parse(Files.readString(Path.of("../examples/tutorial.yaml")))
            .routerClusters()
            .getFirst()
            .getSpec()
            .vipGroups
            .getFirst();
    second.name = D;
    second.addresses.getFirst().address = "192.168.200.20/24";
    second.addresses.getFirst().label = "enp0s3:1";
    spec.vipGroups.add(second);
    NodeSpec node = spec.nodes.get(1);
    node.name = C; // a node's id and a group's never meet on the wire
    spec.vipGroups.forEach(g -> g.preferredNode = spec.nodes.get(0).name);
    assertThat(RouterClusterValidator.validate(spec))
        .extracting(Violation::path)
        .containsExactly("spec.vipGroups[1].name");
  }
}

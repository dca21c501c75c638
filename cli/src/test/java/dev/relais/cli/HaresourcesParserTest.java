package dev.relais.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.relais.cli.Haresources.Agent;
import dev.relais.cli.Haresources.Resource;
import dev.relais.model.Addresses;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class HaresourcesParserTest {
  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      nullValues = "-",
      value = {
        "IPaddr::192.168.1.10                          | IPADDR  | -  | -    | -      | -",
        "192.168.1.10                                  | IPADDR  | -  | -    | -      | -",
        "192.168.1.10/24/eth0                          | IPADDR  | 24 | eth0 | -      | -",
        "IPaddr::192.168.1.10/24                       | IPADDR  | 24 | -    | -      | -",
        "IPaddr::192.168.1.10/255.255.255.0/eth0       | IPADDR  | 24 | eth0 | -      | -",
        "IPaddr::192.168.1.10/24/192.168.1.255         | IPADDR  | 24 | -    | -      | 192.168.1.255",
        "IPaddr::192.168.1.10/24/eth0/192.168.1.255    | IPADDR  | 24 | eth0 | -      | 192.168.1.255",
        "IPaddr::192.168.1.10/24/eth0:7                | IPADDR  | 24 | eth0 | eth0:7 | -",
        "IPaddr2::192.168.1.10/24/eth0                 | IPADDR2 | 24 | eth0 | -      | -",
        "IPaddr2::192.168.1.10/24/eth0:web             | IPADDR2 | 24 | eth0 | eth0:web | -",
        "IPaddr2::192.168.1.10/24/eth0:web/192.168.1.255 | IPADDR2 | 24 | eth0 | eth0:web | 192.168.1.255",
        "IPaddr2::192.168.1.10//eth0                   | IPADDR2 | -  | eth0 | -      | -",
      })
  void readsEveryIpaddrArgumentForm(
      String resource, Agent agent, Integer prefix, String iface, String label, String bcast) {
    Haresources hr = HaresourcesParser.parse("Maitre " + resource + "\n");
    assertThat(hr.diagnostics()).isEmpty();
    assertThat(hr.groups())
        .singleElement()
        .satisfies(
            g -> {
              assertThat(g.preferredNode()).isEqualTo("maitre");
              assertThat(g.resources())
                  .singleElement()
                  .isInstanceOfSatisfying(
                      Resource.Vip.class,
                      v -> {
                        assertThat(v.agent()).isEqualTo(agent);
                        assertThat(v.address())
                            .isEqualTo(Addresses.parse("192.168.1.10").orElseThrow());
                        assertThat(v.prefix())
                            .isEqualTo(
                                prefix == null ? OptionalInt.empty() : OptionalInt.of(prefix));
                        assertThat(v.iface()).isEqualTo(Optional.ofNullable(iface));
                        assertThat(v.label()).isEqualTo(Optional.ofNullable(label));
                        assertThat(v.broadcast())
                            .isEqualTo(Optional.ofNullable(bcast).flatMap(Addresses::parse));
                      });
            });
  }

  @Test
  void continuationsJoinLinesAndEachResourceKeepsItsPhysicalLine() {
    Haresources hr =
        HaresourcesParser.parse(
            "# header\nmaitre 10.0.0.10/24/eth0 \\\n   Filesystem::/dev/sda1::/data::ext4 \\\n"
                + "   httpd # web\nesclave IPaddr2::10.0.0.20/24/eth0\n");
    assertThat(hr.groups()).hasSize(2);
    assertThat(hr.groups().getFirst().line()).isEqualTo(2);
    assertThat(hr.groups().getFirst().resources())
        .extracting(Resource::line, Resource::text)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(2, "10.0.0.10/24/eth0"),
            org.assertj.core.groups.Tuple.tuple(3, "Filesystem::/dev/sda1::/data::ext4"),
            org.assertj.core.groups.Tuple.tuple(4, "httpd"));
    assertThat(hr.groups().get(1).preferredNode()).isEqualTo("esclave");
  }

  @Test
  void badArgumentsAreErrorsWithTheirLine() {
    Haresources hr =
        HaresourcesParser.parse(
            "a IPaddr::10.0.0.300/24/eth0\na IPaddr::10.0.0.1/255.0.255.0/eth0\n"
                + "a IPaddr::10.0.0.2/24/eth0/eth1\na IPaddr2::fd00::1/64\na IPaddr\n"
                + "a IPaddr::10.0.0.3/33\n");
    assertThat(hr.diagnostics()).extracting(Diagnostic::line).containsExactly(1, 2, 3, 4, 5, 6);
    assertThat(hr.diagnostics()).allMatch(Diagnostic::isError);
    assertThat(hr.diagnostics().get(1).message())
        .contains("neither a prefix length 0-32 nor a netmask");
  }

  @Test
  void theGroupKeyMustBeUnique() {
    Haresources hr = HaresourcesParser.parse("a 10.0.0.1/24/eth0\nb 10.0.0.1/24/eth0\n");
    assertThat(hr.diagnostics())
        .extracting(Diagnostic::toString)
        .containsExactly(
            "haresources:2: error: the group key (first resource) 10.0.0.1/24/eth0 is already"
                + " used on line 1: heartbeat needs it unique");
  }

  @Test
  void netmasksMustBeContiguous() {
    assertThat(HaresourcesParser.prefix("255.255.255.0")).hasValue(24);
    assertThat(HaresourcesParser.prefix("255.255.255.255")).hasValue(32);
    assertThat(HaresourcesParser.prefix("0.0.0.0")).hasValue(0);
    assertThat(HaresourcesParser.prefix("255.0.255.0")).isEmpty();
  }

  @Test
  void aSeventeenthAddressInAGroupStopsTheParseThere() {
    StringBuilder line = new StringBuilder("maitre");
    for (int i = 1; i <= 20; i++) line.append(" 10.0.0.").append(i).append("/24/eth0 \\\n");
    Haresources hr = HaresourcesParser.parse(line + "\nesclave 10.0.1.1/24/eth0\n");
    assertThat(hr.groups()).isEmpty();
    assertThat(hr.diagnostics())
        .extracting(Diagnostic::toString)
        .containsExactly(
            "haresources:17: error: address 17 of node maitre's group: a VIP group holds at most"
                + " 16; the rest of haresources is not read");
  }

  @Test
  void theThirtyThirdGroupWithAnAddressStopsTheParseAndGroupsWithoutOneDoNotCount() {
    StringBuilder text = new StringBuilder();
    for (int i = 0; i < 40; i++) text.append("maitre httpd").append(i).append('\n');
    for (int i = 0; i < 1000; i++)
      text.append("maitre 10.0.")
          .append(i / 250)
          .append('.')
          .append(i % 250 + 1)
          .append("/24/eth0\n");
    Haresources hr = HaresourcesParser.parse(text.toString());
    assertThat(hr.groups()).hasSize(40 + 32);
    assertThat(hr.diagnostics())
        .extracting(Diagnostic::toString)
        .containsExactly(
            "haresources:73: error: resource group 33 with an address: a RouterCluster holds at"
                + " most 32 VIP groups; the rest of haresources is not read");
  }
}

package dev.relais.agent.dataplane;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Child-JVM half of the capability test: started without NET_ADMIN and NET_RAW, prints what the
 * data plane answers, one line per operation.
 */
public final class CapabilityCheck {
  private CapabilityCheck() {}

  public static void main(String[] args) throws Exception {
    VirtualIp vip = VirtualIp.of("192.168.200.10/24", args[0]).withLabel(args[0] + ":0");
    try (LinuxDataplane dataplane = LinuxDataplane.open(event -> {})) {
      print("install", dataplane.install(vip, Lifetime.permanent()).get(10, TimeUnit.SECONDS));
      print("probe", dataplane.probeOwners(vip, Duration.ofMillis(100)).get(10, TimeUnit.SECONDS));
    }
  }

  private static void print(String what, DataplaneResult<?> result) {
    String text =
        switch (result) {
          case DataplaneResult.Ok<?> ok -> "ok " + ok.value();
          case DataplaneResult.Failed<?>(DataplaneError error) ->
              error.getClass().getSimpleName() + ": " + error.message();
        };
    System.out.println(what + ": " + text);
  }
}

package dev.relais.cli;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.random.RandomGenerator;

/** Test fixtures: copies with authkeys at mode 0600 (git keeps no modes), a fixed resolver. */
final class Fixtures {
  static final Path RESOURCES = Path.of("src/test/resources");

  private Fixtures() {}

  /** Copies fixture {@code name} into {@code dir} and sets authkeys to 0600, as heartbeat wants. */
  static Path copy(String name, Path dir) throws IOException {
    Path target = dir.resolve(name);
    Files.createDirectories(target);
    try (var files = Files.list(RESOURCES.resolve(name))) {
      for (Path f : files.toList()) Files.copy(f, target.resolve(f.getFileName()));
    }
    Files.setPosixFilePermissions(
        target.resolve("authkeys"), PosixFilePermissions.fromString("rw-------"));
    return target;
  }

  static String text(String name, String file) throws IOException {
    return Files.readString(RESOURCES.resolve(name).resolve(file));
  }

  static HeartbeatSources sources(String name) throws IOException {
    return HeartbeatSources.of(
        text(name, "ha.cf"), text(name, "authkeys"), text(name, "haresources"));
  }

  /** Resolves only the given names; never asks the system resolver. */
  static NameResolver resolver(Map<String, String> hosts) {
    return name ->
        hosts.containsKey(name)
            ? List.of(dev.relais.model.Addresses.parse(hosts.get(name)).orElseThrow())
            : List.<InetAddress>of();
  }

  static final NameResolver NO_NAMES = name -> List.of();

  static RandomGenerator seeded() {
    return new java.util.SplittableRandom(7);
  }
}

package dev.relais.agent.runtime;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * The boot epoch: strictly greater than any earlier run's, so peers drop an old boot's datagrams as
 * replays. max(saved floor + 1, wall-clock seconds): the wall clock covers a lost state file, the
 * floor covers a clock that stepped back.
 */
public final class BootEpochs {
  static final String FILE = "boot-epoch";

  private BootEpochs() {}

  public static long next(Path stateDir, long wallClockSeconds) throws IOException {
    Path file = stateDir.resolve(FILE);
    long floor = 0;
    if (Files.isReadable(file)) {
      try {
        floor = Long.parseLong(Files.readString(file).trim());
      } catch (NumberFormatException e) {
        floor = 0;
      }
    }
    long epoch = Math.max(floor + 1, wallClockSeconds);
    Files.createDirectories(stateDir);
    Path tmp = stateDir.resolve(FILE + ".tmp");
    Files.writeString(tmp, Long.toString(epoch), StandardCharsets.US_ASCII);
    Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    return epoch;
  }
}

package dev.relais.agent.dataplane;

import dev.relais.agent.dataplane.ffm.ErrnoException;

/** errno values to the errors the runtime understands. */
final class Failures {
  private Failures() {}

  static DataplaneError of(String operation, String capability, int errno, String detail) {
    return switch (errno) {
      case ErrnoException.EPERM, ErrnoException.EACCES ->
          new DataplaneError.MissingCapability(capability, operation);
      default -> new DataplaneError.KernelError(operation, errno, detail);
    };
  }

  static DataplaneError of(String operation, String capability, NetlinkMessages.Ack ack) {
    return of(operation, capability, ack.errno(), ack.detail());
  }
}

package dev.relais.agent.dataplane;

import dev.relais.agent.dataplane.ffm.ErrnoException;

/** Why a data plane operation failed; each case has a message meant for a person. */
public sealed interface DataplaneError {
  String message();

  record MissingInterface(String device) implements DataplaneError {
    @Override
    public String message() {
      return "interface " + device + " does not exist";
    }
  }

  /** The kernel said EPERM/EACCES: the agent lacks {@code capability} (NET_ADMIN, NET_RAW). */
  record MissingCapability(String capability, String operation) implements DataplaneError {
    @Override
    public String message() {
      return operation + " was refused: the agent needs " + capability;
    }
  }

  /** The address is already on this node in another form (other interface or prefix). */
  record AddressConflict(VirtualIp vip, String found) implements DataplaneError {
    @Override
    public String message() {
      return "cannot install " + vip + ": already present as " + found;
    }
  }

  /** Announce was asked for a VIP this data plane has not installed. */
  record NotHeld(VirtualIp vip) implements DataplaneError {
    @Override
    public String message() {
      return "refusing to announce " + vip + ": this node does not hold it";
    }
  }

  record KernelError(String operation, int errno, String detail) implements DataplaneError {
    @Override
    public String message() {
      return operation
          + " failed: "
          + ErrnoException.describe(errno)
          + (detail.isEmpty() ? "" : " (" + detail + ")");
    }
  }
}

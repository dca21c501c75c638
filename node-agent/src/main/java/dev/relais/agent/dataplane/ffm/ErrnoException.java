package dev.relais.agent.dataplane.ffm;

import java.io.IOException;
import java.util.Map;

/** A libc call that returned -1, with the errno it left behind. */
public final class ErrnoException extends IOException {
  public static final int EPERM = 1;
  public static final int ENOENT = 2;
  public static final int EINTR = 4;
  public static final int EAGAIN = 11;
  public static final int EACCES = 13;
  public static final int EEXIST = 17;
  public static final int ENODEV = 19;
  public static final int EINVAL = 22;
  public static final int EPROTONOSUPPORT = 93;
  public static final int EAFNOSUPPORT = 97;
  public static final int EADDRNOTAVAIL = 99;
  public static final int ENETUNREACH = 101;
  public static final int EHOSTUNREACH = 113;

  private static final Map<Integer, String> NAMES =
      Map.ofEntries(
          Map.entry(EPERM, "EPERM (operation not permitted)"),
          Map.entry(ENOENT, "ENOENT (no such file or directory)"),
          Map.entry(EINTR, "EINTR (interrupted)"),
          Map.entry(EAGAIN, "EAGAIN (try again)"),
          Map.entry(EACCES, "EACCES (permission denied)"),
          Map.entry(EEXIST, "EEXIST (exists)"),
          Map.entry(ENODEV, "ENODEV (no such device)"),
          Map.entry(EINVAL, "EINVAL (invalid argument)"),
          Map.entry(EPROTONOSUPPORT, "EPROTONOSUPPORT (protocol not supported)"),
          Map.entry(EAFNOSUPPORT, "EAFNOSUPPORT (address family not supported)"),
          Map.entry(EADDRNOTAVAIL, "EADDRNOTAVAIL (address not available)"),
          Map.entry(ENETUNREACH, "ENETUNREACH (network unreachable)"),
          Map.entry(EHOSTUNREACH, "EHOSTUNREACH (host unreachable)"));

  private final String call;
  private final int errno;

  public ErrnoException(String call, int errno) {
    super(call + " failed: " + describe(errno));
    this.call = call;
    this.errno = errno;
  }

  public String call() {
    return call;
  }

  public int errno() {
    return errno;
  }

  /** A readable name for an errno value, e.g. {@code EPERM (operation not permitted)}. */
  public static String describe(int errno) {
    return NAMES.getOrDefault(errno, "errno " + errno);
  }
}

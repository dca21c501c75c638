package dev.relais.agent.transport.ffm;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;

/**
 * The heartbeat sockets' libc downcalls, each capturing errno right after the call. The transport's
 * own, not the data plane's (dataplane.ffm), which the transport must not depend on.
 */
// Restricted by design: with dataplane.ffm, the only place the agent calls native code.
@SuppressWarnings("restricted")
final class Syscalls {
  private static final Linker LINKER = Linker.nativeLinker();
  private static final StructLayout CAPTURE = Linker.Option.captureStateLayout();
  private static final VarHandle ERRNO =
      CAPTURE.varHandle(MemoryLayout.PathElement.groupElement("errno"));

  static final MethodHandle RECVMSG = downcall("recvmsg", JAVA_LONG, JAVA_INT, ADDRESS, JAVA_INT);
  static final MethodHandle SENDTO =
      downcall("sendto", JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT, ADDRESS, JAVA_INT);
  static final MethodHandle SETSOCKOPT =
      downcall("setsockopt", JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT);
  static final MethodHandle GETSOCKNAME =
      downcall("getsockname", JAVA_INT, JAVA_INT, ADDRESS, ADDRESS);

  static final int AF_INET = 2;
  static final int AF_INET6 = 10;
  static final int SOL_SOCKET = 1;
  static final int MSG_DONTWAIT = 0x40;
  static final int EINTR = 4;
  static final int EAGAIN = 11;
  static final int ECONNREFUSED = 111;

  private Syscalls() {}

  static MemorySegment captureState(Arena arena) {
    return arena.allocate(CAPTURE);
  }

  static int errno(MemorySegment state) {
    return (int) ERRNO.get(state, 0L);
  }

  private static MethodHandle downcall(String name, MemoryLayout result, MemoryLayout... args) {
    return LINKER.downcallHandle(
        LINKER.defaultLookup().findOrThrow(name),
        FunctionDescriptor.of(result, args),
        Linker.Option.captureCallState("errno"));
  }
}

package dev.relais.agent.dataplane.ffm;

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
 * libc downcalls, each with errno captured right after the call (java-stack.md §6, §10), so no JVM
 * activity between the call and the read can clobber it.
 */
// Restricted by design: this package is where the JVM is allowed to call native code
// (--enable-native-access=ALL-UNNAMED in the launcher and the test argLine).
@SuppressWarnings("restricted")
final class Libc {
  private static final Linker LINKER = Linker.nativeLinker();
  private static final StructLayout CAPTURE = Linker.Option.captureStateLayout();
  private static final VarHandle ERRNO =
      CAPTURE.varHandle(MemoryLayout.PathElement.groupElement("errno"));

  static final MethodHandle SOCKET = errnoHandle("socket", JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT);
  static final MethodHandle BIND = errnoHandle("bind", JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT);
  static final MethodHandle SENDTO =
      errnoHandle("sendto", JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT, ADDRESS, JAVA_INT);
  static final MethodHandle RECVFROM =
      errnoHandle("recvfrom", JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT, ADDRESS, ADDRESS);
  static final MethodHandle SETSOCKOPT =
      errnoHandle("setsockopt", JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT);
  static final MethodHandle GETSOCKNAME =
      errnoHandle("getsockname", JAVA_INT, JAVA_INT, ADDRESS, ADDRESS);
  static final MethodHandle CLOSE = errnoHandle("close", JAVA_INT, JAVA_INT);
  static final MethodHandle IF_NAMETOINDEX = errnoHandle("if_nametoindex", JAVA_INT, ADDRESS);
  static final MethodHandle SETNS = errnoHandle("setns", JAVA_INT, JAVA_INT, JAVA_INT);
  // open(2) is variadic: the mode travels as the first variadic argument.
  static final MethodHandle OPEN =
      LINKER.downcallHandle(
          LINKER.defaultLookup().findOrThrow("open"),
          FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT),
          Linker.Option.captureCallState("errno"),
          Linker.Option.firstVariadicArg(2));

  private Libc() {}

  static MemorySegment captureState(Arena arena) {
    return arena.allocate(CAPTURE);
  }

  static int errno(MemorySegment state) {
    return (int) ERRNO.get(state, 0L);
  }

  private static MethodHandle errnoHandle(
      String name, MemoryLayout result, MemoryLayout... arguments) {
    return LINKER.downcallHandle(
        LINKER.defaultLookup().findOrThrow(name),
        FunctionDescriptor.of(result, arguments),
        Linker.Option.captureCallState("errno"));
  }
}

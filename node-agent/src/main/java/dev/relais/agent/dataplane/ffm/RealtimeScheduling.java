package dev.relais.agent.dataplane.ffm;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.util.Optional;

/**
 * Puts the calling thread in the SCHED_RR real-time class, as heartbeat's {@code realtime on} and
 * keepalived's {@code vrrp_rt_priority} do for their protocol loops: heartbeats must not wait
 * behind the JIT, the GC's helpers or a busy neighbour process. Needs CAP_SYS_NICE.
 */
@SuppressWarnings("restricted")
public final class RealtimeScheduling {
  private static final int SCHED_RR = 2; // <sched.h>
  private static final MethodHandle SCHED_SETSCHEDULER =
      Linker.nativeLinker()
          .downcallHandle(
              Linker.nativeLinker().defaultLookup().findOrThrow("sched_setscheduler"),
              FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS),
              Linker.Option.captureCallState("errno"));

  private RealtimeScheduling() {}

  /** Moves the calling thread (pid 0 = this thread) to SCHED_RR; the error text if refused. */
  public static Optional<String> enterRoundRobin(int priority) {
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment param = arena.allocate(JAVA_INT);
      param.set(JAVA_INT, 0, priority);
      MemorySegment state = Libc.captureState(arena);
      int rc = (int) SCHED_SETSCHEDULER.invokeExact(state, 0, SCHED_RR, param);
      return rc == 0
          ? Optional.empty()
          : Optional.of(
              "sched_setscheduler(SCHED_RR) failed: " + ErrnoException.describe(Libc.errno(state)));
    } catch (Throwable t) {
      return Optional.of("sched_setscheduler unavailable: " + t);
    }
  }
}

package dev.relais.agent.dataplane.ffm;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;

/**
 * Moves the calling thread into a network namespace (setns(2) acts on one thread for network
 * namespaces). Sockets and threads created afterwards by that thread live in the namespace. The
 * agent itself runs in the host namespace; tests and the lab use this to run several data planes in
 * one JVM.
 */
public final class NetNamespace {
  private static final int O_RDONLY = 0;
  private static final int O_CLOEXEC = 0x80000;
  private static final int CLONE_NEWNET = 0x40000000;

  private NetNamespace() {}

  /** Enters the namespace bound at {@code file}, e.g. {@code /run/netns/NAME}. */
  public static void enterOnThisThread(Path file) throws ErrnoException {
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment state = Libc.captureState(arena);
      int fd =
          (int)
              Libc.OPEN.invokeExact(
                  state, arena.allocateFrom(file.toString()), O_RDONLY | O_CLOEXEC, 0);
      if (fd < 0) {
        throw new ErrnoException("open(" + file + ")", Libc.errno(state));
      }
      try {
        int rc = (int) Libc.SETNS.invokeExact(state, fd, CLONE_NEWNET);
        if (rc < 0) {
          throw new ErrnoException("setns(" + file + ")", Libc.errno(state));
        }
      } finally {
        int ignored = (int) Libc.CLOSE.invokeExact(state, fd);
      }
    } catch (ErrnoException e) {
      throw e;
    } catch (Throwable t) {
      throw new IllegalStateException("downcall setns", t);
    }
  }
}

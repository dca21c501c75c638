package dev.relais.agent.protocol.sim;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Random;
import java.util.Set;

/**
 * The simulated links: per directed (from, to, path) loss probability, a uniform delay range (so
 * datagrams reorder), a duplication probability, and partitions that cut both directions. All
 * randomness comes from the cluster's seeded generator.
 */
public final class Network {
  /** One directed link's behaviour. */
  public record Link(double loss, long minDelayNanos, long maxDelayNanos, double duplicate) {
    public Link {
      if (minDelayNanos < 0 || maxDelayNanos < minDelayNanos) {
        throw new IllegalArgumentException("bad delay range");
      }
    }

    public static Link perfect(long delayNanos) {
      return new Link(0, delayNanos, delayNanos, 0);
    }
  }

  private final Random random;
  private Link defaults;
  private final Map<String, Link> links = new HashMap<>();
  private final Set<String> cut = new HashSet<>();

  Network(Random random, Link defaults) {
    this.random = random;
    this.defaults = defaults;
  }

  private static String key(String from, String to, int path) {
    return from + ">" + to + "#" + path;
  }

  private static String pair(String a, String b) {
    return a.compareTo(b) < 0 ? a + "|" + b : b + "|" + a;
  }

  public void setDefault(Link link) {
    defaults = link;
  }

  public void set(String from, String to, int path, Link link) {
    links.put(key(from, to, path), link);
  }

  public Link link(String from, String to, int path) {
    return links.getOrDefault(key(from, to, path), defaults);
  }

  /** Cuts every path between two nodes, both ways. */
  public void partition(String a, String b) {
    cut.add(pair(a, b));
  }

  public void heal(String a, String b) {
    cut.remove(pair(a, b));
  }

  public void healAll() {
    cut.clear();
  }

  public boolean connected(String a, String b) {
    return !cut.contains(pair(a, b));
  }

  /**
   * Delays (nanos) of the copies of one datagram that arrive: none if lost or cut, two if
   * duplicated.
   */
  long[] fate(String from, String to, int path) {
    if (!connected(from, to)) {
      return new long[0];
    }
    var link = link(from, to, path);
    if (link.loss() > 0 && random.nextDouble() < link.loss()) {
      return new long[0];
    }
    long first = delay(link);
    if (link.duplicate() > 0 && random.nextDouble() < link.duplicate()) {
      return new long[] {first, delay(link)};
    }
    return new long[] {first};
  }

  long maxDelayNanos() {
    long max = defaults.maxDelayNanos();
    for (var l : links.values()) {
      max = Math.max(max, l.maxDelayNanos());
    }
    return max;
  }

  private long delay(Link link) {
    long span = link.maxDelayNanos() - link.minDelayNanos();
    return link.minDelayNanos() + (span == 0 ? 0 : random.nextLong(span + 1));
  }
}

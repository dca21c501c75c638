package dev.relais.model;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The 32-bit ids node and group names travel as in the agent's wire format (version 3,
 * docs/design/protocol.md "Message format"): the first 4 bytes of the SHA-256 of the name's UTF-8
 * form. Two names of one kind sharing an id cannot be told apart on the wire, and the agent's codec
 * refuses such a config; the validator says so first. The agent's codec holds the same formula; a
 * test there holds both equal.
 */
public final class WireIds {
  private WireIds() {}

  public static int id32(String name) {
    try {
      byte[] d = MessageDigest.getInstance("SHA-256").digest(name.getBytes(StandardCharsets.UTF_8));
      return ((d[0] & 0xFF) << 24) | ((d[1] & 0xFF) << 16) | ((d[2] & 0xFF) << 8) | (d[3] & 0xFF);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  }

  /** Two indexes into a list of names whose ids collide, {@code first < second}. */
  public record Collision(int first, int second, int id) {}

  /** Every collision among distinct names (a repeated name is another rule's business). */
  public static List<Collision> collisions(List<String> names) {
    Map<Integer, List<Integer>> byId = new HashMap<>();
    List<Collision> out = new ArrayList<>();
    for (int i = 0; i < names.size(); i++) {
      String name = names.get(i);
      if (name == null) continue;
      int id = id32(name);
      List<Integer> earlier = byId.computeIfAbsent(id, k -> new ArrayList<>());
      for (int j : earlier) {
        if (!names.get(j).equals(name)) out.add(new Collision(j, i, id));
      }
      earlier.add(i);
    }
    return out;
  }
}

package dev.relais.agent.protocol;

/**
 * One statement about a VIP group inside a heartbeat. {@code CLAIM}: the sender holds the group at
 * {@code epoch}. {@code OFFER}: the sender (still holding) offers the group to {@code peer} at
 * {@code epoch} (its own epoch plus one). {@code CONFIRM}: the sender took the group offered by
 * {@code peer} at {@code epoch}. {@code peer} is empty for a claim.
 */
public record GroupEntry(Kind kind, String group, long epoch, String peer) {
  /** Entry kinds; wire codes are the ordinals plus one, so append only. */
  public enum Kind {
    CLAIM,
    OFFER,
    CONFIRM;

    private static final Kind[] BY_CODE = values();

    int code() {
      return ordinal() + 1;
    }

    static Kind ofCode(int code) {
      return code >= 1 && code <= BY_CODE.length ? BY_CODE[code - 1] : null;
    }
  }

  public GroupEntry {
    if (epoch < 1) {
      throw new IllegalArgumentException("epochs start at 1");
    }
    if ((kind == Kind.CLAIM) != peer.isEmpty()) {
      throw new IllegalArgumentException("a claim names no peer, offers and confirms do");
    }
  }

  public static GroupEntry claim(String group, long epoch) {
    return new GroupEntry(Kind.CLAIM, group, epoch, "");
  }

  public static GroupEntry offer(String group, long epoch, String target) {
    return new GroupEntry(Kind.OFFER, group, epoch, target);
  }

  public static GroupEntry confirm(String group, long epoch, String offerer) {
    return new GroupEntry(Kind.CONFIRM, group, epoch, offerer);
  }
}

package dev.relais.agent.protocol;

import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * One config's names as the wire carries them: the cluster tag, node and group ids (the first 4
 * bytes of the SHA-256 of a name), and the group tables a version 4 index may refer to. An index is
 * read only against a table whose revision (a digest of its ordered group ids) the heartbeat names:
 * this config's, or one of the last few this node ran, since a peer may not have heard our new
 * revision yet (docs/design/protocol.md, "Group indices"). One thread, like the codec.
 */
final class WireTables {
  /** Earlier group tables kept: a peer uses indices only into a table we advertised. */
  static final int KEPT_TABLES = 8;

  long clusterTag64;
  String self;
  String[] nodeNames = new String[0];
  int[] nodeIds = new int[0];
  String[] groupNames = new String[0];
  int[] groupIds = new int[0];
  private final Map<String, Integer> ids = new HashMap<>();
  // Most recent first; [0] is this config's table.
  private int[] revisions = new int[0];
  private String[][] tableNames = new String[0][];
  private int[][] toCurrent = new int[0][];

  void reconfigure(ProtocolConfig config) {
    int n = config.nodes().size();
    int g = config.groups().size();
    var names = new String[n];
    var nIds = new int[n];
    var gNames = new String[g];
    var gIds = new int[g];
    var newIds = new HashMap<String, Integer>();
    for (int i = 0; i < n; i++) {
      names[i] = config.nodes().get(i).name();
      nIds[i] = WireBytes.id32(names[i]);
      checkUnique("node", names, nIds, i);
      newIds.put(names[i], nIds[i]);
    }
    for (int i = 0; i < g; i++) {
      gNames[i] = config.groups().get(i).name();
      gIds[i] = WireBytes.id32(gNames[i]);
      checkUnique("group", gNames, gIds, i);
      newIds.put(gNames[i], gIds[i]);
    }
    clusterTag64 = WireBytes.tag64(WireBytes.utf8(config.clusterId()));
    self = config.self();
    nodeNames = names;
    nodeIds = nIds;
    groupNames = gNames;
    groupIds = gIds;
    ids.clear();
    ids.putAll(newIds);
    keepTable(revision(gIds), gNames);
  }

  private static void checkUnique(String what, String[] names, int[] wireIds, int i) {
    for (int j = 0; j < i; j++) {
      if (wireIds[j] == wireIds[i]) {
        throw new IllegalArgumentException(
            what + " names " + names[j] + " and " + names[i] + " share a wire id; rename one");
      }
    }
  }

  /** Puts this config's table first, drops an older copy of it and the oldest beyond the cap. */
  private void keepTable(int revision, String[] names) {
    int kept = 1;
    var revs = new int[Math.min(KEPT_TABLES, revisions.length + 1)];
    var tables = new String[revs.length][];
    revs[0] = revision;
    tables[0] = names;
    for (int i = 0; i < revisions.length && kept < revs.length; i++) {
      if (revisions[i] != revision) {
        revs[kept] = revisions[i];
        tables[kept++] = tableNames[i];
      }
    }
    revisions = Arrays.copyOf(revs, kept);
    tableNames = Arrays.copyOf(tables, kept);
    // Every kept table resolves to this config's groups; a group it dropped resolves to -1.
    toCurrent = new int[kept][];
    for (int t = 0; t < kept; t++) {
      toCurrent[t] = new int[tableNames[t].length];
      for (int i = 0; i < tableNames[t].length; i++) {
        toCurrent[t][i] = Arrays.asList(names).indexOf(tableNames[t][i]);
      }
    }
  }

  /**
   * The revision of a group table: the first 4 bytes of the SHA-256 of its ordered ids, never 0.
   */
  static int revision(int[] groupIds) {
    var bytes = new byte[4 * groupIds.length];
    for (int i = 0; i < groupIds.length; i++) {
      for (int b = 0; b < 4; b++) {
        bytes[4 * i + b] = (byte) (groupIds[i] >>> (24 - 8 * b));
      }
    }
    int r = (int) (WireBytes.tag64(bytes) >>> 32);
    return r == 0 ? 1 : r; // 0 is "no table" (version 3, or a sender that advertises none)
  }

  /** The revision of {@code groups}' table, as {@link #revision(int[])}. */
  static int revisionOf(List<GroupSpec> groups) {
    var gIds = new int[groups.size()];
    for (int i = 0; i < gIds.length; i++) {
      gIds[i] = WireBytes.id32(groups.get(i).name());
    }
    return revision(gIds);
  }

  /** This config's table revision. */
  int revision() {
    return revisions[0];
  }

  /** The kept table of {@code revision}, or -1. */
  int table(int revision) {
    for (int t = 0; t < revisions.length; t++) {
      if (revisions[t] == revision) {
        return t;
      }
    }
    return -1;
  }

  int tableSize(int table) {
    return toCurrent[table].length;
  }

  /** This config's group index of entry {@code index} of kept table {@code table}, or -1. */
  int resolve(int table, int index) {
    return toCurrent[table][index];
  }

  /** The index of {@code group} in this config's table, or -1. */
  int groupIndex(String group) {
    for (int i = 0; i < groupNames.length; i++) {
      if (groupNames[i].equals(group)) {
        return i;
      }
    }
    return -1;
  }

  /** The node (or group: their ids differ) index of wire id {@code id}, or -1. */
  static int find(int[] wireIds, int id) {
    for (int i = 0; i < wireIds.length; i++) {
      if (wireIds[i] == id) {
        return i;
      }
    }
    return -1;
  }

  /** Names of this config are hashed once; others (a newer config's groups) on the fly. */
  int id(String name) {
    var cached = ids.get(name);
    return cached != null ? cached : WireBytes.id32(name);
  }
}

package dev.relais.agent.kube;

import dev.relais.render.AgentConfigs;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Which rendered configs this agent serves, and why: the decisions of Kubernetes mode without any
 * I/O (docs/design/kubernetes-mode.md). A config is served from the moment it is read (from the API
 * or the state directory) until an explicit signal, the operator's tombstone or a document that no
 * longer names this node, or until it has been gone from the API for the grace period. A document
 * that cannot be used leaves the one in force running and is reported as the cluster's config
 * error.
 *
 * <p>Confined to the config thread ({@link SecretConfigSource}); not thread-safe.
 */
final class ServedClusters {
  /** Where the served copy came from, last. */
  enum Presence {
    /** Seen in the API (list or watch). */
    API,
    /** Read from the state directory; the API has not been heard since the start. */
    PERSISTED,
    /** Was served, then left the API without a tombstone: served until the grace period ends. */
    VANISHED
  }

  /** One version of a cluster's config: its text (as persisted), revision and what it means. */
  record Version(String secret, String text, String revision, AgentConfigs.Loaded loaded) {
    String cluster() {
      return loaded.model().clusterId();
    }

    @Override
    public String toString() {
      return "Version[" + secret + ", " + cluster() + ", revision " + revision + "]";
    }
  }

  /** What the node state reports about a cluster's config. */
  record ConfigStatus(String revision, Optional<String> error) {}

  private static final class Entry {
    String cluster = "";
    Presence presence;
    Instant vanishedAt;
    Version running; // in force
    Version offered; // newer, good, not yet applied
    String refused; // the text last refused, not tried again until it changes
    String error;
  }

  private final String node;
  private final String namespace;
  private final Map<String, Entry> entries = new TreeMap<>();

  ServedClusters(String node, String namespace) {
    this.node = node;
    this.namespace = namespace;
  }

  /** At start: a config kept in the state directory, served until the API says otherwise. */
  void restore(Version version) {
    Entry e = entries.computeIfAbsent(version.secret(), k -> new Entry());
    e.presence = Presence.PERSISTED;
    e.cluster = version.cluster();
    e.offered = version;
  }

  /** What the outcome of {@link #seen} was, for logging and the caller's follow-up. */
  enum Seen {
    /** Nothing to apply (same document, or one already refused). */
    UNCHANGED,
    /** A new good document waits to be applied. */
    OFFERED,
    /** The document cannot be used; the one in force (if any) stays. */
    REFUSED,
    /** The tombstone or a document without this node: stop serving. */
    RETIRED
  }

  /** A Secret as the API has it now (added, updated, or read back after it left the watch). */
  Seen seen(RenderedSecret secret) {
    if (secret.retired()) {
      return entries.remove(secret.name()) != null ? Seen.RETIRED : Seen.UNCHANGED;
    }
    Entry e = entries.computeIfAbsent(secret.name(), k -> new Entry());
    e.presence = Presence.API;
    e.vanishedAt = null;
    if (!secret.cluster().isEmpty()) e.cluster = secret.cluster();
    String text = secret.document().orElse(null);
    if (text == null) return refuse(e, null, "the Secret has no readable " + CONFIG_KEY);
    if (e.offered != null && text.equals(e.offered.text())) return Seen.OFFERED;
    if (e.running != null && text.equals(e.running.text())) {
      e.offered = null;
      e.error = null;
      // The same document under a new revision: the operator re-rendered a deleted Secret with a
      // new salt. Nothing to apply, but the revision reported must be the one the API now has, or
      // the cluster stays in RevisionRollout for good.
      if (!secret.revision().equals(e.running.revision())) {
        e.running = new Version(e.running.secret(), text, secret.revision(), e.running.loaded());
      }
      return Seen.UNCHANGED;
    }
    if (text.equals(e.refused)) return Seen.UNCHANGED;
    switch (AgentConfigs.read(text, namespace)) {
      case AgentConfigs.Result.Rejected(String reason) -> {
        return refuse(e, text, oneLine(reason));
      }
      case AgentConfigs.Result.Ok ok -> {
        if (ok.clusters().size() != 1) {
          return refuse(
              e, text, "expected one AgentConfig document, found " + ok.clusters().size());
        }
        AgentConfigs.Loaded loaded = ok.clusters().getFirst();
        if (loaded.model().node(node).isEmpty()) {
          // An explicit signal: the config still exists and no longer names this node.
          entries.remove(secret.name());
          return Seen.RETIRED;
        }
        e.cluster = loaded.model().clusterId();
        e.offered = new Version(secret.name(), text, secret.revision(), loaded);
        e.refused = null;
        return Seen.OFFERED;
      }
    }
  }

  private static final String CONFIG_KEY = dev.relais.render.ConfigObjects.CONFIG_KEY;

  private Seen refuse(Entry e, String text, String reason) {
    e.offered = null;
    e.refused = text;
    e.error = reason;
    return Seen.REFUSED;
  }

  /** The Secret left the API with no tombstone (deleted by hand, relabelled, or not listed). */
  void vanished(String secret, Instant now) {
    Entry e = entries.get(secret);
    if (e == null) return;
    if (e.running == null && e.offered == null) {
      entries.remove(secret); // nothing served: only a refusal to forget
      return;
    }
    if (e.presence != Presence.VANISHED) {
      e.presence = Presence.VANISHED;
      e.vanishedAt = now;
    }
  }

  /** Removes what has been gone for {@code grace}; returns their Secret names. */
  List<String> expire(Instant now, Duration grace) {
    List<String> gone = new ArrayList<>();
    for (var it = entries.entrySet().iterator(); it.hasNext(); ) {
      var en = it.next();
      Entry e = en.getValue();
      if (e.presence == Presence.VANISHED && !now.isBefore(e.vanishedAt.plus(grace))) {
        gone.add(en.getKey());
        it.remove();
      }
    }
    return gone;
  }

  /** When the next vanished entry's grace ends, if one is waiting. */
  Optional<Instant> nextExpiry(Duration grace) {
    return entries.values().stream()
        .filter(e -> e.presence == Presence.VANISHED)
        .map(e -> e.vanishedAt.plus(grace))
        .min(Instant::compareTo);
  }

  /** Secret names read from the state directory and not heard from the API since. */
  List<String> unconfirmed() {
    return entries.entrySet().stream()
        .filter(e -> e.getValue().presence == Presence.PERSISTED)
        .map(Map.Entry::getKey)
        .toList();
  }

  Optional<Presence> presence(String secret) {
    return Optional.ofNullable(entries.get(secret)).map(e -> e.presence);
  }

  /** Every cluster as it should run: the newest good version of each. */
  List<Version> wanted() {
    List<Version> out = new ArrayList<>();
    for (Entry e : entries.values()) {
      Version v = e.offered != null ? e.offered : e.running;
      if (v != null) out.add(v);
    }
    return out;
  }

  /** The configs in force. */
  List<Version> running() {
    return entries.values().stream()
        .map(e -> e.running)
        .filter(java.util.Objects::nonNull)
        .toList();
  }

  /** {@link #wanted} is now in force; returns the versions that became so (to persist). */
  List<Version> applied() {
    List<Version> changed = new ArrayList<>();
    for (Entry e : entries.values()) {
      if (e.offered != null) {
        e.running = e.offered;
        e.offered = null;
        e.error = null;
        changed.add(e.running);
      }
    }
    return changed;
  }

  /** {@link #wanted} could not be applied: every offered version is refused with the reason. */
  void failed(String reason) {
    for (Entry e : entries.values()) {
      if (e.offered != null) {
        e.refused = e.offered.text();
        e.offered = null;
        e.error = "cannot be applied: " + reason;
      }
    }
  }

  /** Per cluster (namespace/name): the revision in force and the config error, if any. */
  Map<String, ConfigStatus> status() {
    Map<String, ConfigStatus> out = new LinkedHashMap<>();
    for (Entry e : entries.values()) {
      if (e.cluster.isEmpty()) continue;
      String revision = e.running == null ? "" : e.running.revision();
      out.put(e.cluster, new ConfigStatus(revision, Optional.ofNullable(e.error)));
    }
    return out;
  }

  /** A rejection on one line, without SnakeYAML's quoted source line (it may hold a key). */
  static String oneLine(String reason) {
    return String.join(
        " ",
        reason
            .lines()
            .filter(l -> !l.startsWith("    "))
            .map(String::strip)
            .filter(l -> !l.isEmpty())
            .toList());
  }
}

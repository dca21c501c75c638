package dev.relais.cli;

import static dev.relais.cli.Diagnostic.HA_CF;

import dev.relais.api.v1alpha1.AuthSecretRef;
import dev.relais.api.v1alpha1.FailbackPolicy;
import dev.relais.api.v1alpha1.FailbackSpec;
import dev.relais.api.v1alpha1.HealthSpec;
import dev.relais.api.v1alpha1.HeartbeatSpec;
import dev.relais.api.v1alpha1.NodeSpec;
import dev.relais.api.v1alpha1.PingGroupSpec;
import dev.relais.api.v1alpha1.RouterCluster;
import dev.relais.api.v1alpha1.RouterClusterSpec;
import dev.relais.api.v1alpha1.Rules;
import dev.relais.api.v1alpha1.VipGroupSpec;
import dev.relais.cli.Diagnostic.Severity;
import dev.relais.cli.HaCf.AutoFailback;
import dev.relais.model.Addresses;
import dev.relais.model.RouterClusterValidator;
import dev.relais.model.Violation;
import dev.relais.render.AgentConfigRenderer;
import dev.relais.render.ConfigObjects;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.random.RandomGenerator;
import java.util.stream.Collectors;

/**
 * A heartbeat directory's text → a RouterCluster and its auth Secret that pass the same validation
 * and rendering as any other (the round trip is checked here, so no half-filled resource leaves).
 * Pure apart from the injected resolver and random source.
 */
public final class ClusterImporter {
  static final String DEFAULT_NAME = "heartbeat";
  static final String NODE_ADDRESS_OPTION = "--node-address";

  // heartbeat 3.0.6's defaults (heartbeat-3.md §3.2), written out because Relais's differ.
  static final Duration DEFAULT_KEEPALIVE = Duration.ofSeconds(1);
  static final Duration DEFAULT_DEADTIME = Duration.ofSeconds(30);

  private ClusterImporter() {}

  public static ImportResult importConfig(
      HeartbeatSources sources,
      ImportOptions options,
      NameResolver resolver,
      RandomGenerator random) {
    List<Diagnostic> out = new ArrayList<>(sources.diagnostics());
    Optional<HaCf> haCf = sources.haCf().map(HaCfParser::parse);
    Optional<Authkeys> authkeys = sources.authkeys().map(AuthkeysParser::parse);
    Optional<Haresources> haresources = sources.haresources().map(HaresourcesParser::parse);
    haCf.ifPresent(h -> out.addAll(h.diagnostics()));
    authkeys.ifPresent(a -> out.addAll(a.diagnostics()));
    haresources.ifPresent(h -> out.addAll(h.diagnostics()));
    if (haCf.isEmpty() || authkeys.isEmpty() || haresources.isEmpty()) {
      return finish(options, out, null, null);
    }
    HaCf hc = haCf.get();
    if (hc.nodes().isEmpty()) {
      out.add(
          Diagnostic.error(
              HA_CF,
              hc.lineCount(),
              "no node line (end of file reached): list the routers, e.g. 'node maitre esclave'"));
    } else if (hc.nodes().size() < 2) {
      out.add(
          Diagnostic.error(
              HA_CF,
              hc.nodes().getFirst().line(),
              "only one node: a RouterCluster needs at least two (add the peer's node line)"));
    }
    Map<String, List<InetAddress>> explicit = nodeAddresses(options, hc, out);

    RouterClusterSpec spec = new RouterClusterSpec();
    MediaMapper.Mapped media = MediaMapper.map(hc, explicit, resolver, out);
    spec.heartbeat = timing(hc, media.heartbeat(), out);
    spec.nodes =
        hc.nodes().stream()
            .map(
                n -> {
                  List<String> addresses = media.nodeAddresses().get(n.value());
                  return new NodeSpec(
                      n.value(), null, addresses.isEmpty() ? null : List.copyOf(addresses));
                })
            .toList();
    Set<String> nodeNames = hc.nodes().stream().map(Located::value).collect(Collectors.toSet());
    List<VipGroupSpec> groups = VipMapper.map(haresources.get(), nodeNames, out);
    spec.vipGroups = groups;
    spec.failback = failback(hc, out);
    spec.health = health(hc, out);

    String name = name(options, hc, out);
    Map<String, String> keys = KeyMapper.map(authkeys.get(), options.generateKeys(), random, out);
    spec.authSecretRef =
        new AuthSecretRef(
            name + "-auth",
            authkeys.get().active().map(a -> Integer.toString(a.value())).orElse("1"));

    RouterCluster cluster = new RouterCluster();
    cluster.setMetadata(meta(name, options));
    cluster.setSpec(spec);
    Secret secret =
        new SecretBuilder()
            .withMetadata(meta(name + "-auth", options))
            // The operator watches only Secrets with this label (it names the missing label).
            .editMetadata()
            .addToLabels(ConfigObjects.AUTH_LABEL, "true")
            .endMetadata()
            .withType("Opaque")
            .withStringData(keys)
            .build();
    return finish(options, out, cluster, secret);
  }

  private static ImportResult finish(
      ImportOptions options, List<Diagnostic> found, RouterCluster cluster, Secret secret) {
    List<Diagnostic> out =
        new ArrayList<>(
            found.stream()
                .map(
                    d ->
                        options.strict() && d.severity() == Severity.WARNING
                            ? d.withSeverity(Severity.ERROR)
                            : d)
                .toList());
    if (out.stream().anyMatch(Diagnostic::isError) || cluster == null) {
      return new ImportResult.Failed(Diagnostic.sorted(out));
    }
    // The round trip every RouterCluster takes: validate, then render with the Secret.
    List<Violation> violations =
        new ArrayList<>(RouterClusterValidator.validate(cluster.getSpec()));
    if (violations.isEmpty()
        && AgentConfigRenderer.render(cluster, secret)
            instanceof AgentConfigRenderer.Rendered.Invalid(List<Violation> problems)) {
      violations.addAll(problems);
    }
    violations.forEach(v -> out.add(Diagnostic.error("RouterCluster", 0, v.toString())));
    return violations.isEmpty()
        ? new ImportResult.Imported(cluster, secret, Diagnostic.sorted(out))
        : new ImportResult.Failed(Diagnostic.sorted(out));
  }

  private static Map<String, List<InetAddress>> nodeAddresses(
      ImportOptions options, HaCf hc, List<Diagnostic> out) {
    Map<String, List<InetAddress>> explicit = new LinkedHashMap<>();
    Map<InetAddress, String> owners = new LinkedHashMap<>();
    options
        .nodeAddresses()
        .forEach(
            (rawName, rawAddress) -> {
              String node = rawName.toLowerCase(Locale.ROOT);
              String option = NODE_ADDRESS_OPTION + " " + rawName + "=" + rawAddress;
              Optional<InetAddress> address = Addresses.parse(rawAddress.strip());
              if (hc.nodes().stream().noneMatch(n -> n.value().equals(node))) {
                out.add(Diagnostic.error(option, 0, "ha.cf has no node named " + node));
              } else if (address.isEmpty()) {
                out.add(Diagnostic.error(option, 0, "'" + rawAddress + "' is not an IP address"));
              } else if (owners.containsKey(address.get())
                  && !owners.get(address.get()).equals(node)) {
                out.add(
                    Diagnostic.error(
                        option, 0, "the address is already given to " + owners.get(address.get())));
              } else {
                owners.put(address.get(), node);
                explicit.computeIfAbsent(node, n -> new ArrayList<>()).add(address.get());
              }
            });
    return explicit;
  }

  private static HeartbeatSpec timing(HaCf hc, HeartbeatSpec hb, List<Diagnostic> out) {
    Duration keepalive = hc.keepalive().map(Located::value).orElse(DEFAULT_KEEPALIVE);
    Duration deadtime = hc.deadtime().map(Located::value).orElse(DEFAULT_DEADTIME);
    Duration warntime = hc.warntime().map(Located::value).orElse(deadtime.dividedBy(2));
    Duration initdead = hc.initdead().map(Located::value).orElse(defaultInitdead(deadtime));
    int eof = hc.lineCount();
    hb.keepaliveMs = millis("keepalive", keepalive, hc.keepalive(), eof, 1, 60_000, out);
    hb.deadTimeMs = millis("deadtime", deadtime, hc.deadtime(), eof, 3, 600_000, out);
    hb.warnTimeMs = millis("warntime", warntime, hc.warntime(), eof, 1, 600_000, out);
    hb.initDeadMs = millis("initdead", initdead, hc.initdead(), eof, 3, 3_600_000, out);
    int deadLine = line(hc.deadtime(), line(hc.keepalive(), eof));
    if (deadtime.compareTo(keepalive.multipliedBy(2)) <= 0) {
      out.add(
          Diagnostic.error(
              HA_CF,
              deadLine,
              "deadtime "
                  + deadtime.toMillis()
                  + " ms must be more than twice keepalive "
                  + keepalive.toMillis()
                  + " ms (heartbeat refuses it too)"));
    }
    if (warntime.compareTo(keepalive) < 0 || warntime.compareTo(deadtime) >= 0) {
      out.add(
          Diagnostic.error(
              HA_CF,
              line(hc.warntime(), deadLine),
              "warntime "
                  + warntime.toMillis()
                  + " ms must be at least keepalive and less than deadtime "
                  + deadtime.toMillis()
                  + " ms"));
    }
    if (initdead.compareTo(deadtime) < 0) {
      out.add(
          Diagnostic.error(
              HA_CF,
              line(hc.initdead(), deadLine),
              "initdead "
                  + initdead.toMillis()
                  + " ms must be at least deadtime "
                  + deadtime.toMillis()
                  + " ms (heartbeat refuses it too)"));
    }
    return hb;
  }

  /** heartbeat 3.0.6: deadtime above 10 s; 12 s below 6 s; twice deadtime in between. */
  static Duration defaultInitdead(Duration deadtime) {
    if (deadtime.compareTo(Duration.ofSeconds(10)) > 0) return deadtime;
    if (deadtime.compareTo(Duration.ofSeconds(6)) < 0) return Duration.ofSeconds(12);
    return deadtime.multipliedBy(2);
  }

  private static Integer millis(
      String directive,
      Duration value,
      Optional<Located<Duration>> source,
      int eof,
      long min,
      long max,
      List<Diagnostic> out) {
    long ms = value.toMillis();
    if (ms < min || ms > max) {
      out.add(
          Diagnostic.error(
              HA_CF,
              line(source, eof),
              directive
                  + " "
                  + ms
                  + " ms is outside what Relais accepts ("
                  + min
                  + "-"
                  + max
                  + " ms)"));
      return (int) Math.max(min, Math.min(ms, max));
    }
    return (int) ms;
  }

  private static int line(Optional<? extends Located<?>> source, int otherwise) {
    return source.map(Located::line).orElse(otherwise);
  }

  private static FailbackSpec failback(HaCf hc, List<Diagnostic> out) {
    Optional<Located<AutoFailback>> af = hc.autoFailback();
    AutoFailback value = af.map(Located::value).orElse(AutoFailback.LEGACY);
    if (value == AutoFailback.LEGACY) {
      out.add(
          Diagnostic.warning(
              HA_CF,
              line(af, hc.lineCount()),
              (af.isPresent()
                      ? "auto_failback legacy"
                      : "no auto_failback line (heartbeat's default is legacy)")
                  + " is imported as Auto: in both the VIP returns to its preferred node, but"
                  + " legacy did it by an ip-request at start-up without nice_failback's"
                  + " resource handshake, so both nodes could briefly claim a group, and it"
                  + " refused hb_standby; Relais's Auto elects through heartbeats and keeps"
                  + " standby. Write auto_failback on or off to say which you mean"));
    }
    return new FailbackSpec(
        value == AutoFailback.OFF ? FailbackPolicy.Never : FailbackPolicy.Auto, null);
  }

  private static HealthSpec health(HaCf hc, List<Diagnostic> out) {
    if (hc.pingTargets().isEmpty() && hc.pingGroups().isEmpty()) return null;
    if (!hc.respawnsIpfail()) {
      int line =
          hc.pingTargets().isEmpty()
              ? hc.pingGroups().getFirst().line()
              : hc.pingTargets().getFirst().line();
      out.add(
          Diagnostic.warning(
              HA_CF,
              line,
              "ping without ipfail: heartbeat only reported ping nodes, while Relais makes a node"
                  + " that reaches none of its targets Fault and hands its VIPs over"));
    }
    HealthSpec health = new HealthSpec();
    if (!hc.pingTargets().isEmpty()) {
      health.pingTargets =
          hc.pingTargets().stream().map(t -> t.value().getHostAddress()).distinct().toList();
    }
    if (!hc.pingGroups().isEmpty()) {
      health.pingGroups =
          hc.pingGroups().stream()
              .map(
                  g -> {
                    PingGroupSpec p = new PingGroupSpec();
                    p.name = g.name();
                    p.targets = g.targets().stream().map(InetAddress::getHostAddress).toList();
                    return p;
                  })
              .toList();
    }
    return health;
  }

  private static String name(ImportOptions options, HaCf hc, List<Diagnostic> out) {
    String name = options.name().orElse(hc.clusterName().map(Located::value).orElse(DEFAULT_NAME));
    if (name.length() > Rules.MAX_NAME - "-auth".length() || !name.matches(Rules.NAME_PATTERN)) {
      out.add(
          Diagnostic.error(
              "--name " + name, 0, "must be a lower-case DNS name of at most 58 characters"));
    }
    options
        .namespace()
        .filter(ns -> ns.length() > Rules.MAX_NAME || !ns.matches(Rules.NAME_PATTERN))
        .ifPresent(
            ns ->
                out.add(
                    Diagnostic.error("--namespace " + ns, 0, "must be a lower-case DNS label")));
    return name;
  }

  private static ObjectMeta meta(String name, ImportOptions options) {
    return new ObjectMetaBuilder()
        .withName(name)
        .withNamespace(options.namespace().orElse(null))
        .build();
  }
}

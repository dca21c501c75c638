package dev.relais.render;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.relais.api.v1alpha1.RouterClusterSpec;
import dev.relais.api.v1alpha1.Rules;
import dev.relais.model.ClusterModel;
import dev.relais.model.RouterClusterTranslator;
import dev.relais.model.Translation;
import dev.relais.render.YamlBinder.BindException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;

/**
 * Reads what an agent is given: rendered AgentConfig documents, or (standalone mode) the user's own
 * RouterCluster + Secret YAML, rendered here with the same renderer the operator uses. Every
 * outcome is a value; a bad document never throws past this class.
 */
public final class AgentConfigs {
  /** Only for writing (operator, import, tests): reading, the agent's path, loads no Jackson. */
  private static final class Writer {
    static final ObjectMapper YAML = YAMLMapper.builder().build();

    static String yaml(AgentConfig config) {
      try {
        return YAML.writeValueAsString(config);
      } catch (JsonProcessingException e) {
        throw new IllegalStateException("AgentConfig is always serializable", e);
      }
    }
  }

  /** A RouterCluster's top-level fields (as fabric8's model has them); others are errors. */
  private static final Set<String> ROUTER_CLUSTER_FIELDS =
      Set.of("apiVersion", "kind", "metadata", "spec", "status");

  private static final Pattern KEY_ID = Pattern.compile(Rules.KEY_ID_PATTERN);

  private AgentConfigs() {}

  /**
   * A validated config: the model, the keys as bytes, and the fields of a rendered document this
   * version does not know and ran without (written by a newer operator; empty otherwise).
   */
  public record Loaded(
      ClusterModel model,
      String activeKeyId,
      Map<String, byte[]> keys,
      List<String> ignoredFields) {
    public Loaded {
      keys = Map.copyOf(keys);
      ignoredFields = List.copyOf(ignoredFields);
    }

    public Loaded(ClusterModel model, String activeKeyId, Map<String, byte[]> keys) {
      this(model, activeKeyId, keys, List.of());
    }

    @Override
    public String toString() {
      return "Loaded["
          + model.clusterId()
          + " gen "
          + model.generation()
          + ", keys "
          + keys.keySet()
          + "]";
    }
  }

  /** Outcome of reading a file: every cluster in it, or why it cannot be used. */
  public sealed interface Result {
    record Ok(List<Loaded> clusters) implements Result {
      public Ok {
        clusters = List.copyOf(clusters);
      }
    }

    record Rejected(String reason) implements Result {}
  }

  public static String toYaml(AgentConfig config) {
    return Writer.yaml(config);
  }

  /**
   * Reads a file's text: AgentConfig documents, or RouterClusters with their Secrets. {@code
   * namespace} is used for objects without one (kubectl's default namespace).
   */
  public static Result read(String text, String namespace) {
    List<Node> docs = new ArrayList<>();
    try {
      for (Node doc : YamlBinder.documents(text)) {
        if (!YamlBinder.isNull(doc) && !isEmptyMapping(doc)) docs.add(doc);
      }
    } catch (MarkedYAMLException e) {
      return new Result.Rejected("not valid YAML: " + withoutText(e));
    } catch (YAMLException e) {
      return new Result.Rejected("not valid YAML (" + e.getClass().getSimpleName() + ")");
    }
    if (docs.isEmpty()) {
      return new Result.Rejected("no document in the file");
    }
    boolean rendered =
        docs.stream().allMatch(d -> AgentConfig.KIND.equals(YamlBinder.text(d, "kind")));
    try {
      return rendered ? readRendered(docs) : readManifests(docs, namespace);
    } catch (BindException | RuntimeException e) {
      return new Result.Rejected(e.getMessage());
    }
  }

  /**
   * A syntax error by line and column only: SnakeYAML's own message quotes the offending line, and
   * that line may hold a key (issue 23). Quoted characters in the problem go too.
   */
  private static String withoutText(MarkedYAMLException e) {
    String problem = e.getProblem() == null ? "syntax error" : e.getProblem();
    StringBuilder out = new StringBuilder(problem.replaceAll("'[^']*'", "'…'"));
    Mark mark = e.getProblemMark() != null ? e.getProblemMark() : e.getContextMark();
    if (mark != null) {
      out.append(" at line ").append(mark.getLine() + 1).append(", column ");
      out.append(mark.getColumn() + 1);
    }
    return out.toString();
  }

  private static boolean isEmptyMapping(Node doc) {
    return doc instanceof MappingNode m && m.getValue().isEmpty();
  }

  /**
   * Rendered documents, read as the contract between versions says (docs/design/kubernetes-mode.md,
   * "Versioning"): the apiVersion is checked before anything else, since a document of another
   * version may mean something else by the same fields; within the version, a field this agent does
   * not know is optional by rule, so it is skipped and reported instead of refusing the document. A
   * new value of a known field (an enum constant, a wider range) is still an error: the agent
   * cannot know what it means.
   */
  private static Result readRendered(List<Node> docs) throws BindException {
    List<Loaded> out = new ArrayList<>();
    for (Node doc : docs) {
      String version = YamlBinder.text(doc, "apiVersion");
      if (!AgentConfig.API_VERSION.equals(version)) {
        return new Result.Rejected(
            "AgentConfig apiVersion '"
                + version
                + "' is not one this agent runs (it runs "
                + ConfigObjects.DOCUMENT_VERSION
                + "): upgrade the agent");
      }
      List<String> unknown = new ArrayList<>();
      AgentConfig config = YamlBinder.bindTolerant(doc, AgentConfig.class, "", unknown);
      Result.Rejected problem = load(config, unknown, out);
      if (problem != null) return problem;
    }
    return new Result.Ok(out);
  }

  /** A RouterCluster as the agent reads it: its metadata and spec. */
  private record Cluster(String namespace, String name, Long generation, RouterClusterSpec spec) {}

  /** A Secret as the agent reads it; its namespace null is the default one. */
  private record NamespacedSecret(String namespace, AgentConfigRenderer.SecretData secret) {}

  private static Result readManifests(List<Node> docs, String namespace) throws BindException {
    List<Cluster> clusters = new ArrayList<>();
    List<NamespacedSecret> secrets = new ArrayList<>();
    for (int i = 0; i < docs.size(); i++) {
      Node doc = docs.get(i);
      String kind = YamlBinder.text(doc, "kind");
      switch (kind) {
        case "RouterCluster" -> {
          Map<String, NodeTuple> fields = YamlBinder.mapping(doc, "");
          YamlBinder.onlyKeys(fields, ROUTER_CLUSTER_FIELDS, "");
          Map<String, NodeTuple> meta = metadata(fields);
          clusters.add(
              new Cluster(
                  metaText(meta, "namespace"),
                  metaText(meta, "name"),
                  YamlBinder.bind(
                      YamlBinder.value(meta, "generation"), Long.class, "metadata.generation"),
                  YamlBinder.bind(
                      YamlBinder.value(fields, "spec"), RouterClusterSpec.class, "spec")));
        }
        case "Secret" -> {
          // Like fabric8's Secret, other top-level fields (type, immutable...) are accepted.
          Map<String, NodeTuple> fields = YamlBinder.mapping(doc, "");
          Map<String, NodeTuple> meta = metadata(fields);
          secrets.add(
              new NamespacedSecret(
                  metaText(meta, "namespace"),
                  new AgentConfigRenderer.SecretData(
                      metaText(meta, "name"),
                      strings(fields, "data"),
                      strings(fields, "stringData"))));
        }
        default -> {
          return new Result.Rejected(
              "document " + (i + 1) + ": kind '" + kind + "' is neither RouterCluster nor Secret");
        }
      }
    }
    if (clusters.isEmpty()) {
      return new Result.Rejected("no RouterCluster and no AgentConfig in the file");
    }
    List<Loaded> out = new ArrayList<>();
    for (Cluster cluster : clusters) {
      String ns = Objects.requireNonNullElse(cluster.namespace(), namespace);
      String secretName =
          cluster.spec() == null || cluster.spec().authSecretRef == null
              ? null
              : cluster.spec().authSecretRef.name;
      AgentConfigRenderer.SecretData secret =
          secrets.stream()
              .filter(s -> Objects.equals(s.secret().name(), secretName))
              .filter(s -> Objects.requireNonNullElse(s.namespace(), namespace).equals(ns))
              .map(NamespacedSecret::secret)
              .findFirst()
              .orElse(null);
      switch (AgentConfigRenderer.render(
          ns, cluster.name(), cluster.generation(), cluster.spec(), secret)) {
        case AgentConfigRenderer.Rendered.Ok(AgentConfig config) -> {
          Result.Rejected problem = load(config, List.of(), out);
          if (problem != null) return problem;
        }
        case AgentConfigRenderer.Rendered.Invalid invalid -> {
          return new Result.Rejected(
              "RouterCluster " + ns + "/" + cluster.name() + ": " + invalid.summary());
        }
      }
    }
    return new Result.Ok(out);
  }

  /** A document's metadata; Kubernetes' other metadata fields (labels...) are accepted, unused. */
  private static Map<String, NodeTuple> metadata(Map<String, NodeTuple> doc) throws BindException {
    Node meta = YamlBinder.value(doc, "metadata");
    return YamlBinder.isNull(meta) ? Map.of() : YamlBinder.mapping(meta, "metadata");
  }

  private static String metaText(Map<String, NodeTuple> meta, String key) throws BindException {
    return YamlBinder.bind(YamlBinder.value(meta, key), String.class, "metadata." + key);
  }

  @SuppressWarnings("unchecked")
  private static Map<String, String> strings(Map<String, NodeTuple> doc, String key)
      throws BindException {
    return (Map<String, String>) YamlBinder.bind(YamlBinder.value(doc, key), Map.class, key);
  }

  /**
   * Everything the agent needs to apply the document, checked here so an accepted document cannot
   * fail later (the keys are what ProtocolConfigs and the Keyring take: ids 0-255, at least {@link
   * AgentConfigRenderer#MIN_KEY_BYTES} bytes). Messages name the cluster and the key id, never the
   * key.
   */
  private static Result.Rejected load(
      AgentConfig config, List<String> ignoredFields, List<Loaded> out) {
    if (config.cluster() == null) {
      return new Result.Rejected("AgentConfig without cluster");
    }
    String id = config.cluster().namespace() + "/" + config.cluster().name();
    if (config.spec() == null) {
      return new Result.Rejected("AgentConfig " + id + ": spec: Required value");
    }
    Translation t =
        RouterClusterTranslator.translate(
            config.cluster().namespace(),
            config.cluster().name(),
            config.cluster().generation(),
            config.spec());
    if (t instanceof Translation.Invalid invalid) {
      return new Result.Rejected("AgentConfig " + id + ": " + invalid.summary());
    }
    if (config.keys() == null || config.keys().keys().isEmpty()) {
      return new Result.Rejected("AgentConfig " + id + ": keys: no heartbeat key");
    }
    List<String> problems = new ArrayList<>();
    Map<String, byte[]> keys = new LinkedHashMap<>();
    config.keys().keys().forEach((keyId, b64) -> decodeKey(keyId, b64, keys, problems));
    String active = config.keys().activeKeyId();
    if (active == null) {
      problems.add("keys.activeKeyId: Required value");
    } else if (!config.keys().keys().containsKey(active)) {
      problems.add("active key '" + active + "' missing");
    }
    if (!problems.isEmpty()) {
      return new Result.Rejected("AgentConfig " + id + ": " + String.join("; ", problems));
    }
    out.add(new Loaded(((Translation.Valid) t).model(), active, keys, ignoredFields));
    return null;
  }

  /** One key, checked as the renderer checks a Secret's entries; the problem, never the key. */
  private static void decodeKey(
      String keyId, String b64, Map<String, byte[]> keys, List<String> problems) {
    if (keyId == null || !KEY_ID.matcher(keyId).matches()) {
      problems.add("key id '" + keyId + "' must be a key number 0-255 (heartbeat's authkeys N)");
      return;
    }
    if (b64 == null) {
      problems.add("key '" + keyId + "' is empty");
      return;
    }
    byte[] key;
    try {
      key = Base64.getDecoder().decode(b64);
    } catch (IllegalArgumentException e) {
      // Its message quotes the offending character: a piece of the key.
      problems.add("key '" + keyId + "' is not valid base64");
      return;
    }
    if (key.length < AgentConfigRenderer.MIN_KEY_BYTES) {
      problems.add(
          "key '"
              + keyId
              + "' has "
              + key.length
              + " bytes; at least "
              + AgentConfigRenderer.MIN_KEY_BYTES
              + " are needed for HMAC-SHA256");
      return;
    }
    keys.put(keyId, key);
  }
}

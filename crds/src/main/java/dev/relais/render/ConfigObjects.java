package dev.relais.render;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Names, labels and revisions of the objects operator and agents share: the rendered config Secret
 * of each RouterCluster and the RouterNodeStates, both in the release namespace. Pure, so the
 * agent, the operator and the tests agree on one definition.
 */
public final class ConfigObjects {
  private ConfigObjects() {}

  public static final String MANAGED_BY_LABEL = "app.kubernetes.io/managed-by";
  public static final String MANAGED_BY = "relais-operator";
  public static final String COMPONENT_LABEL = "relais.dev/component";
  public static final String AGENT_CONFIG = "agent-config";

  /** The cluster's short id (a hash: names may be 253 characters, label values only 63). */
  public static final String CLUSTER_ID_LABEL = "relais.dev/cluster-id";

  /** namespace/name of the RouterCluster an object belongs to. */
  public static final String CLUSTER_ANNOTATION = "relais.dev/cluster";

  /** On the rendered Secret: the revision its document carries, as agents report it. */
  public static final String REVISION_ANNOTATION = "relais.dev/config-revision";

  /**
   * On a rendered Secret, set by the operator's finalizer just before it deletes the Secret: the
   * cluster is gone, so agents stop serving it at once. A Secret that vanishes without it is not a
   * reason to drop a VIP (docs/design/kubernetes-mode.md).
   */
  public static final String RETIRED_ANNOTATION = "relais.dev/retired";

  /** On a RouterNodeState: the node that writes it (the chart's admission policy checks it). */
  public static final String NODE_LABEL = "relais.dev/node";

  /** The rendered document's key in the Secret's data. */
  public static final String CONFIG_KEY = "agentconfig.yaml";

  /**
   * A random salt kept in the rendered Secret: the revision is an HMAC of the document under it, so
   * the revision (shown in status) cannot be used to test guesses of a weak key offline.
   */
  public static final String SALT_KEY = "revision-salt";

  /**
   * Auth Secrets carry this label so the operator watches only them, not every Secret of the
   * cluster; the examples and {@code relais import} set it.
   */
  public static final String AUTH_LABEL = "relais.dev/auth";

  /** On a Kubernetes Node: that router is in standby in every cluster naming it. */
  public static final String STANDBY_NODE_LABEL = "relais.dev/standby";

  /** The document versions this build can render and run. */
  public static final String DOCUMENT_VERSION = AgentConfig.API_VERSION + "/" + AgentConfig.KIND;

  /** Label that marks a rendered Secret as naming a node, so an agent lists only its own. */
  public static String nodeLabel(String node) {
    return "node.relais.dev/" + node;
  }

  public static String clusterId(String namespace, String name) {
    return hex(sha256(namespace + "/" + name)).substring(0, 16);
  }

  /** The rendered Secret's name: readable prefix, hash of namespace/name for uniqueness. */
  public static String configSecretName(String namespace, String name) {
    return base(namespace, name);
  }

  /** A node state's name: one per (cluster, node). */
  public static String nodeStateName(String namespace, String name, String node) {
    return base(namespace, name) + "-" + node;
  }

  private static String base(String namespace, String name) {
    String prefix = name.length() > 30 ? name.substring(0, 30) : name;
    prefix = prefix.replaceAll("[.-]+$", "").replace('.', '-');
    return "relais-" + prefix + "-" + hex(sha256(namespace + "/" + name)).substring(0, 12);
  }

  /** The revision of a rendered document: 64 bits of HMAC-SHA256 under the Secret's salt. */
  public static String revision(String document, byte[] salt) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(salt, "HmacSHA256"));
      return hex(mac.doFinal(document.getBytes(StandardCharsets.UTF_8))).substring(0, 16);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
    }
  }

  private static byte[] sha256(String text) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("SHA-256 is part of every JDK", e);
    }
  }

  private static String hex(byte[] bytes) {
    return HexFormat.of().formatHex(bytes);
  }
}

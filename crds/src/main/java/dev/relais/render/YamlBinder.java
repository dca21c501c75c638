package dev.relais.render;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.lang.reflect.AnnotatedElement;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.composer.Composer;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.parser.ParserImpl;
import org.yaml.snakeyaml.reader.StreamReader;
import org.yaml.snakeyaml.resolver.Resolver;

/**
 * The agent's YAML reading, without Jackson's data binding or fabric8's model classes (which cost
 * the agent about 700 loaded classes; docs/design/runtime.md, "JVM settings"). SnakeYAML, which
 * Jackson's YAML format already brings, composes each document into a node tree, and {@link #bind}
 * fills the API's public-field classes and records from it, as the operator's Jackson mapper does
 * with FAIL_ON_UNKNOWN_PROPERTIES: a field's YAML name is its {@link JsonProperty} name or its own,
 * an unknown or repeated field is an error (unless the caller collects unknown fields instead: a
 * rendered document from a newer operator), and a scalar is typed by the field it goes to (a plain
 * {@code 100} is the string "100" where a string is wanted; no YAML 1.1 guessing of {@code yes} or
 * {@code on}), except that a quoted number is never an integer. Errors name the line and the field
 * path.
 */
final class YamlBinder {
  private YamlBinder() {}

  /** A document that does not fit the type it is read as; the message names line and field. */
  static final class BindException extends Exception {
    BindException(Node at, String path, String message) {
      super(
          "line "
              + (at.getStartMark().getLine() + 1)
              + ": "
              + (path.isEmpty() ? "" : path + ": ")
              + message);
    }
  }

  /** Every document of a multi-document text; a YAML syntax error throws SnakeYAML's exception. */
  static List<Node> documents(String text) {
    LoaderOptions options = new LoaderOptions();
    Resolver noImplicitTypes =
        new Resolver() {
          @Override
          protected void addImplicitResolvers() {
            // Scalars stay text: bind() types them by their target field.
          }
        };
    Composer composer =
        new Composer(new ParserImpl(new StreamReader(text), options), noImplicitTypes, options);
    List<Node> docs = new ArrayList<>();
    while (composer.checkNode()) {
      docs.add(composer.getNode());
    }
    return docs;
  }

  /** YAML's null: an empty or {@code ~}/{@code null} plain scalar (a quoted "null" is text). */
  static boolean isNull(Node node) {
    return node == null
        || node instanceof ScalarNode s
            && s.getScalarStyle() == DumperOptions.ScalarStyle.PLAIN
            && switch (s.getValue()) {
              case "", "~", "null", "Null", "NULL" -> true;
              default -> false;
            };
  }

  /** The text at {@code key} of a mapping document, or "" (for kind and apiVersion checks). */
  static String text(Node doc, String key) {
    if (doc instanceof MappingNode map) {
      for (NodeTuple t : map.getValue()) {
        if (t.getKeyNode() instanceof ScalarNode k
            && k.getValue().equals(key)
            && t.getValueNode() instanceof ScalarNode v
            && !isNull(v)) {
          return v.getValue();
        }
      }
    }
    return "";
  }

  /** A mapping's entries by key, in order; a key that is not a plain value, or repeated, fails. */
  static Map<String, NodeTuple> mapping(Node node, String path) throws BindException {
    if (!(node instanceof MappingNode map)) {
      throw new BindException(
          node, path, "expected a mapping (key: value lines), got " + kind(node));
    }
    Map<String, NodeTuple> out = new LinkedHashMap<>();
    for (NodeTuple t : map.getValue()) {
      if (!(t.getKeyNode() instanceof ScalarNode key) || isNull(key)) {
        throw new BindException(t.getKeyNode(), path, "keys must be plain names");
      }
      if (out.put(key.getValue(), t) != null) {
        throw new BindException(key, join(path, key.getValue()), "given twice");
      }
    }
    return out;
  }

  /** Fails on a key of {@code map} that is not in {@code known}. */
  static void onlyKeys(Map<String, NodeTuple> map, Set<String> known, String path)
      throws BindException {
    for (Map.Entry<String, NodeTuple> e : map.entrySet()) {
      if (!known.contains(e.getKey())) {
        throw new BindException(
            e.getValue().getKeyNode(),
            join(path, e.getKey()),
            "unknown field (known: " + String.join(", ", new TreeSet<>(known)) + ")");
      }
    }
  }

  /** The value at {@code key} of a mapping, or null. */
  static Node value(Map<String, NodeTuple> map, String key) {
    NodeTuple t = map.get(key);
    return t == null ? null : t.getValueNode();
  }

  static <T> T bind(Node node, Class<T> type, String path) throws BindException {
    return type.cast(bind(node, (Type) type, path, null));
  }

  /**
   * Binds leniently: a field the type does not have is skipped and its path added to {@code
   * unknown}, instead of failing. For documents written by a newer version of Relais.
   */
  static <T> T bindTolerant(Node node, Class<T> type, String path, List<String> unknown)
      throws BindException {
    return type.cast(bind(node, (Type) type, path, java.util.Objects.requireNonNull(unknown)));
  }

  /**
   * Binds a node to a type; {@code path} (the field path so far) prefixes errors; {@code unknown}
   * null makes an unknown field an error, else collects its path.
   */
  private static Object bind(Node node, Type type, String path, List<String> unknown)
      throws BindException {
    Class<?> raw = raw(type);
    if (isNull(node)) {
      if (raw == long.class) return 0L;
      if (raw == int.class) return 0;
      if (raw == boolean.class) return false;
      return null;
    }
    if (raw == String.class) return scalar(node, path);
    if (raw == Integer.class || raw == int.class) {
      return integer(node, path, Integer.MIN_VALUE, Integer.MAX_VALUE).intValue();
    }
    if (raw == Long.class || raw == long.class) {
      return integer(node, path, Long.MIN_VALUE, Long.MAX_VALUE);
    }
    if (raw == Boolean.class || raw == boolean.class) {
      String s = scalar(node, path);
      if (s.equalsIgnoreCase("true")) return true;
      if (s.equalsIgnoreCase("false")) return false;
      throw new BindException(node, path, "'" + s + "' is not true or false");
    }
    if (raw.isEnum()) {
      String s = scalar(node, path);
      List<String> names = new ArrayList<>();
      for (Object constant : raw.getEnumConstants()) {
        String name = ((Enum<?>) constant).name();
        if (name.equals(s)) return constant;
        names.add(name);
      }
      throw new BindException(node, path, "'" + s + "' is not one of " + names);
    }
    if (raw == List.class) {
      if (!(node instanceof SequenceNode seq)) {
        throw new BindException(node, path, "expected a list, got " + kind(node));
      }
      Type element = argument(type, 0);
      List<Object> out = new ArrayList<>();
      for (int i = 0; i < seq.getValue().size(); i++) {
        out.add(bind(seq.getValue().get(i), element, path + "[" + i + "]", unknown));
      }
      return out;
    }
    Map<String, NodeTuple> map = mapping(node, path);
    if (raw == Map.class) {
      Type value = argument(type, 1);
      Map<String, Object> out = new LinkedHashMap<>();
      for (Map.Entry<String, NodeTuple> e : map.entrySet()) {
        out.put(
            e.getKey(), bind(e.getValue().getValueNode(), value, join(path, e.getKey()), unknown));
      }
      return out;
    }
    if (!raw.getPackageName().startsWith("dev.relais.")) {
      throw new IllegalArgumentException("cannot bind " + raw.getName());
    }
    try {
      return raw.isRecord() ? record(map, raw, path, unknown) : object(map, raw, path, unknown);
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException("cannot construct " + raw.getName(), e);
    }
  }

  private static Object record(
      Map<String, NodeTuple> map, Class<?> type, String path, List<String> unknown)
      throws ReflectiveOperationException, BindException {
    RecordComponent[] components = type.getRecordComponents();
    Map<String, RecordComponent> byName = new LinkedHashMap<>();
    for (RecordComponent c : components) byName.put(yamlName(c, c.getName()), c);
    checkKeys(map, byName.keySet(), path, unknown);
    Object[] args = new Object[components.length];
    Class<?>[] types = new Class<?>[components.length];
    int i = 0;
    for (Map.Entry<String, RecordComponent> e : byName.entrySet()) {
      RecordComponent c = e.getValue();
      types[i] = c.getType();
      args[i++] = bind(value(map, e.getKey()), c.getGenericType(), join(path, e.getKey()), unknown);
    }
    return type.getDeclaredConstructor(types).newInstance(args);
  }

  private static Object object(
      Map<String, NodeTuple> map, Class<?> type, String path, List<String> unknown)
      throws ReflectiveOperationException, BindException {
    Map<String, Field> fields = new LinkedHashMap<>();
    for (Field f : type.getFields()) {
      if (!Modifier.isStatic(f.getModifiers())) fields.put(yamlName(f, f.getName()), f);
    }
    checkKeys(map, fields.keySet(), path, unknown);
    Object out = type.getConstructor().newInstance();
    for (Map.Entry<String, NodeTuple> e : map.entrySet()) {
      Field f = fields.get(e.getKey());
      if (f == null) continue; // collected by checkKeys
      f.set(
          out,
          bind(e.getValue().getValueNode(), f.getGenericType(), join(path, e.getKey()), unknown));
    }
    return out;
  }

  /** Strict ({@code unknown} null): {@link #onlyKeys}; tolerant: collects the unknown paths. */
  private static void checkKeys(
      Map<String, NodeTuple> map, Set<String> known, String path, List<String> unknown)
      throws BindException {
    if (unknown == null) {
      onlyKeys(map, known, path);
      return;
    }
    for (String key : map.keySet()) {
      if (!known.contains(key)) unknown.add(join(path, key));
    }
  }

  private static String yamlName(AnnotatedElement element, String javaName) {
    JsonProperty property = element.getAnnotation(JsonProperty.class);
    return property == null || property.value().isEmpty() ? javaName : property.value();
  }

  /**
   * A whole number in range; YAML's {@code +} sign and {@code _} separators are allowed. A quoted
   * one is a string, which the API server's schema rejects for an integer field.
   */
  private static Long integer(Node node, String path, long min, long max) throws BindException {
    String s = scalar(node, path).trim();
    if (((ScalarNode) node).getScalarStyle() != DumperOptions.ScalarStyle.PLAIN) {
      throw new BindException(node, path, "must be of type integer: \"string\"");
    }
    try {
      long value = Long.parseLong(s.replace("_", ""));
      if (value >= min && value <= max) return value;
      throw new BindException(node, path, "'" + s + "' is out of range");
    } catch (NumberFormatException e) {
      throw new BindException(node, path, "'" + s + "' is not a whole number");
    }
  }

  private static String scalar(Node node, String path) throws BindException {
    if (!(node instanceof ScalarNode s)) {
      throw new BindException(node, path, "expected a single value, got " + kind(node));
    }
    return s.getValue();
  }

  private static String kind(Node node) {
    return switch (node) {
      case MappingNode m -> "a mapping";
      case SequenceNode s -> "a list";
      default -> "a single value";
    };
  }

  private static Class<?> raw(Type type) {
    return type instanceof ParameterizedType p ? (Class<?>) p.getRawType() : (Class<?>) type;
  }

  private static Type argument(Type type, int index) {
    return type instanceof ParameterizedType p ? p.getActualTypeArguments()[index] : String.class;
  }

  private static String join(String path, String key) {
    return path.isEmpty() ? key : path + "." + key;
  }
}

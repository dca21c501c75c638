package dev.relais.model;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.relais.api.v1alpha1.RouterClusterSpec;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@link SpecDefaults}' hand-written copy keeps every field of every spec class, and shares nothing
 * mutable with the original: a spec with every field set (found by reflection, so a new field is
 * covered without touching this test) copies to an equal, independent spec.
 */
class SpecCopyTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private int counter;

  @Test
  void theCopyHoldsEveryFieldAndSharesNothingMutable() throws ReflectiveOperationException {
    RouterClusterSpec spec = (RouterClusterSpec) filled(RouterClusterSpec.class);

    RouterClusterSpec copy = SpecDefaults.copy(spec);

    assertThat(JSON.valueToTree(copy).toString()).isEqualTo(JSON.valueToTree(spec).toString());
    assertIndependent(spec, copy, "spec");
  }

  @Test
  void absentPartsStayAbsent() {
    RouterClusterSpec spec = new RouterClusterSpec();
    spec.nodes = null;
    spec.vipGroups = null;

    assertThat(JSON.valueToTree(SpecDefaults.copy(spec)).toString()).isEqualTo("{}");
  }

  /** A value of {@code type} with every public field set to a distinct non-default value. */
  private Object filled(Type type) throws ReflectiveOperationException {
    Class<?> raw =
        type instanceof ParameterizedType p ? (Class<?>) p.getRawType() : (Class<?>) type;
    counter++;
    if (raw == String.class) return "s" + counter;
    if (raw == Integer.class) return 1000 + counter;
    if (raw == Long.class) return 1000L + counter;
    if (raw == Boolean.class) return Boolean.TRUE;
    if (raw.isEnum()) {
      Object[] constants = raw.getEnumConstants();
      return constants[counter % constants.length];
    }
    if (raw == List.class) {
      Type element = ((ParameterizedType) type).getActualTypeArguments()[0];
      List<Object> list = new ArrayList<>();
      list.add(filled(element));
      list.add(filled(element));
      return list;
    }
    assertThat(raw.getPackageName()).as("a spec class").isEqualTo("dev.relais.api.v1alpha1");
    Object out = raw.getConstructor().newInstance();
    for (Field f : raw.getFields()) {
      if (!Modifier.isStatic(f.getModifiers())) f.set(out, filled(f.getGenericType()));
    }
    return out;
  }

  private static void assertIndependent(Object original, Object copy, String path)
      throws IllegalAccessException {
    if (original == null || original instanceof String || original instanceof Number) return;
    if (original instanceof Enum<?> || original instanceof Boolean) return;
    assertThat(copy).as(path + " is a new object").isNotSameAs(original);
    if (original instanceof List<?> list) {
      for (int i = 0; i < list.size(); i++) {
        assertIndependent(list.get(i), ((List<?>) copy).get(i), path + "[" + i + "]");
      }
      return;
    }
    for (Field f : original.getClass().getFields()) {
      if (!Modifier.isStatic(f.getModifiers())) {
        assertIndependent(f.get(original), f.get(copy), path + "." + f.getName());
      }
    }
  }
}

package dev.relais.api.drift;

import dev.relais.api.v1alpha1.RouterClusterSpec;

/** RouterClusterSpec plus one new field. */
public class GrownSpec extends RouterClusterSpec {
  public String addedLater;
}

package dev.relais.api.v1alpha1;

/** metav1.Condition's status values. */
public enum ConditionStatus {
  True,
  False,
  Unknown
}

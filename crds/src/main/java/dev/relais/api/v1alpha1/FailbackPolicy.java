package dev.relais.api.v1alpha1;

/** ha.cf auto_failback: on = Auto, off = Never; Delayed waits for the returning node to settle. */
public enum FailbackPolicy {
  Auto,
  Never,
  Delayed
}

package dev.relais.operator.status;

/** The condition types of RouterCluster.status, and the reasons they share. */
public final class ConditionTypes {
  private ConditionTypes() {}

  public static final String READY = "Ready";
  public static final String DEGRADED = "Degraded";
  public static final String SPLIT_BRAIN = "SplitBrain";
  public static final String CONFIG_INVALID = "ConfigInvalid";
  public static final String CONFLICT = "Conflict";
  // kstatus' abnormal-true conditions: in progress, and cannot progress without a person.
  public static final String RECONCILING = "Reconciling";
  public static final String STALLED = "Stalled";
}

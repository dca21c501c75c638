package dev.relais.operator.status;

import static dev.relais.operator.status.ConditionTypes.CONFIG_INVALID;
import static dev.relais.operator.status.ConditionTypes.CONFLICT;
import static dev.relais.operator.status.ConditionTypes.SPLIT_BRAIN;

import dev.relais.api.v1alpha1.Condition;
import dev.relais.api.v1alpha1.ConditionStatus;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/** Conditions in metav1.Condition's shape; a transition time moves only when status does. */
final class Conditions {
  private final List<Condition> previous;
  private final long generation;
  private final Instant now;
  private final List<Condition> out = new ArrayList<>();
  private final List<ClusterEvent> transitions = new ArrayList<>();

  Conditions(List<Condition> previous, long generation, Instant now) {
    this.previous = Objects.requireNonNullElse(previous, List.of());
    this.generation = generation;
    this.now = now;
  }

  void set(String type, boolean value, String reason, String message) {
    ConditionStatus status = value ? ConditionStatus.True : ConditionStatus.False;
    Condition before = previous.stream().filter(x -> type.equals(x.type)).findFirst().orElse(null);
    String since =
        before != null && before.status == status && before.lastTransitionTime != null
            ? before.lastTransitionTime
            : now.toString();
    out.add(new Condition(type, status, reason, message, since, generation));
    boolean changed = before == null ? value : before.status != status;
    boolean reworded =
        before != null
            && before.status == status
            && value
            && !Objects.equals(before.message, message);
    switch (type) {
      case SPLIT_BRAIN -> {
        if (changed)
          transitions.add(
              value
                  ? ClusterEvent.warning("SplitBrain", message)
                  : ClusterEvent.normal("SplitBrainEnded", "one owner per VIP group again"));
      }
      case CONFIG_INVALID, CONFLICT -> {
        if ((changed || reworded) && value) transitions.add(ClusterEvent.warning(reason, message));
      }
      default -> {}
    }
  }

  String message(String type) {
    return out.stream().filter(x -> type.equals(x.type)).findFirst().map(x -> x.message).orElse("");
  }

  List<Condition> list() {
    return List.copyOf(out);
  }

  List<ClusterEvent> transitionEvents() {
    return List.copyOf(transitions);
  }
}

package dev.relais.model;

import dev.relais.api.v1alpha1.FailbackPolicy;
import java.time.Duration;

/** Failback policy; {@code delay} is zero unless the policy is Delayed. */
public record Failback(FailbackPolicy policy, Duration delay) {}

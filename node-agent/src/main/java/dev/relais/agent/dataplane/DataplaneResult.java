package dev.relais.agent.dataplane;

/** The outcome of one data plane operation: a value, or an expected failure. */
public sealed interface DataplaneResult<T> {
  record Ok<T>(T value) implements DataplaneResult<T> {}

  record Failed<T>(DataplaneError error) implements DataplaneResult<T> {}

  static <T> DataplaneResult<T> ok(T value) {
    return new Ok<>(value);
  }

  static <T> DataplaneResult<T> failed(DataplaneError error) {
    return new Failed<>(error);
  }

  default boolean isOk() {
    return this instanceof Ok<T>;
  }
}

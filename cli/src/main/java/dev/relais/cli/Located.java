package dev.relais.cli;

/** A value read from a configuration file, with the (1-based) line it was read from. */
public record Located<T>(T value, int line) {}

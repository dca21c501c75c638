package dev.relais.model;

/** The Secret that holds the keys, and the entry that signs. */
public record AuthRef(String secretName, String activeKeyId) {}

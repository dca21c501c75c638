package dev.relais.api.v1alpha1;

/** How heartbeats travel: ha.cf's ucast, bcast or mcast. */
public enum Transport {
  Unicast,
  Broadcast,
  Multicast
}

package dev.relais.api.v1alpha1;

import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.Kind;
import io.fabric8.kubernetes.model.annotation.Plural;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Singular;
import io.fabric8.kubernetes.model.annotation.Version;

/**
 * Routers that share virtual IPs through authenticated heartbeats (heartbeat's ha.cf +
 * haresources). kubectl shows the printer columns in this order (see CrdFiles); priority 1 ones
 * only with {@code -o wide}.
 */
@Group(RouterCluster.GROUP)
@Version(RouterCluster.VERSION)
@Kind("RouterCluster")
@Plural("routerclusters")
@Singular("routercluster")
@ShortNames("rtc")
@AdditionalPrinterColumn(
    name = "VIP",
    jsonPath = ".status.vip",
    type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(
    name = "ACTIVE",
    jsonPath = ".status.activeNode",
    type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(
    name = "READY",
    jsonPath = ".status.conditions[?(@.type==\"Ready\")].status",
    type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(
    name = "REASON",
    jsonPath = ".status.conditions[?(@.type==\"Ready\")].reason",
    type = AdditionalPrinterColumn.Type.STRING,
    priority = 1)
@AdditionalPrinterColumn(
    name = "LAST FAILOVER",
    jsonPath = ".status.lastFailover.time",
    type = AdditionalPrinterColumn.Type.DATE,
    priority = 1)
@AdditionalPrinterColumn(
    name = "AGE",
    jsonPath = ".metadata.creationTimestamp",
    type = AdditionalPrinterColumn.Type.DATE)
public class RouterCluster extends CustomResource<RouterClusterSpec, RouterClusterStatus>
    implements Namespaced {
  public static final String GROUP = "relais.dev";
  public static final String VERSION = "v1alpha1";
}

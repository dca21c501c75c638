package dev.relais.api.drift;

import dev.relais.api.v1alpha1.RouterClusterStatus;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.Kind;
import io.fabric8.kubernetes.model.annotation.Plural;
import io.fabric8.kubernetes.model.annotation.Version;

/** The real RouterCluster with one field added to its spec, as a developer might forget. */
@Group("relais.dev")
@Version("v1alpha1")
@Kind("RouterCluster")
@Plural("routerclusters")
public class RouterCluster extends CustomResource<GrownSpec, RouterClusterStatus>
    implements Namespaced {}

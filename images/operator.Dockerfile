# The Relais operator on a JRE 25. Build context: the repository root, after Maven built the
# operator (images/build.sh does both). The entry point is bin/lib/jvm-flags.sh, the same script
# bin/relais-operator uses, so the image and the launcher run the same JVM flags.
FROM eclipse-temurin:25-jre
COPY bin/lib/java.sh bin/lib/jvm-flags.sh /opt/relais/bin/lib/
COPY operator/target/lib/ /opt/relais/operator/lib/
COPY operator/target/relais-operator.jar /opt/relais/operator/
USER 65532:65532
ENTRYPOINT ["/opt/relais/bin/lib/jvm-flags.sh", "operator", "/opt/relais/operator"]

# The Relais node agent on a JRE 25. Build context: the repository root, after Maven built the
# agent (images/build.sh does both). The entry point is bin/lib/jvm-flags.sh, the same script
# bin/relais-agent uses, so the image and the launcher run the same JVM flags.
FROM eclipse-temurin:25-jre
COPY bin/lib/java.sh bin/lib/jvm-flags.sh /opt/relais/bin/lib/
COPY node-agent/target/lib/ /opt/relais/agent/lib/
COPY node-agent/target/relais-node-agent.jar /opt/relais/agent/
# Root: capabilities added to a non-root user are not effective without ambient capabilities;
# the chart drops every capability but NET_ADMIN, NET_RAW, NET_BIND_SERVICE and SYS_NICE.
USER 0:0
ENTRYPOINT ["/opt/relais/bin/lib/jvm-flags.sh", "agent", "/opt/relais/agent"]

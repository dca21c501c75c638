# Finds a JDK whose java.specification.version is 25 or newer ($JAVA_HOME first, then
# /usr/lib/jvm) and exports JAVA_HOME; exits with a clear message when there is none.
relais_java_version() {
  "$1/bin/java" -XshowSettings:properties -version 2>&1 |
    sed -n 's/^ *java.specification.version = \([0-9]*\).*/\1/p'
}

relais_find_java() {
  local candidate version
  for candidate in "${JAVA_HOME:-}" /usr/lib/jvm/*; do
    [ -n "$candidate" ] && [ -x "$candidate/bin/java" ] || continue
    version=$(relais_java_version "$candidate")
    if [ -n "$version" ] && [ "$version" -ge 25 ]; then
      export JAVA_HOME="$candidate"
      export PATH="$JAVA_HOME/bin:$PATH"
      return 0
    fi
  done
  echo "Relais needs a JDK 25 or newer: none found in \$JAVA_HOME (${JAVA_HOME:-unset}) or /usr/lib/jvm." >&2
  echo "Install Temurin 25 and set JAVA_HOME to it." >&2
  exit 1
}

# The JVM flags every Relais launcher passes, in one place (the tests' copy is the parent pom's
# relais.jvm.flags): --enable-native-access for the FFM downcalls (netlink, packet sockets) and
# netty's native epoll library; --sun-misc-unsafe-memory-access=allow because netty (and protobuf)
# still use sun.misc.Unsafe. With both, JDK 25 prints no warning into the logs.
RELAIS_JVM_FLAGS=(--enable-native-access=ALL-UNNAMED --sun-misc-unsafe-memory-access=allow)

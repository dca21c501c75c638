#!/usr/bin/env bash
# Runs every Relais test on a fresh machine: installs what the tests use, finds JDK 25, builds,
# runs unit, integration and kernel (network namespace) tests, and fails if kernel tests did not run.
set -euo pipefail
cd "$(dirname "$0")"

# shellcheck source=bin/lib/java.sh
. bin/lib/java.sh
relais_find_java

# Debian packages the tests use. Installed every time, even when present: CI runs on machines
# where earlier work may have left packages, and a missing install step must not hide there.
PACKAGES=(iproute2 nftables iputils-ping iputils-arping tcpdump procps kmod)
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  echo "test.sh: installing ${PACKAGES[*]}"
  DEBIAN_FRONTEND=noninteractive apt-get update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${PACKAGES[@]}" >/dev/null
elif [ "${CI:-}" = true ]; then
  echo "test.sh: CI must run as root to install packages and create network namespaces" >&2
  exit 1
else
  echo "test.sh: not root: packages not installed, kernel tests will be skipped (they must run in CI)"
fi

# helm and kubectl for the chart tests (helm/), into .tools/bin.
bin/install-tools

./mvnw -B verify "$@"

# Kernel tests (JUnit tag "netns") must have run, not skipped: every class tagged netns must have a
# Failsafe report with tests and no skips.
mapfile -t kernel_classes < <(grep -rl '@Tag("netns")' --include='*.java' . 2>/dev/null | grep '/src/test/java/' || true)
if [ "${#kernel_classes[@]}" -gt 0 ] && { [ "${CI:-}" = true ] || [ "$(id -u)" = 0 ]; }; then
  ran=0
  for src in "${kernel_classes[@]}"; do
    module=${src#./}; module=${module%%/src/test/java/*}
    fqcn=${src#*/src/test/java/}; fqcn=${fqcn%.java}; fqcn=${fqcn//\//.}
    report="$module/target/failsafe-reports/TEST-$fqcn.xml"
    [ -f "$report" ] || report="$module/target/surefire-reports/TEST-$fqcn.xml"
    if [ ! -f "$report" ]; then
      echo "test.sh: kernel test $fqcn did not run (no report)" >&2
      exit 1
    fi
    tests=$(grep -o '<testsuite [^>]*' "$report" | grep -o ' tests="[0-9]*"' | grep -o '[0-9]*')
    skipped=$(grep -o '<testsuite [^>]*' "$report" | grep -o ' skipped="[0-9]*"' | grep -o '[0-9]*')
    if [ "${tests:-0}" -eq 0 ] || [ "${skipped:-0}" -ne 0 ]; then
      echo "test.sh: kernel test $fqcn ran $tests tests with $skipped skipped; they must run" >&2
      exit 1
    fi
    ran=$((ran + tests))
  done
  echo "test.sh: $ran kernel tests ran in network namespaces"
fi

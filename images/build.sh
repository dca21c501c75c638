#!/usr/bin/env bash
# Builds the agent and operator images and, with --push, pushes them:
#   images/build.sh REGISTRY [TAG] [--push]
# e.g. images/build.sh registry.example.com/relais 0.1.0 --push, then install the chart with
# --set image.registry=registry.example.com/relais --set image.tag=0.1.0.
# Needs JDK 25 (for Maven) and docker (or DOCKER=podman). Nothing here needs network access but
# the base image pull and the push.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
if [ $# -lt 1 ] || [ "${1#-}" != "$1" ]; then
  echo "usage: images/build.sh REGISTRY [TAG] [--push]" >&2
  exit 2
fi
registry=${1%/}
tag=${2:-0.1.0}
[ "${tag#-}" != "$tag" ] && tag=0.1.0
push=false
for arg in "$@"; do [ "$arg" = --push ] && push=true; done
docker=${DOCKER:-docker}
. "$root/bin/lib/java.sh"
relais_find_java
(cd "$root" && ./mvnw -B -q -pl node-agent,operator -am package -Dmaven.test.skip=true)
for component in agent operator; do
  image="$registry/relais-$component:$tag"
  "$docker" build -f "$root/images/$component.Dockerfile" -t "$image" "$root"
  if $push; then "$docker" push "$image"; fi
done

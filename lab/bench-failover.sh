#!/usr/bin/env bash
# Benchmark (not part of .ci/run): runs the tutorial drill N times and prints median/min/max of the
# client's outage (largest gap between ping replies at 5 ms spacing) for power-off failover, auto
# failback and planned switchover, then idle CPU and RSS of each agent over 60 s.
#
#   lab/bench-failover.sh [-n N] [--profile fast|tutorial] [--idle SECONDS]
#
# Results and the exact commands behind them: docs/benchmarks.md. Needs root.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
runs=10
profile=fast
idle=60
while [ $# -gt 0 ]; do
  case "$1" in
    -n) runs=$2; shift 2 ;;
    --profile) profile=$2; shift 2 ;;
    --idle) idle=$2; shift 2 ;;
    *) echo "bench: unknown argument $1" >&2; exit 2 ;;
  esac
done
results=$(mktemp)
trap 'rm -f "$results"' EXIT

for i in $(seq 1 "$runs"); do
  if out=$("$root/lab/drill.sh" --profile "$profile" --quiet 2>&1); then status=ok; else status=FAILED; fi
  echo "$out" | grep '^RESULT' >>"$results" || true
  echo "run $i/$runs: $status $(echo "$out" | grep '^RESULT' | grep -v 'step=start\|step=ping' | sed 's/.*step=\([a-z]*\).*outage_ms=\([0-9na]*\) lost=\([0-9na]*\).*/\1=\2ms(\3 lost)/' | tr '\n' ' ')"
done

stats() {
  grep "step=$1 " "$results" | sed 's/.*outage_ms=\([0-9]*\).*/\1/' | grep -E '^[0-9]+$' | sort -n |
    awk '{ v[NR] = $1 } END { if (NR == 0) { print "no data"; exit } m = (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2; printf "median %s ms, min %s ms, max %s ms (n=%d)\n", m, v[1], v[NR], NR }'
}
lost() {
  grep "step=$1 " "$results" | sed 's/.* lost=\([0-9]*\).*/\1/' | grep -E '^[0-9]+$' | sort -n |
    awk '{ v[NR] = $1; sum += $1 } END { if (NR == 0) { print "no data"; exit } m = (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2; printf "lost probes median %s, max %s, total %d", m, v[NR], sum }'
}
verdicts() { grep -c "step=$1 .*verdict=ok" "$results" || true; }

echo
echo "profile $profile, $runs runs"
for step in poweroff failback switchover; do
  printf '%-11s %s; %s; steps as expected: %s/%s\n' "$step" "$(stats "$step")" "$(lost "$step")" "$(verdicts "$step")" "$runs"
done

if [ "$idle" -gt 0 ]; then
  echo
  "$root/lab/drill.sh" --profile "$profile" --quiet --idle "$idle" 2>&1 | grep '^RESULT step=idle' |
    sed 's/RESULT step=idle node=\([a-z]*\) cpu_pct=\([0-9.]*\) rss_mb=\([0-9.]*\)/idle \1: \2 % of one core, RSS \3 MB/'
fi

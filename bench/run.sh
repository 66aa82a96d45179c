#!/bin/sh
# Builds and runs the benchmarks; writes bench/results.csv and bench/results_table.md (the table).
#   bench/run.sh                  full run (about 4 minutes on 2 cores)
#   bench/run.sh --quick          smoke run: 2x cases only, 1 repetition (about 15 seconds);
#                                 writes its CSV and table under the build directory instead
#   bench/run.sh --wait-idle=600  first wait up to 600 s for a moment when 2 threads get 2 cores
# Other arguments go to upsample_bench (see its --help), e.g. --benchmark_filter=rgb_u8.
# Timings mean something only on an otherwise idle machine: the table header records the load
# average and how much CPU 2 threads actually got, at the start and at the end.
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
build=${UPSAMPLE_BUILD_DIR:-$root/build}
lock=/tmp/upsample-build.lock
wait_idle=0
out=$root/bench  # a full run replaces bench/results.csv and bench/results_table.md
for arg in "$@"; do
  case $arg in
    --wait-idle=*) wait_idle=${arg#--wait-idle=} ;;
    --quick) out=$build/bench ;;  # a smoke run leaves the committed results alone
  esac
done

if [ ! -f "$build/CMakeCache.txt" ] ||
   ! grep -q '^UPSAMPLE_BUILD_BENCHMARKS:BOOL=ON' "$build/CMakeCache.txt"; then
  flock "$lock" cmake -S "$root" -B "$build" -G Ninja -DUPSAMPLE_BUILD_BENCHMARKS=ON
fi
flock "$lock" cmake --build "$build" --target upsample_bench
bench=$build/bench/upsample_bench
rev=$(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo unknown)
dirty=$(git -C "$root" status --porcelain 2>/dev/null | grep -v ' bench/' | wc -l)
echo "library built from commit $rev plus $dirty uncommitted path(s) outside bench/"

waited=0
while [ "$waited" -lt "$wait_idle" ]; do
  cpu=$("$bench" --probe-cpu)
  if awk -v c="$cpu" 'BEGIN { exit !(c >= 1.8) }'; then break; fi
  echo "waiting for an idle machine: 2 threads get $cpu cores' worth, load $(cut -d' ' -f1 /proc/loadavg)"
  sleep 15
  waited=$((waited + 15))
done

echo "load before: $(uptime)"
status=0
# --wait-idle is this script's; everything else goes to the benchmark.
set --  $(for arg in "$@"; do case $arg in --wait-idle=*) ;; *) printf '%s\n' "$arg" ;; esac; done)
"$bench" --csv="$out/results.csv" --table="$out/results_table.md" "$@" || status=$?
echo "load after: $(uptime)"
exit $status

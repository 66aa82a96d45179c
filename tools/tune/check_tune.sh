#!/usr/bin/env bash
# The ctests tune.*: upsample-tune end to end on small shapes, and how a generator reads tuned
# files. Exit 77 (skipped) where a tool a mode needs is missing.
#   check_tune.sh search     BUILD_DIR   a timed search, its tuned file, report and resumable cache
#   check_tune.sh qemu       BUILD_DIR   the runner plumbing: aarch64 candidates run under qemu-user
#   check_tune.sh tuned-file BUILD_DIR   the generator applies, ignores or rejects tuned files
#   check_tune.sh learnable  BUILD_DIR   the convolution and max-unpooling problems: every
#                                        candidate checked against tests/reference (no timings)
#   check_tune.sh contracts  BUILD_DIR   autoscheduled pipelines keep the runtime's buffer contract
set -euo pipefail
mode=$1
build=$(cd "$2" && pwd)
tune=$build/tools/upsample-tune
generator=$build/generators/upsample_generators
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail() { echo "check_tune.sh $mode: FAIL: $*" >&2; exit 1; }

case $mode in
search)
  variants='^(resize_linear16_x2d1_uint8_planar|unpool_bed_of_nails_u8_packed3)$'
  args=(--build-dir "$build" --target x86-64-sse41 --variants "$variants" --size-scale 0.1
        --budget 120 --max-candidates 4 --autoschedulers Mullapudi2016 --threads 1
        --work-dir "$work/w" --out "$work/tuned.json" --report "$work/report.md" --seed 7)
  "$tune" "${args[@]}" > "$work/first.log" 2>&1 || { cat "$work/first.log"; fail "the run failed"; }
  for v in resize_linear16_x2d1_uint8_planar unpool_bed_of_nails_u8_packed3; do
    grep -q "\"$v\"" "$work/tuned.json" || fail "$v missing from the tuned file"
    grep -q "^| $v | " "$work/report.md" || fail "$v missing from the report"
  done
  grep -q '"target": "x86-64-linux-sse41"' "$work/tuned.json" ||
    fail "the tuned file does not name its target"
  grep -q "| hand ms | Mullapudi2016 |" "$work/report.md" || fail "the report has no table"
  # The generator accepts the file the tuner wrote (it is what the AOT build reads).
  mkdir "$work/dir" && cp "$work/tuned.json" "$work/dir/"
  "$generator" -g resize -f f -e static_library -o "$work" \
    target=x86-64-linux-sse41-no_runtime method=linear layout=planar phases=2 \
    phase_stride=1 weight_units=16 input.type=uint8 output.type=uint8 \
    variant=resize_linear16_x2d1_uint8_planar tuned_dir="$work/dir" ||
    fail "the generator rejected the tuned file"
  # Resuming: the same command measures nothing again.
  "$tune" "${args[@]}" > "$work/second.log" 2>&1 || { cat "$work/second.log"; fail "the rerun failed"; }
  grep -q "^0 candidates measured" "$work/second.log" ||
    { cat "$work/second.log"; fail "the rerun measured candidates again instead of using the cache"; }
  # Bad input: a pattern that matches nothing, an unknown flag.
  if "$tune" --build-dir "$build" --variants '^no_such_variant$' > "$work/bad.log" 2>&1; then
    fail "a pattern matching no variant was accepted"
  fi
  grep -q "no variant" "$work/bad.log" || fail "no message for a pattern matching nothing"
  if "$tune" --no-such-flag > /dev/null 2>&1; then fail "an unknown flag was accepted"; fi
  echo "check_tune.sh search: ok"
  ;;
qemu)
  command -v qemu-aarch64 > /dev/null && command -v aarch64-linux-gnu-g++ > /dev/null ||
    { echo "skipped: qemu-aarch64 or aarch64-linux-gnu-g++ is missing"; exit 77; }
  "$tune" --build-dir "$build" --target aarch64 --variants '^resize_linear16_x2d1_uint8_planar$' \
    --size-scale 0.1 --budget 120 --max-candidates 3 --autoschedulers Mullapudi2016 \
    --correctness-only --runner "qemu-aarch64 -L /usr/aarch64-linux-gnu {exe} {args}" \
    --work-dir "$work/w" --report "$work/report.md" --out "$work/tuned.json" > "$work/log" 2>&1 ||
    { cat "$work/log"; fail "the run failed"; }
  for driver in "$work/w/resize_linear16_x2d1_uint8_planar"/*/tune_driver; do
    readelf -h "$driver" | grep -q "AArch64" || fail "$driver was not built for aarch64"
  done
  grep -q "^| resize_linear16_x2d1_uint8_planar | .* | ok | ok |" "$work/report.md" ||
    { cat "$work/report.md"; fail "the hand schedule and Mullapudi2016 did not run correctly under qemu"; }
  [ ! -e "$work/tuned.json" ] || fail "a correctness-only run wrote a tuned file"
  echo "check_tune.sh qemu: ok"
  ;;
tuned-file)
  gen() {  # gen TARGET TUNED_DIR: generate resize_linear16_x2d1_uint8_planar
    "$generator" -g resize -f f -e static_library -o "$work" "target=$1" method=linear \
      layout=planar phases=2 phase_stride=1 weight_units=16 input.type=uint8 output.type=uint8 \
      variant=resize_linear16_x2d1_uint8_planar tuned_dir="$2"
  }
  mkdir "$work/bogus" "$work/good" "$work/broken"
  # A file whose entry names a bad autoscheduler proves whether the generator read it.
  echo '{"target": "x86-64-linux-avx-avx2-f16c-fma-sse41", "variants":
        {"resize_linear16_x2d1_uint8_planar": {"params": {"autoscheduler": "bogus"}}}}' \
    > "$work/bogus/x86-64-avx2.json"
  if gen x86-64-linux-avx-avx2-f16c-fma-sse41-large_buffers-no_runtime "$work/bogus" \
      > "$work/log" 2>&1; then
    fail "the tuned file for the same instruction set was not applied"
  fi
  grep -q 'unknown autoscheduler "bogus"' "$work/log" || { cat "$work/log"; fail "no message"; }
  gen x86-64-linux-sse41-no_runtime "$work/bogus" > "$work/log" 2>&1 ||
    { cat "$work/log"; fail "a tuned file for another instruction set was applied"; }
  echo '{"target": "x86-64-linux-avx-avx2-f16c-fma-sse41", "variants":
        {"resize_linear16_x2d1_uint8_planar": {"params": {"vector_lanes": 16, "rows_per_task": 4}}}}' \
    > "$work/good/x86-64-avx2.json"
  gen x86-64-linux-avx-avx2-f16c-fma-sse41-no_runtime "$work/good" > "$work/log" 2>&1 ||
    { cat "$work/log"; fail "a valid tuned file was rejected"; }
  echo '{"target": "x86-64-linux-avx2", "variants": [' > "$work/broken/x.json"
  if gen x86-64-linux-sse41-no_runtime "$work/broken" > "$work/log" 2>&1; then
    fail "a malformed tuned file was accepted"
  fi
  grep -q "broken/x.json" "$work/log" || { cat "$work/log"; fail "the message does not name the file"; }
  echo "check_tune.sh tuned-file: ok"
  ;;
learnable)
  variants='^(conv_float32_interleaved|conv_phases_float32_planar|conv_weight_grad_float32_planar|max_unpool_i64_u8_interleaved)$'
  "$tune" --build-dir "$build" --target x86-64-sse41 --variants "$variants" --size-scale 0.1 \
    --budget 300 --max-candidates 3 --autoschedulers none --correctness-only --threads 1 \
    --work-dir "$work/w" --report "$work/report.md" --out "$work/tuned.json" > "$work/log" 2>&1 ||
    { cat "$work/log"; fail "the run failed"; }
  for v in conv_float32_interleaved conv_phases_float32_planar conv_weight_grad_float32_planar \
    max_unpool_i64_u8_interleaved; do
    # The hand schedule and two candidates of the search space were built, run and checked.
    grep -Eq "^\| $v \| .* \| ok \| \(hand\) \| +\| 3 \|$" "$work/report.md" ||
      { cat "$work/log" "$work/report.md"; fail "$v: the hand schedule failed or was not tried"; }
  done
  if grep -E "build failed|run failed|wrong output" "$work/log"; then
    fail "a candidate of the search space failed"
  fi
  echo "check_tune.sh learnable: ok"
  ;;
contracts)
  # Every generator constrains its buffers before an autoscheduler schedules it: the pipeline
  # must still check the strides the runtime relies on (here: unit channel stride, NHWC).
  check() {  # check GENERATOR BUFFER... [-- PARAMS]
    local g=$1; shift
    local buffers=()
    while [ $# -gt 0 ] && [ "$1" != -- ]; do buffers+=("$1"); shift; done
    [ $# -gt 0 ] && shift
    "$generator" -g "$g" -f "$g" -o "$work" -e stmt target=x86-64-linux-sse41 \
      layout=interleaved autoscheduler=Mullapudi2016 "$@" > "$work/$g.log" 2>&1 ||
      { cat "$work/$g.log"; fail "$g did not generate with Mullapudi2016"; }
    for b in "${buffers[@]}"; do
      grep -q "constraint_violated(\"$b.stride.2\"" "$work/$g.stmt" ||
        fail "$g scheduled by Mullapudi2016 does not check $b's channel stride"
    done
  }
  check conv input output
  check conv_weight_grad a b
  check channel_sum input
  check max_pool_i64 input values indices -- input.type=float32 values.type=float32
  check max_unpool_i64 input indices output -- input.type=uint32 output.type=uint32
  check max_unpool_windows_i64 input indices output -- input.type=uint32 output.type=uint32
  check unpool_index_check_i64 indices
  check resize_backward grad_output grad_input
  echo "check_tune.sh contracts: ok"
  ;;
*)
  fail "unknown mode"
  ;;
esac

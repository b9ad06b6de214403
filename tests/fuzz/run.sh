#!/usr/bin/env bash
# `make fuzz`: runs each libFuzzer target of tests/fuzz for FUZZ_SECONDS (default 60) from its
# committed seed corpus (tests/fuzz/corpus/<target>). New inputs go to var/fuzz/<target>/corpus,
# never into the committed seeds; a crash leaves its input in var/fuzz/<target>/ and fails.
#
#   tests/fuzz/run.sh BUILD_DIR
set -euo pipefail

build=$(cd "${1:-build-fuzz}" && pwd)
src=$(cd "$(dirname "$0")/../.." && pwd)
seconds=${FUZZ_SECONDS:-60}
status=0
for target in ${FUZZ_TARGETS:-schedule config control bundle}; do
  work=$src/var/fuzz/$target
  # A bundle seed holds a month of a commune's log (146 kB); the other inputs are small.
  max_len=65536
  [ "$target" = bundle ] && max_len=262144
  mkdir -p "$work/corpus"
  echo "fuzz: $target for ${seconds} s" >&2
  # -rss_limit_mb: the control target holds a whole daemon; ASan's shadow memory is not counted.
  if ! (cd "$work" && "$build/bin/loaxa_fuzz_$target" -max_total_time="$seconds" \
    -artifact_prefix="$work/" -print_final_stats=1 -rss_limit_mb=4096 -max_len=$max_len \
    "$work/corpus" "$src/tests/fuzz/corpus/$target" 2>"$work/log.txt"); then
    echo "fuzz: $target FAILED; input and log in $work/" >&2
    tail -40 "$work/log.txt" >&2
    status=1
  fi
  grep -E '^(stat::number_of_executed_units|stat::new_units_added)|cov: ' "$work/log.txt" | tail -3 >&2
done
exit $status

#!/usr/bin/env bash
# A province's year (issue 4, "Many communes"): merging a year of export bundles from 100
# communes and reporting on the merged file must take seconds, not minutes.
#
#   bench/audit_scale.sh [BUILD_DIR]          (default: build, configured as for `make build`)
#   COMMUNES=100 DAYS=365 RUNS=3 bench/audit_scale.sh
#
# 1. Builds `loaxa` and the generator bench/audit/audit_scale_gen.cpp, which writes each
#    commune's log through loaxa's own writers (three broadcasts a day, ~3% falling short for
#    every reason the daemon writes, device losses, weekly restarts, signed daily checkpoints)
#    and exports its bundle. Cached under var/bench/audit/<COMMUNES>x<DAYS>/ (generation is
#    not timed).
# 2. Times, best of RUNS, in the same invocation:
#      reference  `cat bundles | sha256sum`: reading and hashing the bundles' bytes once
#      merge      `loaxa audit merge bundles... --out merged.db` (parse, verify every hash and
#                 signature, write the merged file)
#      reference  `sqlite3 merged.db` scanning every event's payload
#      report     `loaxa audit report --db merged.db --format html|json|csv` (verify again,
#                 tally, render)
#    and prints seconds, the ratio to the sha256sum reference, throughput and peak memory.
# Exits non-zero if a command fails or if the merge refused a bundle (none is tampered here).
set -euo pipefail

build=${1:-build}
communes=${COMMUNES:-100}
days=${DAYS:-365}
runs=${RUNS:-3}
root=$(cd "$(dirname "$0")/.." && pwd)
case $build in /*) ;; *) build=$root/$build ;; esac
data=$root/var/bench/audit/${communes}x${days}
mkdir -p "$data"

if [ ! -f "$build/CMakeCache.txt" ]; then
  echo "audit_scale: $build is not configured; run \`make build\` first" >&2
  exit 1
fi
cmake --build "$build" --target loaxa_bench_audit_gen loaxa -j 2 >/dev/null
loaxa=$build/bin/loaxa

if [ ! -f "$data/bundles/.complete" ]; then
  echo "generating $communes communes × $days days (once; cached in $data)"
  rm -rf "$data/bundles"
  "$build/bin/loaxa_bench_audit_gen" --out "$data/bundles" --communes "$communes" --days "$days"
  touch "$data/bundles/.complete"
fi
bundles=("$data"/bundles/*.loaxa)
bytes=$(cat "${bundles[@]}" | wc -c)
events=$(cat "${bundles[@]}" | grep -c '^{"event"' || true)

# Runs "$@" RUNS times; sets best (seconds) and rss (peak KiB of the best run, if measurable).
measure() {
  best=
  rss=-
  local i start end elapsed
  for ((i = 0; i < runs; i++)); do
    start=$(date +%s%N)
    if [ -x /usr/bin/time ]; then
      /usr/bin/time -f %M -o "$data/rss" "$@" >/dev/null 2>"$data/stderr" || {
        cat "$data/stderr" >&2
        echo "audit_scale: failed: $*" >&2
        exit 1
      }
    else
      "$@" >/dev/null 2>"$data/stderr" || {
        cat "$data/stderr" >&2
        echo "audit_scale: failed: $*" >&2
        exit 1
      }
    fi
    end=$(date +%s%N)
    elapsed=$(((end - start) / 1000))
    if [ -z "$best" ] || [ "$elapsed" -lt "$best" ]; then
      best=$elapsed
      [ -f "$data/rss" ] && rss=$(tail -1 "$data/rss")
    fi
  done
}

row() { # name, microseconds, reference microseconds, bytes, rss KiB
  awk -v n="$1" -v t="$2" -v r="$3" -v b="$4" -v m="$5" 'BEGIN {
    printf "%-34s %9.3f s %8.1f× %9.1f MB/s %9s\n", n, t / 1e6, t / r, b / t, (m == "-" ? "-" : sprintf("%.0f MB", m / 1024)) }'
}

echo
echo "loaxa audit at province scale: $communes communes × $days days, ${#bundles[@]} bundles,"
echo "$events events, $((bytes / 1024 / 1024)) MB; best of $runs; ratio = time / sha256sum time"
printf "%-34s %11s %9s %14s %9s\n" "step" "time" "ratio" "throughput" "peak mem"

measure sh -c 'cat "$@" | sha256sum' sh "${bundles[@]}"
ref=$best
row "reference: cat bundles | sha256sum" "$best" "$ref" "$bytes" "-"

merged=$data/merged.db
measure sh -c '"$0" --lang en audit merge "$@" --out "'"$merged"'"' "$loaxa" "${bundles[@]}"
row "loaxa audit merge" "$best" "$ref" "$bytes" "$rss"
merge_us=$best

measure sqlite3 "$merged" "SELECT count(*), sum(length(payload)), sum(length(hash)) FROM events"
row "reference: sqlite3 scan of events" "$best" "$ref" "$bytes" "-"

report_worst=0
for format in html json csv; do
  measure "$loaxa" --lang en audit report --db "$merged" --format "$format" \
    --out "$data/report.$format"
  row "loaxa audit report --format $format" "$best" "$ref" "$bytes" "$rss"
  [ "$best" -gt "$report_worst" ] && report_worst=$best
done
echo
echo "report.html: $(($(wc -c <"$data/report.html") / 1024)) KiB, $(grep -c '<tr data-outcome=' "$data/report.html") occurrence rows"
awk -v m="$merge_us" -v r="$report_worst" 'BEGIN {
  printf "merge + slowest report: %.1f s for a province'"'"'s year\n", (m + r) / 1e6 }'

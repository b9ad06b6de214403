#!/usr/bin/env bash
# Row 4 of BENCHMARKS.md, "Audit at scale" (issue 5): prints its rows of the `make bench` table
# (markdown, on stdout; progress on stderr). bench/run.sh runs it; it also runs alone:
#
#   bench/audit_scale.sh [BUILD_DIR]        (default: build, configured as for `make build`)
#   AUDIT_EVENTS=1000000 AUDIT_COMMUNES=20 BENCH_REPS=3 bench/audit_scale.sh    (the defaults)
#   AUDIT_COMMUNES=100 bench/audit_scale.sh          (the province of issue 5: ~3 min more)
#
# Data, generated once through loaxa's own writers by bench/audit/audit_scale_gen.cpp and cached
# under var/bench/audit/ (generation is not timed):
#   - a log of AUDIT_EVENTS (1,000,000) events: one station writing the daily shape of a commune
#     (three broadcasts, ~3% falling short, station events, a signed checkpoint a day and at
#     every weekly restart: one checkpoint per ~6.5 events) for as many days as that takes; its
#     database and its export bundle;
#   - one station's year (365 days), its database;
#   - a province: AUDIT_COMMUNES communes × 365 days, one export bundle each (20 by default, so
#     that `make bench` stays within a few minutes; 100 is the province of issue 5).
#
# Rows, each against sha256sum reading the same bytes in the same run (interleaved, median of
# BENCH_REPS):
#   verify    `loaxa audit verify BUNDLE` vs `sha256sum BUNDLE`, and `loaxa audit verify --db
#             DB` vs `sha256sum DB` (the database file: what verify reads, tables, chain and
#             indexes): CPU seconds, goal ≤ 3×
#   report    `loaxa audit report --db YEAR_DB` in each format: wall seconds (the goal is < 1 s),
#             next to sha256sum of that database in the same run
#   merge     `loaxa audit merge` of the province's bundles vs `sha256sum` of them all, and
#             `loaxa audit report` on the merged file: CPU seconds (and wall), the goal being
#             seconds rather than minutes
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-build}
case $build in /*) ;; *) build=$root/$build ;; esac
events=${AUDIT_EVENTS:-1000000}
communes=${AUDIT_COMMUNES:-20}
reps=${BENCH_REPS:-3}
data=$root/var/bench/audit
mkdir -p "$data"

if [ ! -f "$build/CMakeCache.txt" ]; then
  echo "audit_scale: $build is not configured; run \`make build\` first" >&2
  exit 1
fi
cmake --build "$build" --target loaxa_bench_audit_gen loaxa_bench_cpu loaxa -j 2 >/dev/null
bin=$build/bin
loaxa=$bin/loaxa

# generate DIR ARGS...: runs the generator into DIR once (DIR/.complete marks it done).
generate() {
  local dir=$1
  shift
  [ -f "$dir/.complete" ] && return
  echo "audit_scale: generating $(basename "$dir") (once; cached in $dir)" >&2
  rm -rf "$dir"
  "$bin/loaxa_bench_audit_gen" --out "$dir" "$@" >&2
  touch "$dir/.complete"
}
big=$data/log-$events
generate "$big" --communes 1 --events "$events" --keep-db 1
year=$data/year
generate "$year" --communes 1 --days 365 --keep-db 1
province=$data/province-$communes
generate "$province" --communes "$communes" --days 365

field() { sed -n "s/.*\\b$1=\\([^ ]*\\).*/\\1/p" <<<"$2"; }
median() { sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }
at_most() { awk -v v="$1" -v g="$2" 'BEGIN { print (v <= g ? "yes" : "**no**") }'; }
below() { awk -v v="$1" -v g="$2" 'BEGIN { print (v < g ? "yes" : "**no**") }'; }
mb() { stat -c %s "$@" | awk '{ b += $1 } END { printf "%.0f MB", b / 1e6 }'; }
row() { echo "| $1 | $2 | $3 | $4 | $5 | $6 |"; }

# pair NAME_A NAME_B: runs the two commands (arrays) BENCH_REPS times, interleaved, so that a
# busy spell of the machine falls on both; sets a_cpu a_wall a_rss b_cpu b_wall (medians).
pair() {
  local -n cmd_a=$1 cmd_b=$2
  local ca=() wa=() ra=() cb=() wb=() r i
  for ((i = 0; i < reps; i++)); do
    r=$("$bin/loaxa_bench_cpu" "${cmd_a[@]}") || {
      echo "audit_scale: failed: ${cmd_a[*]}" >&2
      exit 1
    }
    ca+=("$(field cpu_s "$r")") wa+=("$(field wall_s "$r")") ra+=("$(field maxrss_kb "$r")")
    r=$("$bin/loaxa_bench_cpu" "${cmd_b[@]}")
    cb+=("$(field cpu_s "$r")") wb+=("$(field wall_s "$r")")
  done
  a_cpu=$(printf '%s\n' "${ca[@]}" | median)
  a_wall=$(printf '%s\n' "${wa[@]}" | median)
  a_rss=$(printf '%s\n' "${ra[@]}" | median)
  b_cpu=$(printf '%s\n' "${cb[@]}" | median)
  b_wall=$(printf '%s\n' "${wb[@]}" | median)
}
rss_mb() { awk -v k="$a_rss" 'BEGIN { printf "%.0f MB", k / 1024 }'; }

# 1. Verification of the 1 M-event log.
bundle=$big/commune-001.loaxa
db=$big/commune-001/loaxa.db
n=$(grep -c '^{"event"' "$bundle")
echo "audit_scale: verify, $n events ($reps runs each)" >&2
verify_bundle=("$loaxa" --lang en audit verify "$bundle")
sha_bundle=(sha256sum "$bundle")
pair verify_bundle sha_bundle
r=$(ratio "$a_cpu" "$b_cpu")
row "4 audit verify BUNDLE: $n events, $(mb "$bundle") bundle, CPU s" "$a_cpu ($(rss_mb) peak)" \
  "$b_cpu (sha256sum of the bundle)" "$r" "≤ 3.0" "$(at_most "$r" 3.0)"
verify_db=("$loaxa" --lang en audit verify --db "$db")
sha_db=(sha256sum "$db")
pair verify_db sha_db
r=$(ratio "$a_cpu" "$b_cpu")
row "4 audit verify --db: the same log, $(mb "$db") database, CPU s" "$a_cpu ($(rss_mb) peak)" \
  "$b_cpu (sha256sum of the database file)" "$r" "≤ 3.0" "$(at_most "$r" 3.0)"

# 2. One station's year, reported from its database.
year_db=$year/commune-001/loaxa.db
n=$(sqlite3 "$year_db" 'SELECT count(*) FROM audit_chain')
echo "audit_scale: report one station's year ($reps runs each)" >&2
walls=() refs=() worst=0
for format in html csv json; do
  report=("$loaxa" --lang en audit report --db "$year_db" --format "$format" --out "$year/report.$format")
  sha_year=(sha256sum "$year_db")
  pair report sha_year
  walls+=("$a_wall") refs+=("$b_wall")
  worst=$(awk -v a="$a_wall" -v w="$worst" 'BEGIN { print (a > w ? a : w) }')
done
ref=$(printf '%s\n' "${refs[@]}" | median)
row "4 audit report --db, one station's year ($n events), html / csv / json, wall s" \
  "${walls[0]} / ${walls[1]} / ${walls[2]}" "$ref (sha256sum of the database file)" \
  "$(ratio "$worst" "$ref")" "< 1 s" "$(below "$worst" 1)"

# 3. A province's year: merge, then report on the merged file.
bundles=("$province"/commune-*.loaxa)
merged=$data/province-$communes.merged.db
n=$(cat "${bundles[@]}" | grep -c '^{"event"')
echo "audit_scale: merge and report, $communes communes ($reps runs each)" >&2
merge=(bash -c 'rm -f "$0" && exec "$1" --lang en audit merge --out "$0" "${@:2}"' "$merged" "$loaxa"
  "${bundles[@]}")
sha_all=(sha256sum "${bundles[@]}")
pair merge sha_all
r=$(ratio "$a_cpu" "$b_cpu")
row "4 audit merge: $communes communes × 1 year ($n events, $(mb "${bundles[@]}") of bundles), CPU s" \
  "$a_cpu (wall $a_wall s, $(rss_mb) peak)" "$b_cpu (sha256sum of the bundles)" "$r" \
  "seconds, not minutes" "$(below "$a_wall" 60)"
cpus=() ratios=() worst=0
for format in html csv json; do
  report=("$loaxa" --lang en audit report --db "$merged" --format "$format" --out "$data/province.$format")
  pair report sha_all
  cpus+=("$a_cpu") ratios+=("$(ratio "$a_cpu" "$b_cpu")")
  worst=$(awk -v a="$a_wall" -v w="$worst" 'BEGIN { print (a > w ? a : w) }')
done
row "4 audit report on the merged file ($communes communes), html / csv / json, CPU s" \
  "${cpus[0]} / ${cpus[1]} / ${cpus[2]} (slowest wall $worst s)" "$b_cpu (sha256sum of the bundles)" \
  "${ratios[0]} / ${ratios[1]} / ${ratios[2]}" "seconds, not minutes" "$(below "$worst" 60)"

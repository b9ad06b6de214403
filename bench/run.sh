#!/usr/bin/env bash
# `make bench`: runs every benchmark of BENCHMARKS.md and prints one table (markdown): what,
# loaxa's figure, the reference's figure measured in the same run, the ratio, the goal.
#
#   bench/run.sh BUILD_DIR
#
# Speed figures are CPU times (user + system, which hardly move when other work shares the
# machine) of loaxa and of the reference tool on the same file, interleaved, median of
# BENCH_REPS runs; timing figures come from a JACK capture of what was played. Knobs:
# BENCH_ROWS (which rows: "1 2 3 4 5"), BENCH_STARTS (50), BENCH_REPS (3), BENCH_IDLE_SECONDS
# (60), LOAXA_BENCH_JACK_SERVER (loaxabench), and row 4's AUDIT_EVENTS (1000000) and
# AUDIT_COMMUNES (20; 100 for the whole province) of bench/audit_scale.sh. Work files and the
# table (latest.md) go to var/bench/.
set -euo pipefail

build=$(cd "${1:-build}" && pwd)
src=$(cd "$(dirname "$0")/.." && pwd)
bin=$build/bin
out=$src/var/bench
starts=${BENCH_STARTS:-50}
reps=${BENCH_REPS:-3}
idle_seconds=${BENCH_IDLE_SECONDS:-60}
server=${LOAXA_BENCH_JACK_SERVER:-loaxabench}
rows_wanted=" ${BENCH_ROWS:-1 2 3 4 5} "
want() { [[ $rows_wanted == *" $1 "* ]]; }
for r in $rows_wanted; do
  [[ $r =~ ^[1-5]$ ]] || { echo "bench: BENCH_ROWS: no row '$r' (rows are 1 to 5)" >&2; exit 1; }
done
mkdir -p "$out"

for tool in sox jackd; do
  command -v "$tool" >/dev/null || { echo "bench: $tool is missing (make deps)" >&2; exit 1; }
done

# A 10-minute stereo FLAC at 44.1 kHz, so playing it at the device's 48 kHz needs resampling:
# pink noise on the left, a sweep on the right; -R makes it the same file every time.
flac=$out/ten-minutes.flac
if [ ! -s "$flac" ]; then
  sox -R -n -r 44100 -b 16 -c 2 "$flac" synth 600 pinknoise sine 300-3000 vol 0.4
fi
short=$out/thirty-seconds.flac
[ -s "$short" ] || sox -R "$flac" "$short" trim 0 30

rows=()
row() { rows+=("| $1 | $2 | $3 | $4 | $5 | $6 |"); }
field() { sed -n "s/.*\\b$1=\\([^ ]*\\).*/\\1/p" <<<"$2"; }
ms() { awk -v us="$1" 'BEGIN { printf "%+.2f ms", us / 1000 }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }
verdict() { awk -v v="$1" -v g="$2" 'BEGIN { print (v <= g ? "yes" : "**no**") }'; }
median() { sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }

# CPU seconds of a command: median of $reps runs, the two commands interleaved so that a busy
# spell of the machine falls on both.
cpu_pair() {
  local -n a_cmd=$1 b_cmd=$2
  local a=() b=() r
  for ((i = 0; i < reps; i++)); do
    r=$("$bin/loaxa_bench_cpu" "${a_cmd[@]}") && a+=("$(field cpu_s "$r")")
    r=$("$bin/loaxa_bench_cpu" "${b_cmd[@]}") && b+=("$(field cpu_s "$r")")
  done
  printf '%s\n' "${a[@]}" | median
  printf '%s\n' "${b[@]}" | median
}

if want 2; then
  echo "bench: playout cost ($reps runs each)" >&2
  loaxa_play=("$bin/loaxa_bench_playout" "$flac")
  sox_play=(sox "$flac" -r 48000 -t f32 /dev/null)
  mapfile -t t < <(cpu_pair loaxa_play sox_play)
  row "2 playout: decode + resample 44.1→48 kHz + gain, 10 min FLAC, CPU s" "${t[0]}" \
    "${t[1]} (sox -r 48000)" "$(ratio "${t[0]}" "${t[1]}")" "≤ 1.0" "$(verdict "$(ratio "${t[0]}" "${t[1]}")" 1.0)"
fi

if want 3; then
  echo "bench: import analysis ($reps runs each)" >&2
  loaxa_import=("$bin/loaxa_bench_import" "$flac")
  sox_stats=(sox "$flac" -n stats)
  mapfile -t t < <(cpu_pair loaxa_import sox_stats)
  row "3 import: SHA-256 + decode + EBU R128 (loudness, true peak), 10 min FLAC, CPU s" "${t[0]}" \
    "${t[1]} (sox -n stats)" "$(ratio "${t[0]}" "${t[1]}")" "≤ 1.5" "$(verdict "$(ratio "${t[0]}" "${t[1]}")" 1.5)"
fi

if want 4; then
  echo "bench: audit at scale (bench/audit_scale.sh; its data is generated once)" >&2
  BENCH_REPS=$reps "$src/bench/audit_scale.sh" "$build" >"$out/audit_rows.md"
  mapfile -t audit_rows <"$out/audit_rows.md"
  rows+=("${audit_rows[@]}")
fi

# The real-time rows (1, 2's broadcast, 5) play through a JACK dummy server of their own.
if want 1 || want 2 || want 5; then
  "$src/scripts/jack-test-server.sh" start "$out/jack" "$server" >&2
  trap '"$src/scripts/jack-test-server.sh" stop "$out/jack" "$server" >&2' EXIT
  export JACK_DEFAULT_SERVER=$server LOAXA_BIN_DIR=$bin LOAXA_BENCH_BIN_DIR=$bin \
    LOAXA_SOURCE_DIR=$src LOAXA_JACK_STATE_DIR=$out/jack
  jackd_pid=$(cat "$out/jack/jackd.pid")
fi

if want 1; then
  echo "bench: start accuracy, $starts starts by loaxad and by the reference" >&2
  l=$("$bin/loaxa_bench_start" loaxad --count "$starts" --every-ms 3000)
  r=$("$bin/loaxa_bench_start" reference --count "$starts" --every-ms 1500)
  echo "$l" >&2
  echo "$r" >&2
  describe_start() {
    echo "p50 $(ms "$(field p50_us "$1")"), p99 $(ms "$(field p99_us "$1")"), max $(ms "$(field max_us "$1")"), early $(field early "$1")/$(field heard "$1") (> 2 ms: $(field early_over_2ms "$1"))"
  }
  late_ok=$(awk -v p="$(field p99_us "$l")" -v e="$(field early_over_2ms "$l")" \
    -v h="$(field heard "$l")" -v n="$starts" 'BEGIN { print (p <= 5000 && e == 0 && h == n ? "yes" : "**no**") }')
  row "1 start accuracy: onset in the JACK capture − scheduled time, $starts starts" \
    "$(describe_start "$l")" "$(describe_start "$r") (bare Pa_StartStream at the timer)" \
    "p99 $(ratio "$(field p99_us "$l")" "$(field p99_us "$r")")" "p99 ≤ +5 ms, none > 2 ms early" "$late_ok"
fi

if want 2; then
  echo "bench: loaxad broadcasting in real time (30 s)" >&2
  b=$("$bin/loaxa_bench_daemon" broadcast "$short" --jackd-pid "$jackd_pid")
  echo "$b" >&2
  share=$(awk -v s="$(field cpu_share "$b")" 'BEGIN { printf "%.2f %%", s * 100 }')
  jshare=$(awk -v s="$(field jackd_cpu_share "$b")" 'BEGIN { printf "%.2f %%", s * 100 }')
  row "2 loaxad CPU share while broadcasting (44.1 kHz FLAC → 48 kHz, real time)" "$share" \
    "$jshare (the JACK dummy server, same window)" \
    "$(ratio "$(field cpu_share "$b")" "$(field jackd_cpu_share "$b")")" "—" "—"
fi

if want 5; then
  echo "bench: idle daemon (${idle_seconds} s)" >&2
  i=$("$bin/loaxa_bench_daemon" idle --seconds "$idle_seconds")
  echo "$i" >&2
  rss_mb=$(awk -v k="$(field rss_kb "$i")" 'BEGIN { printf "%.1f", k / 1024 }')
  wake=$(field wakeups_per_min "$i")
  row "5 idle daemon, a week of schedule loaded: resident memory (MB)" "$rss_mb" "—" "—" "≤ 15" \
    "$(verdict "$rss_mb" 15)"
  row "5 idle daemon: wake-ups per minute (context switches of all threads, ${idle_seconds} s)" \
    "$wake ($(field threads "$i") threads)" "—" "—" "≤ 60" "$(verdict "$wake" 60)"
fi

{
  echo "Command: \`${BENCH_ROWS:+BENCH_ROWS=\"$BENCH_ROWS\" }make bench\` ($starts starts, $reps runs per CPU figure, ${idle_seconds} s idle," \
    "AUDIT_EVENTS=${AUDIT_EVENTS:-1000000} AUDIT_COMMUNES=${AUDIT_COMMUNES:-20})"
  echo "Date: $(date -u '+%Y-%m-%d %H:%M UTC')"
  echo "Machine: $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1), $(nproc) cores," \
    "$(awk '/MemTotal/ { printf "%.1f GB", $2 / 1048576 }' /proc/meminfo) RAM," \
    "$(. /etc/os-release && echo "$PRETTY_NAME"), kernel $(uname -r); load average at the end:" \
    "$(cut -d' ' -f1-3 /proc/loadavg)"
  echo
  echo "| row | loaxa | reference | ratio | goal | met |"
  echo "|---|---|---|---|---|---|"
  printf '%s\n' "${rows[@]}" | sort -s -t'|' -k2,2
} | tee "$out/latest.md"

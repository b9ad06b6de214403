#!/usr/bin/env bash
# `make run`: import the bundled sample segments (idempotent), then start loaxad in the
# foreground on the bundled config. With no sound output on this machine, run in rehearsal.
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build}
bin="$build/bin"
config=${LOAXA_CONFIG:-config/loaxa.toml}

# The samples ship approved, so that a station requiring approval (the default) airs them; the
# approval is recorded as an event like any other. Re-running approves a sample still pending and
# leaves one an operator retired alone.
for f in audio/*.ogg; do
  [ -e "$f" ] || continue
  txt="${f%.ogg}.txt"
  title=$(head -n 1 "$txt" 2>/dev/null || basename "${f%.ogg}")
  "$bin/loaxa" --config "$config" segment import "$f" --tag cchc --title "$title" \
    --approve-by "make run (mẫu đi kèm / bundled sample)" >/dev/null
done

output=device
count=$("$bin/loaxa" --config "$config" devices --count 2>/dev/null || echo 0)
if [ "$count" = "0" ]; then
  cat <<'BANNER'
=====================================================================
  Máy này không có thiết bị phát âm thanh nào.
  loaxad chạy ở chế độ DIỄN TẬP (--output rehearsal): mỗi lần phát
  được ghi thành tệp WAV trong var/rehearsal/, và nhật ký ghi đầu ra
  là "rehearsal" — không bao giờ bị nhầm với một lần phát thật.

  No sound output on this machine: loaxad runs in REHEARSAL mode.
  Each broadcast is written in real time to a WAV file under
  var/rehearsal/ and logged with output "rehearsal".
=====================================================================
BANNER
  output=rehearsal
fi

"$bin/loaxa" --config "$config" schedule preview --days 7 || true
# Exit status 75: the audio output hung (the sound server died) and loaxad needs a fresh
# process; start it again, as systemd's Restart=on-failure would. Anything else ends the run.
while true; do
  status=0
  "$bin/loaxad" --config "$config" --output "$output" || status=$?
  [ "$status" -eq 75 ] || exit "$status"
  echo "loaxad: khởi động lại sau khi đầu ra bị treo / restarting after the output hung"
  sleep 2
done

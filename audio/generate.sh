#!/usr/bin/env bash
# Synthesises the bundled sample segments from their texts: audio/<name>.txt (first line: the
# title; the rest: what is spoken) -> audio/<name>.ogg (Ogg Vorbis, mono, 22050 Hz).
#
# Needs espeak-ng (with its Vietnamese voice) and sox built with Ogg Vorbis support
# (Debian: apt-get install espeak-ng sox libsox-fmt-all). The .ogg files are committed as the
# shipped content; rerun this only after editing a text, and commit the result.
#
#   audio/generate.sh            # every text
#   audio/generate.sh mot-cua    # one of them
#
# Import them with their titles:
#   for t in audio/*.txt; do loaxa segment import "${t%.txt}.ogg" --title "$(head -n1 "$t")" --tag cchc; done
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
voice="${LOAXA_ESPEAK_VOICE:-vi}"
# Words per minute: a little slower than espeak's 175, since outdoor horns smear fast speech.
speed="${LOAXA_ESPEAK_SPEED:-150}"
# Vorbis quality 3 is ample for speech; the four files stay far below 1 MB together.
quality=3

for tool in espeak-ng sox; do
  command -v "$tool" >/dev/null || { echo "generate.sh: $tool is not installed" >&2; exit 1; }
done

if [ $# -gt 0 ]; then
  names=("$@")
else
  names=()
  for t in "$here"/*.txt; do names+=("$(basename "$t" .txt)"); done
fi

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

for name in "${names[@]}"; do
  text="$here/$name.txt"
  [ -f "$text" ] || { echo "generate.sh: $text not found" >&2; exit 1; }
  tail -n +2 "$text" >"$work/$name.spoken"
  espeak-ng -v "$voice" -s "$speed" -w "$work/$name.wav" -f "$work/$name.spoken"
  # Half a second of silence at each end so an amplifier that unmutes on signal does not clip
  # the first word. espeak's speech is very peaky (true peak ~20 dB above its loudness): played
  # as is, the true-peak limit on playout gain would keep it ~4 dB under the station's -16 LUFS
  # target. A fast compressor, like a broadcast processor's, brings that down to ~15 dB, and
  # -3.5 dB of headroom leaves room for Vorbis' overshoot, so the files reach the target.
  sox "$work/$name.wav" -C "$quality" "$here/$name.ogg" pad 0.5 0.5 \
    compand 0,0.05 -80,-80,-25,-15,0,-12 0 -90 0.003 norm -3.5
  seconds="$(soxi -D "$here/$name.ogg")"
  printf '%-22s %6.1f s  %7d bytes  "%s"\n' "$name.ogg" "$seconds" \
    "$(stat -c %s "$here/$name.ogg")" "$(head -n1 "$text")"
done

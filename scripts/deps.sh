#!/usr/bin/env bash
# Installs the Debian packages loaxa needs to build, run and test, and only those that are missing.
# As root it runs apt-get; otherwise it prints the exact command to run and exits non-zero.
set -euo pipefail

packages=(
  build-essential cmake pkg-config git
  libboost-dev portaudio19-dev libsndfile1-dev libsoxr-dev libebur128-dev
  libsqlitecpp-dev libsqlite3-dev sqlite3 libsodium-dev nettle-dev libtomlplusplus-dev libcli11-dev
  nlohmann-json3-dev libsimdjson-dev libspdlog-dev libfmt-dev libhowardhinnant-date-dev tzdata
  libicu-dev
  libgtest-dev libgmock-dev
  libsystemd-dev
  jackd2 libjack-jackd2-dev
  espeak-ng sox libsox-fmt-all
  faketime libfaketime
  # make deb and its tests: lint, unit check, completion
  lintian systemd bash-completion
  chromium
)
# Extra packages a make target needs only for itself (make fuzz: clang).
packages+=("$@")

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi

cmd="apt-get install -y --no-install-recommends ${missing[*]}"
if [ "$(id -u)" -ne 0 ]; then
  echo "loaxa: thiếu các gói Debian / missing Debian packages. Run as root:" >&2
  echo "  apt-get update && DEBIAN_FRONTEND=noninteractive $cmd" >&2
  exit 1
fi

echo "loaxa: installing ${missing[*]}"
# A fresh machine has no package lists; without the frontend variable jackd2 stops to ask about
# real-time priority and make would hang on that question.
apt-get update -q
DEBIAN_FRONTEND=noninteractive $cmd

#!/usr/bin/env bash
# Installs the Debian packages loaxa needs, and only those that are missing: to build and run
# (make build, make run, make deb), or with --test also what the test suite drives (make test).
# As root it runs apt-get; otherwise it prints the exact command to run and exits non-zero.
# Further arguments are extra packages a make target needs for itself (make fuzz: clang).
set -euo pipefail

tests=0
if [ "${1:-}" = "--test" ]; then
  tests=1
  shift
fi

# What a station PC building from source needs: the compiler, the libraries' headers (GoogleTest
# too: the build configures the test targets) and the time zone data.
packages=(
  build-essential cmake pkg-config git
  libboost-dev portaudio19-dev libsndfile1-dev libsoxr-dev libebur128-dev
  libsqlitecpp-dev libsqlite3-dev sqlite3 libsodium-dev nettle-dev libtomlplusplus-dev libcli11-dev
  nlohmann-json3-dev libsimdjson-dev libspdlog-dev libfmt-dev libhowardhinnant-date-dev tzdata
  libicu-dev
  libgtest-dev libgmock-dev
  libsystemd-dev
  libjack-jackd2-dev
)
if [ "$tests" -eq 1 ]; then
  packages+=(
    # The JACK server the playback tests capture from; test audio; the clock-jump tests' clock.
    jackd2 espeak-ng sox libsox-fmt-all faketime libfaketime
    # The package tests: lint, the unit checked by systemd, completion; the HTML report's browser.
    lintian systemd bash-completion chromium
  )
fi
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

#!/usr/bin/env bash
# The Debian package, end to end on this machine: build the .deb with CPack, check it with
# lintian, install it, run loaxad the way its systemd unit does (user, groups, umask, runtime
# folder and command line read from the installed unit; sd_notify READY and watchdog pings
# received by a stand-in for systemd) against a JACK dummy server, let a staff member import
# and play a segment through the control socket, check permissions, upgrade to a newer version
# (config edits and the database kept), remove and purge.
#
#   tests/package/deb_test.sh BUILD_DIR NOTIFY_LISTENER
#
# Needs root (it installs a package and creates the loaxa user); otherwise it exits 77, which
# ctest reports as skipped. It never touches a station: with loaxa already installed, or a
# loaxa user or /var/lib/loaxa it did not create, it skips. Runs of several checkouts on one
# machine take turns (a lock), since they share the package database and /etc.
set -euo pipefail

build=$(cd "$1" && pwd)
listener=$2
source_dir=$(cd "$(dirname "$0")/../.." && pwd)

skip() {
  echo "SKIPPED: $*"
  exit 77
}
fail() {
  echo "FAIL: $*" >&2
  exit 1
}
step() { echo "== $*"; }

[ "$(id -u)" -eq 0 ] || skip "needs root: it installs the .deb and creates the loaxa user (run \`make test\` as root, as CI does)"
for tool in cpack dpkg dpkg-deb lintian setpriv systemd-analyze sox flock jackd; do
  command -v "$tool" >/dev/null || fail "$tool is missing: run scripts/deps.sh as root"
done

exec 9>/run/lock/loaxa-package-test.lock
flock -w 600 9 || fail "another package test held /run/lock/loaxa-package-test.lock for 10 minutes"

marker=/var/lib/loaxa/.made-by-loaxa-package-test
if [ -e "$marker" ]; then
  # Left by a run of this test that was killed before its clean-up: ours to remove.
  dpkg --purge loaxa >/dev/null 2>&1 || true
  rm -rf /var/lib/loaxa /etc/loaxa /run/loaxa
  getent passwd loaxa >/dev/null && deluser --quiet --system loaxa >/dev/null 2>&1 || true
  getent group loaxa >/dev/null && delgroup --quiet --system loaxa >/dev/null 2>&1 || true
fi
if dpkg-query -W -f='${Status}' loaxa 2>/dev/null | grep -q installed; then
  skip "the loaxa package is installed on this machine; this test does not touch a real station"
fi
if getent passwd loaxa >/dev/null || getent group loaxa >/dev/null || [ -e /var/lib/loaxa ] ||
  [ -e /etc/loaxa ]; then
  skip "a loaxa user, group, /etc/loaxa or /var/lib/loaxa already exists (a station's?); not touching it"
fi

work=$(mktemp -d /tmp/loaxa-deb-test.XXXXXX)
chmod 755 "$work"
daemon_pid=""
jack_state=$work/jack
jack_name=loaxa_deb_$$
# The server runs as the loaxa user, who may not be able to enter the checkout (Debian 12 makes
# home folders 0700, and a newcomer clones into ~/loaxa): it runs a copy from this test's folder.
jack_script=$work/jack-test-server.sh
install -m 755 "$source_dir/scripts/jack-test-server.sh" "$jack_script"

cleanup() {
  set +e
  [ -n "$daemon_pid" ] && kill -TERM "$daemon_pid" 2>/dev/null && wait "$daemon_pid" 2>/dev/null
  if [ -f "$jack_state/jackd.pid" ]; then
    "$jack_script" stop "$jack_state" "$jack_name" >/dev/null
  fi
  dpkg --purge loaxa >/dev/null 2>&1
  rm -rf /var/lib/loaxa /etc/loaxa /run/loaxa
  getent passwd loaxa >/dev/null && deluser --quiet --system loaxa >/dev/null 2>&1
  getent group loaxa >/dev/null && delgroup --quiet --system loaxa >/dev/null 2>&1
  rm -rf "$work"
}
trap cleanup EXIT

mode_of() { stat -c '%a %U %G' "$1"; }
expect_mode() {
  local got
  got=$(mode_of "$1")
  [ "$got" = "$2" ] || fail "$1: mode/owner/group is '$got', expected '$2'"
  echo "ok: $1 $got"
}

# --- build and lint -------------------------------------------------------------------------
step "cpack: building the .deb"
(cd "$work" && cpack -G DEB --config "$build/CPackConfig.cmake" -B "$work/deb" >"$work/cpack.log" 2>&1) ||
  {
    cat "$work/cpack.log"
    fail "cpack failed"
  }
deb=$(ls "$work"/deb/loaxa_*.deb)
echo "$deb"
dpkg-deb --info "$deb" | sed -n '/Package:/,$p'
depends=$(dpkg-deb --field "$deb" Depends)
for lib in libportaudio2 libsndfile1 libsqlite3-0 libsodium23 libnettle8 libsimdjson14 libsystemd0 \
  libsoxr0; do
  grep -q "$lib" <<<"$depends" || fail "Depends lacks $lib (dpkg-shlibdeps): $depends"
done

step "lintian"
# Errors fail the test; warnings are shown. Lintian refuses nothing as root but says so.
lintian --fail-on error --display-info "$deb" 2>&1 | tee "$work/lintian.log" ||
  fail "lintian reports errors (E: lines above)"

# The upgrade: the same package with a higher version, as the next release would be.
dpkg-deb -R "$deb" "$work/next"
version=$(dpkg-deb --field "$deb" Version)
next_version="$version+next1"
sed -i "s/^Version: .*/Version: $next_version/" "$work/next/DEBIAN/control"
dpkg-deb --root-owner-group -b "$work/next" "$work/next.deb" >/dev/null

# --- install --------------------------------------------------------------------------------
step "dpkg -i"
dpkg -i "$deb"
dpkg-query -W -f='${Status}\n' loaxa | grep -qx "install ok installed" || fail "not configured"
touch "$marker"

uid=$(id -u loaxa)
[ "$uid" -lt 1000 ] || fail "loaxa is not a system user (uid $uid)"
[ "$(id -gn loaxa)" = loaxa ] || fail "loaxa's primary group is $(id -gn loaxa)"
[ "$(getent passwd loaxa | cut -d: -f7)" = /usr/sbin/nologin ] || fail "loaxa can log in"
expect_mode /usr/bin/loaxad "755 root root"
expect_mode /usr/bin/loaxa "755 root root"
expect_mode /etc/loaxa/loaxa.toml "644 root root"
expect_mode /var/lib/loaxa "2770 loaxa loaxa"
expect_mode /var/lib/loaxa/library "2770 loaxa loaxa"
for f in /usr/share/man/man8/loaxad.8.gz /usr/share/man/man1/loaxa.1.gz \
  /usr/share/man/man5/loaxa.toml.5.gz /usr/share/bash-completion/completions/loaxa \
  /usr/share/loaxa/schedules/cchc.toml /usr/share/doc/loaxa/copyright; do
  [ -s "$f" ] || fail "$f is missing"
done
ls /usr/share/loaxa/audio/*.ogg >/dev/null || fail "no sample segments in /usr/share/loaxa/audio"
grep -qx /etc/loaxa/loaxa.toml /var/lib/dpkg/info/loaxa.conffiles || fail "loaxa.toml is not a conffile"

unit=/lib/systemd/system/loaxad.service
step "systemd-analyze verify $unit"
systemd-analyze verify "$unit"
unit_key() { sed -n "s/^$1=//p" "$unit" | tail -n 1; }
[ "$(unit_key Type)" = notify ] || fail "the unit is not Type=notify"
[ -n "$(unit_key WatchdogSec)" ] || fail "the unit has no WatchdogSec="
[ "$(unit_key Restart)" = on-failure ] || fail "the unit has no Restart=on-failure"
[ "$(unit_key ExecReload)" = '/bin/kill -HUP $MAINPID' ] || fail "ExecReload is not SIGHUP"

# The service reads its config as the loaxa user.
as_loaxa() { setpriv --reuid=loaxa --regid=loaxa --init-groups -- "$@"; }
as_loaxa test -r /etc/loaxa/loaxa.toml || fail "the loaxa user cannot read /etc/loaxa/loaxa.toml"
as_loaxa test -r /etc/loaxa/holidays.toml || fail "the loaxa user cannot read holidays.toml"

# --- the station administrator's edits (kept on upgrade) --------------------------------------
sed -i -e 's/^name = .*/name = "Đài truyền thanh xã Kiểm Thử"/' \
  -e 's/^host_api = .*/host_api = "JACK"/' -e 's/^device = .*/device = "system"/' \
  /etc/loaxa/loaxa.toml
cp /usr/share/loaxa/schedules/cchc.toml /etc/loaxa/schedules/

# --- run loaxad as its unit does ---------------------------------------------------------------
step "JACK dummy server as the loaxa user"
install -d -o loaxa -g loaxa "$jack_state"
as_loaxa env HOME=/var/lib/loaxa "$jack_script" start "$jack_state" "$jack_name"

user=$(unit_key User)
group=$(unit_key Group)
supplementary=$(unit_key SupplementaryGroups)
umask_value=$(unit_key UMask)
runtime_dir=/run/$(unit_key RuntimeDirectory)
runtime_mode=$(unit_key RuntimeDirectoryMode)
exec_start=$(unit_key ExecStart)
install -d -o "$user" -g "$group" -m "$runtime_mode" "$runtime_dir"

step "loaxad as $user:$group (+$supplementary), umask $umask_value: $exec_start"
notify_socket=$work/notify.sock
"$listener" "$notify_socket" 30 READY=1 WATCHDOG=1x3 >"$work/notify.log" 2>&1 &
listener_pid=$!
until grep -q listening "$work/notify.log"; do sleep 0.05; done
# WATCHDOG_USEC as systemd passes it for WatchdogSec=1 (shortened so the test sees pings);
# JOURNAL_STREAM names loaxad's stdout as systemd does when it connects it to the journal.
: >"$work/loaxad.log"
journal_stream=$(stat -c '%d:%i' "$work/loaxad.log")
(cd / && exec env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/var/lib/loaxa LANG=C.UTF-8 \
  NOTIFY_SOCKET="$notify_socket" WATCHDOG_USEC=1000000 JACK_DEFAULT_SERVER="$jack_name" \
  JOURNAL_STREAM="$journal_stream" \
  JACK_NO_START_SERVER=1 \
  setpriv --reuid="$user" --regid="$group" --groups="$group,$supplementary" \
  --no-new-privs -- sh -c "umask $umask_value && exec $exec_start --lang en") \
  >"$work/loaxad.log" 2>&1 &
daemon_pid=$!
# Until the listener has everything or gives up, unless loaxad dies first.
while kill -0 "$listener_pid" 2>/dev/null && kill -0 "$daemon_pid" 2>/dev/null; do sleep 0.1; done
kill -0 "$daemon_pid" 2>/dev/null || {
  kill "$listener_pid" 2>/dev/null
  cat "$work/notify.log" "$work/loaxad.log"
  fail "loaxad exited during start-up"
}
if ! wait "$listener_pid"; then
  cat "$work/notify.log" "$work/loaxad.log"
  fail "no READY=1 and watchdog pings from loaxad"
fi
cat "$work/notify.log"
[ "$(head -n 2 "$work/notify.log" | tail -n 1 | cut -d'|' -f1)" = READY=1 ] ||
  fail "the first message was not READY=1"

# Priorities for journald: the banner is info, the tag no segment carries yet a warning.
grep -q '^<6>loaxad: station "Đài truyền thanh xã Kiểm Thử"' "$work/loaxad.log" ||
  fail "no info-priority banner in loaxad's journal stream: $(cat "$work/loaxad.log")"
grep -q '^<4>loaxad: warning: ' "$work/loaxad.log" ||
  fail "no warning-priority line in loaxad's journal stream: $(cat "$work/loaxad.log")"
unprefixed=$(grep -v '^<[0-7]>' "$work/loaxad.log" | grep -v '^$' || true)
[ -z "$unprefixed" ] || fail "lines without a priority in the journal stream: $unprefixed"

socket=$(sed -n 's/^socket = "\(.*\)".*/\1/p' /etc/loaxa/loaxa.toml)
[ "$socket" = /run/loaxa/loaxad.sock ] || fail "the packaged config's socket is $socket"
expect_mode "$runtime_dir" "750 loaxa loaxa"
[ -S "$socket" ] || fail "$socket is not a socket"
expect_mode "$socket" "660 loaxa loaxa"
expect_mode /var/lib/loaxa/loaxa.db "660 loaxa loaxa"
# The signing key is the daemon's alone.
keys=$(sed -n 's/^keys = "\([^"]*\)".*/\1/p' /etc/loaxa/loaxa.toml)
[ "$keys" = /var/lib/loaxa/keys ] || fail "the packaged config's [storage] keys is '$keys'"
[ -f "$keys/station.key" ] || fail "loaxad made no $keys/station.key"
expect_mode "$keys/station.key" "600 loaxa loaxa"

# --- staff in the group loaxa, and someone who is not -------------------------------------------
staff() { (cd / && setpriv --reuid=65534 --regid=65534 --groups="$(getent group loaxa | cut -d: -f3)" -- env HOME=/nonexistent loaxa --lang en "$@"); }
outsider() { (cd / && setpriv --reuid=65534 --regid=65534 --clear-groups -- env HOME=/nonexistent loaxa --lang en "$@"); }

step "loaxa status as a member of the group loaxa (config found in /etc/loaxa)"
staff status | tee "$work/status.txt"
grep -q "Kiểm Thử" "$work/status.txt" || fail "status does not show the station"
step "loaxa status as someone outside the group"
if outsider status >"$work/outsider.txt" 2>&1; then
  cat "$work/outsider.txt"
  fail "a user outside the group loaxa controlled the station"
fi
cat "$work/outsider.txt"
grep -q 'usermod -aG loaxa NAME' "$work/outsider.txt" || fail "the refusal does not say which group to join"

step "staff import and play a segment; loaxad (another user) plays it through JACK"
sox -n -r 48000 -c 1 "$work/tone.wav" synth 1 sine 440 vol 0.5
chmod 644 "$work/tone.wav"
staff segment import "$work/tone.wav" --tag test --title "Thử" --approve-by "Kiểm thử gói" --json >"$work/import.json"
id=$(grep -o '"id": *"[0-9a-f]*"' "$work/import.json" | head -n 1 | grep -o '[0-9a-f]\{12\}')
[ -n "$id" ] || fail "no segment id in $(cat "$work/import.json")"
staff play "$id" --priority emergency
operator_outcome() {
  sqlite3 /var/lib/loaxa/loaxa.db "SELECT o.outcome FROM broadcasts b JOIN broadcast_outcomes o
    ON o.broadcast_id = b.id WHERE b.origin = 'operator'"
}
outcome=""
for _ in $(seq 1 150); do
  outcome=$(operator_outcome)
  [ -n "$outcome" ] && break
  sleep 0.1
done
[ "$outcome" = completed ] || {
  cat "$work/loaxad.log"
  fail "the staff's broadcast ended '$outcome', not completed"
}
echo "ok: broadcast completed"
staff log --json | grep -q '"outcome": "completed"' || fail "staff cannot read the log"

step "README's first steps: import the samples, check the sample schedule, reload"
staff segment import /usr/share/loaxa/audio/*.ogg --tag cchc --approve-by "Chủ tịch UBND xã" ||
  fail "staff could not import the sample segments"
staff schedule check || fail "the sample schedule does not check with the packaged config"
staff reload >/dev/null || fail "loaxa reload as staff failed"
staff audit verify || fail "staff cannot verify the station's log"

step "nothing world-writable"
ww=$(find /etc/loaxa /var/lib/loaxa /run/loaxa /usr/share/loaxa /usr/bin/loaxa /usr/bin/loaxad \
  -perm -o+w ! -type l)
[ -z "$ww" ] || fail "world-writable: $ww"
while IFS= read -r f; do
  [ "$(stat -c %G "$f")" = loaxa ] || fail "$f is not in the group loaxa"
done < <(find /var/lib/loaxa ! -name "$(basename "$marker")")

kill -TERM "$daemon_pid"
status=0
wait "$daemon_pid" || status=$?
daemon_pid=""
[ "$status" -eq 0 ] || {
  cat "$work/loaxad.log"
  fail "loaxad exited $status on SIGTERM"
}
broadcasts=$(sqlite3 /var/lib/loaxa/loaxa.db "SELECT count(*) FROM broadcasts")

# --- upgrade, remove, purge -----------------------------------------------------------------------
step "upgrade to $next_version"
dpkg -i --force-confold "$work/next.deb"
[ "$(dpkg-query -W -f='${Version}' loaxa)" = "$next_version" ] || fail "not upgraded"
grep -q "Kiểm Thử" /etc/loaxa/loaxa.toml || fail "the upgrade replaced the edited config"
[ "$(id -u loaxa)" = "$uid" ] || fail "the upgrade changed the loaxa user"
expect_mode /var/lib/loaxa "2770 loaxa loaxa"
[ "$(sqlite3 /var/lib/loaxa/loaxa.db "SELECT count(*) FROM broadcasts")" = "$broadcasts" ] ||
  fail "the upgrade lost broadcast log entries"
[ -f /etc/loaxa/schedules/cchc.toml ] || fail "the upgrade removed the station's schedule"

step "dpkg -r, then --purge"
dpkg -r loaxa
[ ! -e /usr/bin/loaxad ] || fail "/usr/bin/loaxad is still there after remove"
[ -f /etc/loaxa/loaxa.toml ] || fail "remove deleted the config (only purge may)"
dpkg --purge loaxa
[ ! -e /etc/loaxa/loaxa.toml ] || fail "purge left /etc/loaxa/loaxa.toml"
[ -f /var/lib/loaxa/loaxa.db ] || fail "purge deleted the broadcast log"
echo "package test passed"

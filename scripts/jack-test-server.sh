#!/usr/bin/env bash
# The JACK server the integration tests play into: a dummy backend (no sound card needed) under a
# name of its own, so a test never touches, or is disturbed by, any other JACK server.
#
#   scripts/jack-test-server.sh start|stop STATE_DIR [SERVER_NAME]
#
# SERVER_NAME defaults to $LOAXA_TEST_JACK_SERVER, else "loaxatest". STATE_DIR receives jackd.pid
# and jackd.log. Both commands are idempotent: start reuses a server it started earlier and clears
# a stale pid file; stop does nothing when no server of ours runs. ctest runs them as the setup
# and cleanup fixtures of every test that needs JACK (tests/integration/CMakeLists.txt).
set -euo pipefail

usage() {
  echo "usage: $0 start|stop STATE_DIR [SERVER_NAME]" >&2
  exit 2
}

[ $# -ge 2 ] || usage
cmd=$1
state=$2
name=${3:-${LOAXA_TEST_JACK_SERVER:-loaxatest}}
pidfile=$state/jackd.pid
log=$state/jackd.log
start_timeout_s=10
stop_timeout_s=5

# The pid in the file is ours only if it is still a jackd serving this name: after a reboot or a
# crash the number may belong to an unrelated process, which must never be signalled.
is_our_server() {
  local pid=$1
  [ -n "$pid" ] || return 1
  kill -0 "$pid" 2>/dev/null || return 1
  [ "$(cat "/proc/$pid/comm" 2>/dev/null)" = jackd ] || return 1
  tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -q -- "-n $name "
}

# JACK_NO_START_SERVER: a probe must never start a server of its own from ~/.jackdrc.
answers() {
  JACK_DEFAULT_SERVER=$name JACK_NO_START_SERVER=1 timeout 5 jack_lsp >/dev/null 2>&1
}

show_log() {
  echo "--- $log ---" >&2
  cat "$log" >&2 2>/dev/null || true
  echo "--- end of $log ---" >&2
}

# Waits for a process that is not our child (a previous run started it), so `wait` cannot be used.
wait_gone() {
  local pid=$1 deadline=$((SECONDS + $2))
  while kill -0 "$pid" 2>/dev/null; do
    [ "$SECONDS" -lt "$deadline" ] || return 1
    sleep 0.05
  done
}

start() {
  mkdir -p "$state"
  local pid=""
  [ -f "$pidfile" ] && pid=$(cat "$pidfile")
  if is_our_server "$pid"; then
    if answers; then
      echo "jack-test-server: '$name' already running (pid $pid)"
      return 0
    fi
    # Ours but not answering: it may be wedged; replace it rather than test against it.
    kill -KILL "$pid" 2>/dev/null || true
    wait_gone "$pid" "$stop_timeout_s" || true
  fi
  rm -f "$pidfile"

  if answers; then
    echo "jack-test-server: a JACK server named '$name' is already running but was not started" \
      "with this STATE_DIR ($state); stop it (pgrep -a jackd) or choose another name with" \
      "LOAXA_TEST_JACK_SERVER" >&2
    pgrep -a jackd >&2 || true
    return 1
  fi

  # No -R: jackd2 asks for real-time scheduling by default and, when it is not allowed (not root,
  # no rtprio limit), carries on without it, which the dummy backend tolerates.
  # Output goes to the log rather than to ctest's pipe: ctest waits for that pipe to close, and a
  # server holding it would make the setup "test" last as long as the server.
  jackd -n "$name" -d dummy -r 48000 -p 1024 -C 2 -P 2 </dev/null >"$log" 2>&1 &
  pid=$!
  echo "$pid" >"$pidfile"

  local deadline=$((SECONDS + start_timeout_s))
  until answers; do
    if ! kill -0 "$pid" 2>/dev/null; then
      echo "jack-test-server: jackd exited during start-up" >&2
      show_log
      rm -f "$pidfile"
      return 1
    fi
    if [ "$SECONDS" -ge "$deadline" ]; then
      echo "jack-test-server: '$name' did not answer within ${start_timeout_s} s" >&2
      show_log
      kill -KILL "$pid" 2>/dev/null || true
      rm -f "$pidfile"
      return 1
    fi
    sleep 0.1
  done
  echo "jack-test-server: '$name' running (pid $pid, log $log)"
}

stop() {
  [ -f "$pidfile" ] || return 0
  local pid
  pid=$(cat "$pidfile")
  if is_our_server "$pid"; then
    kill -TERM "$pid" 2>/dev/null || true
    if ! wait_gone "$pid" "$stop_timeout_s"; then
      echo "jack-test-server: jackd (pid $pid) ignored SIGTERM for ${stop_timeout_s} s; killing" >&2
      kill -KILL "$pid" 2>/dev/null || true
      wait_gone "$pid" "$stop_timeout_s" || true
    fi
  fi
  rm -f "$pidfile"
  echo "jack-test-server: '$name' stopped"
}

case $cmd in
  start) start ;;
  stop) stop ;;
  *) usage ;;
esac

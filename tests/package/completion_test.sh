#!/usr/bin/env bash
# The bash completion for loaxa offers every subcommand and option the program itself lists
# (`loaxa --help`, `loaxa CMD --help`), so a command added to the CLI without its completion
# fails here. It runs the completion function as bash would, with bash-completion's helpers.
#
#   tests/package/completion_test.sh COMPLETION_FILE LOAXA_BINARY
set -euo pipefail
completion=$1
loaxa=$2
helpers=/usr/share/bash-completion/bash_completion
[ -r "$helpers" ] || {
  echo "FAIL: $helpers is missing: run scripts/deps.sh as root (package bash-completion)" >&2
  exit 1
}
# shellcheck disable=SC1090
source "$helpers"
# shellcheck disable=SC1090
source "$completion"

# What `loaxa [WORDS...] <TAB>` offers, one per line.
offered() {
  COMP_WORDS=(loaxa "$@" "")
  COMP_CWORD=${#COMP_WORDS[@]}
  COMP_CWORD=$((COMP_CWORD - 1))
  COMP_LINE="${COMP_WORDS[*]}"
  COMP_POINT=${#COMP_LINE}
  COMPREPLY=()
  _loaxa loaxa "" "${COMP_WORDS[COMP_CWORD - 1]}"
  printf '%s\n' "${COMPREPLY[@]}"
}
offered_options() {
  COMP_WORDS=(loaxa "$@" "-")
  COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
  COMP_LINE="${COMP_WORDS[*]}"
  COMP_POINT=${#COMP_LINE}
  COMPREPLY=()
  _loaxa loaxa "-" "${COMP_WORDS[COMP_CWORD - 1]}"
  printf '%s\n' "${COMPREPLY[@]}"
}

# Subcommands and options of `loaxa WORDS... --help` (CLI11's layout, English headings).
subcommands_of() {
  "$loaxa" --lang en "$@" --help | awk '/^[A-Za-z ]*[Cc]ommands:/ {on = 1; next} /^[^ ]/ {on = 0}
    on && /^  [a-z]/ {print $1}'
}
options_of() {
  "$loaxa" --lang en "$@" --help | awk '/^[A-Za-z ]*[Oo]ptions:/ {on = 1; next} /^[^ ]/ {on = 0}
    on {for (i = 1; i <= NF; i++) if ($i ~ /^--[a-z]/) {sub(/[,=].*/, "", $i); print $i}}' |
    grep -v -e '^--help' -e '^--config$' -e '^--lang$' || true
}

failures=0
check() {
  local what=$1 expected=$2 got=$3 w
  for w in $expected; do
    if ! grep -qx -- "$w" <<<"$got"; then
      echo "FAIL: \`loaxa $what <TAB>\` does not offer $w" >&2
      failures=$((failures + 1))
    fi
  done
  echo "ok: loaxa $what <TAB>: $(echo $expected)"
}

top=$(subcommands_of)
[ -n "$top" ] || {
  echo "FAIL: no subcommands parsed from \`loaxa --help\`" >&2
  exit 1
}
check "" "$top --config --lang" "$(offered)"
for cmd in $top; do
  subs=$(subcommands_of "$cmd")
  if [ -n "$subs" ]; then
    check "$cmd" "$subs" "$(offered "$cmd")"
    for sub in $subs; do
      opts=$(options_of "$cmd" "$sub")
      [ -z "$opts" ] || check "$cmd $sub -" "$opts" "$(offered_options "$cmd" "$sub")"
    done
  else
    opts=$(options_of "$cmd")
    [ -z "$opts" ] || check "$cmd -" "$opts" "$(offered_options "$cmd")"
  fi
done
check "--lang" "vi en" "$(offered --lang)"
check "play x --priority" "normal priority emergency" "$(offered play x --priority)"

if [ "$failures" -ne 0 ]; then
  echo "$failures completion(s) missing: update packaging/bash-completion/loaxa" >&2
  exit 1
fi
echo "bash completion covers every subcommand and option"

#!/bin/bash
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
# The bash completion script, as built from the program's --help
# (completion/gen-completion.sh): every command and every option of every
# command is completed, option values and file names too.  An option added
# to a command shows here at once; one whose argument placeholder the
# generator does not know fails this test until it is added there.
. "${top_srcdir:-.}/tests/cli/test-lib.sh"
: "${TM_COMPLETION:?run through make check}"

[ -f "$TM_COMPLETION" ] || { fail "the completion script was built ($TM_COMPLETION)"; finish; }
# shellcheck disable=SC1090
. "$TM_COMPLETION"

# complete WORD...: what the script offers for the command line WORD...,
# the last word being the one completed; one candidate a line in $T/got.
T=$TEST_TMP
complete_line () {
	COMP_WORDS=("$@")
	COMP_CWORD=$(($# - 1))
	COMPREPLY=()
	_techmatch
	if [ ${#COMPREPLY[@]} -eq 0 ]; then : >"$T/got"; else printf '%s\n' "${COMPREPLY[@]}" | sort >"$T/got"; fi
}
offers () {
	grep -qxF -- "$1" "$T/got" || { echo "not offered: $1"; echo "offered:"; cat "$T/got"; return 1; }
}

commands=$("$TECHMATCH" --help | awk '/^Commands:/ { on = 1; next } on && !NF { exit } on { print $1 }')
complete_line techmatch ""
for cmd in $commands; do
	check "command $cmd is completed" offers "$cmd"
done
complete_line techmatch ma
check "a prefix completes to its command" same_text "$T/got" "match"

n_options=0
for cmd in $commands; do
	[ "$cmd" = help ] && continue
	for opt in $("$TECHMATCH" "$cmd" --help | awk '/^ *-/ { for (i = 1; i <= 2; i++) { w = $i; sub(/[=,].*/, "", w); if (w ~ /^-/) print w } }'); do
		complete_line techmatch "$cmd" -- "$opt"
		n_options=$((n_options + 1))
		offers "$opt" >"$T/why" 2>&1 || { fail "$cmd $opt is completed"; continue; }
		pass "$cmd $opt is completed"
	done
done
check "options found ($n_options)" test "$n_options" -gt 100

# Every placeholder is of a class the generator knows.
check "every option argument has a completion class" sh -c "! grep -n 'unknown:' '$TM_COMPLETION'"

# Option values, with a space and with "=".
for cmd in match batch; do
	for v in $("$TECHMATCH" $cmd --help | sed -n 's/^ *--format=FORMAT *//p' | sed 's/([^)]*)//g; s/ or /,/g' | tr ',' '\n' | awk '{ print $NF }'); do
		complete_line techmatch $cmd --format ""
		check "$cmd --format offers $v" offers "$v"
	done
done
complete_line techmatch batch --format x
check "batch --format x completes to xlsx and xml" same_text "$T/got" "xlsx
xml"
complete_line techmatch match --format = j
check "--format=j completes to json" same_text "$T/got" "json"
complete_line techmatch batch --direction ""
check "batch --direction values" same_text "$T/got" "a2d
both
d2a"
complete_line techmatch import --library ""
check "import --library values" same_text "$T/got" "achievement
demand"
complete_line techmatch index --mode b
check "index --mode b" same_text "$T/got" "bigrams"
complete_line techmatch match --model ""
check "match --model values" same_text "$T/got" "bm25
tfidf"

# File names: the corpus arguments and file options.
complete_line techmatch check corp
check "check completes file names" offers corpus
complete_line techmatch import -l achievement -o man/techmatch-im
check "-o completes file names" offers man/techmatch-import.1
complete_line techmatch match --demand ""
check "an id is not completed" same_text "$T/got" ""

finish

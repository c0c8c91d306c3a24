# test-lib.sh — sourced by every tests/cli/T###-*.sh.
#
# Each test runs techmatch from the top of the source tree (so file names in
# messages are stable), compares what it prints with golden output, and
# ends with "N passed, N failed".  Exit 77 means skipped (automake).

set -u
: "${top_srcdir:?run through make check}" "${TECHMATCH:?run through make check}"
cd "$top_srcdir" || exit 99

TEST_TMP=$(mktemp -d "${TMPDIR:-/tmp}/techmatch-test.XXXXXX") || exit 99
trap 'rm -rf "$TEST_TMP"' EXIT
n_passed=0
n_failed=0

# TM_VALGRIND=1: every techmatch run goes through valgrind's memcheck; an
# error or a definite leak makes it exit 99, which no test expects.
if [ -n "${TM_VALGRIND:-}" ]; then
	cat >"$TEST_TMP/techmatch" <<EOT
#!/bin/sh
exec valgrind -q --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite \
	--show-leak-kinds=definite --suppressions="$PWD/tests/valgrind.supp" "$TECHMATCH" "\$@"
EOT
	chmod +x "$TEST_TMP/techmatch"
	TECHMATCH="$TEST_TMP/techmatch"
fi

# Nothing of the user's: no configuration, no default index.
: >"$TEST_TMP/techmatch.conf"
TECHMATCH_CONFIG="$TEST_TMP/techmatch.conf"; export TECHMATCH_CONFIG
XDG_DATA_HOME="$TEST_TMP/data"; export XDG_DATA_HOME
XDG_CONFIG_HOME="$TEST_TMP/config"; export XDG_CONFIG_HOME
unset TECHMATCH_INDEX

# run CMD...: runs CMD with stdout in $TEST_TMP/out, stderr in
# $TEST_TMP/err and the exit status in $status.
run () {
	"$@" >"$TEST_TMP/out" 2>"$TEST_TMP/err"
	status=$?
}

pass () {
	n_passed=$((n_passed + 1))
	echo "ok - $1"
}

fail () {
	n_failed=$((n_failed + 1))
	echo "FAIL - $1"
	if [ -s "$TEST_TMP/why" ]; then sed 's/^/    /' "$TEST_TMP/why"; fi
	: >"$TEST_TMP/why"
}

# check NAME CONDITION...: passes when the condition command succeeds.
check () {
	_check_name=$1; shift
	if "$@" >"$TEST_TMP/why" 2>&1; then pass "$_check_name"; else fail "$_check_name"; fi
}

# expect_status N: the last run exited with N.
expect_status () {
	[ "$status" -eq "$1" ] || { echo "exit status $status, expected $1"; cat "$TEST_TMP/err"; return 1; }
}

# same FILE EXPECTED: byte-for-byte equal, with a diff when not.
same () {
	diff -u "$2" "$1"
}

# same_text FILE TEXT: FILE holds exactly TEXT plus a final newline, or
# nothing at all when TEXT is empty.
same_text () {
	if [ -z "$2" ]; then : >"$TEST_TMP/expected"; else printf '%s\n' "$2" >"$TEST_TMP/expected"; fi
	diff -u "$TEST_TMP/expected" "$1"
}

# make_corpus DIR ACHIEVEMENTS DEMANDS: a synthetic library in DIR, big
# enough that indexing or a batch takes a while (about 1 s for 6000
# achievements); seeded, so always the same.
make_corpus () {
	python3 - "$1" "$2" "$3" <<'PY'
import os, random, sys
rng = random.Random(7)
chars = '电池材料激光焊接涂层合金传感器芯片算法无人机氢能光伏玻璃检测控制系统结构工艺性能提高方法装置制备设计'
os.makedirs(sys.argv[1])
def text(n):
    return ''.join(rng.choice(chars) for _ in range(n))
for lib, n in (('achievement', int(sys.argv[2])), ('demand', int(sys.argv[3]))):
    with open(os.path.join(sys.argv[1], lib + '.xml'), 'w', encoding='utf-8') as f:
        f.write('<corpus xmlns="urn:techmatch:corpus:1" library="%s">\n' % lib)
        body = 'abstract' if lib == 'achievement' else 'description'
        for i in range(n):
            f.write('<%s id="X%06d"><title>%s</title><%s>%s</%s></%s>\n' % (lib, i, text(12), body, text(400), body, lib))
        f.write('</corpus>\n')
PY
}

# make_partitions DIR: the sample corpus indexed whole without the latent
# layer in DIR/full.idx (partitions have none: the whole index they score
# as is the lexical one, T170), as three partitions in DIR/p1.idx ...
# DIR/p3.idx, their summed statistics in DIR/sum.df, and the partitions
# made again with those statistics in DIR/g1.idx ... DIR/g3.idx, which
# score as the whole index does.  Fails at the first step that fails.
make_partitions () {
	"$TECHMATCH" index -q --latent-rank 0 -i "$1/full.idx" corpus || return 1
	for _k in 1 2 3; do
		"$TECHMATCH" index -q --partition $_k/3 -i "$1/p$_k.idx" corpus || return 1
	done
	"$TECHMATCH" stats --export-df -i "$1/p1.idx" -i "$1/p2.idx" -i "$1/p3.idx" -o "$1/sum.df" || return 1
	for _k in 1 2 3; do
		"$TECHMATCH" index -q --partition $_k/3 --global-stats "$1/sum.df" -i "$1/g$_k.idx" corpus || return 1
	done
}

skip_all () {
	echo "SKIP: $1"
	exit 77
}

finish () {
	echo "$n_passed passed, $n_failed failed"
	[ "$n_failed" -eq 0 ]
	exit $?
}

#!/bin/sh
# T005 — the unit-test harness (tests/unit/tm-test.h) cannot pass a suite
# that did not run: a binary whose only suite fails its setup exits 1; and
# it leaves no file behind.
. "$(dirname "$0")/test-lib.sh"
: "${top_builddir:?run through make check}"

run "$top_builddir/tests/unit/test-harness-fails"
check "a suite whose setup fails fails the binary" expect_status 1
check "CUnit reports the suite's setup" grep -q "setup fails" "$TEST_TMP/out"

# The files the suites write go to one folder under $TMPDIR that the
# harness removes without a shell: a quote in $TMPDIR leaves nothing.
tmp="$TEST_TMP/it's a folder"
mkdir "$tmp"
for t in test-cli test-errors test-reader test-import; do
	TMPDIR=$tmp run "$top_builddir/tests/unit/$t"
	check "$t passes under a TMPDIR with a quote" expect_status 0
done
check "and leaves nothing in it" sh -c 'test -z "$(ls -A "$1")"' sh "$tmp"

finish

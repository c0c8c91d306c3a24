#!/bin/sh
# T005 — the unit-test harness (tests/unit/tm-test.h) cannot pass a suite
# that did not run: a binary whose only suite fails its setup exits 1.
. "$(dirname "$0")/test-lib.sh"
: "${top_builddir:?run through make check}"

run "$top_builddir/tests/unit/test-harness-fails"
check "a suite whose setup fails fails the binary" expect_status 1
check "CUnit reports the suite's setup" grep -q "setup fails" "$TEST_TMP/out"

finish

#!/bin/sh
# T006 — the build's own tools: tm-mkdict's errors reach the person
# building (the Makefile does not throw its stderr away), and they name
# the file and line.
. "$(dirname "$0")/test-lib.sh"
: "${top_builddir:?run through make check}"
mkdict="$top_builddir/src/gen/tm-mkdict"

printf '电池 12 n\n质子交换膜 many n\n' >"$TEST_TMP/bad-dict.txt"
run "$mkdict" "$TEST_TMP/bad-dict.txt" "$TEST_TMP/dict.bin"
check "a bad dictionary fails tm-mkdict" expect_status 1
check "tm-mkdict names the file and line" grep -q "^tm-mkdict: $TEST_TMP/bad-dict.txt:2: bad frequency \"many\"" "$TEST_TMP/err"
printf '电池 12 n\n质子交换膜 7 n\n' >"$TEST_TMP/good-dict.txt"
run "$mkdict" "$TEST_TMP/good-dict.txt" "$TEST_TMP/dict.bin"
check "a good dictionary builds quietly" sh -c "[ $status -eq 0 ] && [ ! -s '$TEST_TMP/err' ] && [ -s '$TEST_TMP/dict.bin' ]"
check "the Makefile keeps tm-mkdict's messages" sh -c "! grep -n 'MKDICT).*2>/dev/null' Makefile.am"

finish

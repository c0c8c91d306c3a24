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
# The t2s table: a character table key of several characters would make
# the in-process conversion differ from OpenCC's segmentation.
printf '乾燥\t干燥\n' >"$TEST_TMP/phrases.txt"
printf '長\t长\n電池\t电池\n' >"$TEST_TMP/chars.txt"
run "$mkdict" --t2s-table "$TEST_TMP/phrases.txt" "$TEST_TMP/chars.txt" "$TEST_TMP/t2s.txt"
check "a character table key of two characters fails tm-mkdict" expect_status 1
check "tm-mkdict names the t2s file and line" grep -q "^tm-mkdict: $TEST_TMP/chars.txt:2: 電池: a character table key of several" "$TEST_TMP/err"
printf '長\t长\n乾\t干 乾\nA\ta\n' >"$TEST_TMP/chars.txt"
run "$mkdict" --t2s-table "$TEST_TMP/phrases.txt" "$TEST_TMP/chars.txt" "$TEST_TMP/t2s.txt"
check "a good t2s table builds quietly" sh -c "[ $status -eq 0 ] && [ ! -s '$TEST_TMP/err' ]"
printf '乾燥\t干燥\n長\t长\n乾\t干\n' >"$TEST_TMP/t2s-expected.txt"
check "phrases first, the first candidate, keys not Han left out" cmp "$TEST_TMP/t2s.txt" "$TEST_TMP/t2s-expected.txt"
check "the Makefile keeps tm-mkdict's messages" sh -c "! grep -n 'MKDICT).*2>/dev/null' Makefile.am"

finish

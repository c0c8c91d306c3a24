#!/bin/sh
# corpus/judgments.tsv is well-formed and speaks of records that exist.
. "${top_srcdir:-.}/tests/cli/test-lib.sh"

j=corpus/judgments.tsv
grep -ho '<demand id="[^"]*"' corpus/demands/*.xml | cut -d'"' -f2 | sort -u >"$TEST_TMP/demands"
grep -ho '<achievement id="[^"]*"' corpus/achievements/*.xml | cut -d'"' -f2 | sort -u >"$TEST_TMP/achievements"
grep -v '^#' "$j" >"$TEST_TMP/pairs"

check "every line has three tab-separated fields and a grade of 1 or 2" \
	sh -c "! awk -F'\t' 'NF != 3 || (\$3 != 1 && \$3 != 2)' '$TEST_TMP/pairs' | grep ."
cut -f1 "$TEST_TMP/pairs" | sort -u >"$TEST_TMP/judged"
cut -f2 "$TEST_TMP/pairs" | sort -u >"$TEST_TMP/answers"
check "every judged demand exists" sh -c "[ -z \"\$(comm -23 '$TEST_TMP/judged' '$TEST_TMP/demands')\" ]"
check "every judged achievement exists" sh -c "[ -z \"\$(comm -23 '$TEST_TMP/answers' '$TEST_TMP/achievements')\" ]"
check "at least 60 demands are judged ($(wc -l <"$TEST_TMP/judged"))" test "$(wc -l <"$TEST_TMP/judged")" -ge 60
check "no pair is judged twice" sh -c "[ -z \"\$(cut -f1,2 '$TEST_TMP/pairs' | sort | uniq -d)\" ]"
check "every judged demand has an answer of grade 2" sh -c \
	"[ \"\$(awk -F'\t' '\$3 == 2 { print \$1 }' '$TEST_TMP/pairs' | sort -u | wc -l)\" -eq \"\$(wc -l <'$TEST_TMP/judged')\" ]"

finish

#!/bin/sh
# Every file in tests/data/broken is refused with exactly the message in
# its .err file (stderr of `techmatch check -q FILE`) and exit status 3.
. "${top_srcdir:-.}/tests/cli/test-lib.sh"

for xml in tests/data/broken/*.xml; do
	name=${xml%.xml}
	if [ ! -f "$name.err" ]; then
		fail "$xml has an expected error ($name.err)"
		continue
	fi
	# Bounded time: billion laughs and friends must not run away.
	run timeout 20 "$TECHMATCH" check -q "$xml"
	check "$xml: exit status 3" expect_status 3
	check "$xml: expected message" same "$TEST_TMP/err" "$name.err"
	check "$xml: message names the file and line" grep -q "^$xml:[0-9][0-9]*:[0-9][0-9]*: " "$TEST_TMP/err"
done

# Every problem of a file is listed, not just the first.
run "$TECHMATCH" check -q tests/data/broken/trl-out-of-range.xml tests/data/broken/bad-date.xml
check "problems of several records and files are all listed" \
	test "$(grep -c ': <trl> is\|a date is written' "$TEST_TMP/err")" -eq 4

# The external entity's target is never in the output.
run "$TECHMATCH" check tests/data/broken/external-entity.xml
check "external entity: no content of /etc/passwd leaks" sh -c "! grep -q 'root:' '$TEST_TMP/out' '$TEST_TMP/err'"

finish

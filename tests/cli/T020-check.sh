#!/bin/sh
# techmatch check on good corpora: the bundled one and the test one.
. "${top_srcdir:-.}/tests/cli/test-lib.sh"

run "$TECHMATCH" check tests/data/good
check "good corpus exits 0" expect_status 0
check "good corpus: nothing on stderr" same_text "$TEST_TMP/err" ""
cat >"$TEST_TMP/summary" <<'EOT'
library       files  records    bad
achievement       1        3      0
demand            1        2      0

field         achievement   demand
title                   3        2
institution/org         1        1
region                  1        1
domain                  1        1
keywords                1        1
abstract/description    3        2
trl                     2        1
ip                      1        0
transfer                1        0
budget                  0        2
deadline                0        1
cooperation             0        1
updated                 2        1
EOT
check "good corpus summary" same "$TEST_TMP/out" "$TEST_TMP/summary"

run "$TECHMATCH" check -q tests/data/good/achievements.xml tests/data/good
check "a file named twice is read once" expect_status 0

# The bundled corpus: both libraries, no problem, the sizes promised.
run "$TECHMATCH" check corpus
check "bundled corpus exits 0" expect_status 0
check "bundled corpus: nothing on stderr" same_text "$TEST_TMP/err" ""
n_ach=$(awk '$1 == "achievement" && NR <= 3 { print $3 }' "$TEST_TMP/out")
n_dem=$(awk '$1 == "demand" && NR <= 3 { print $3 }' "$TEST_TMP/out")
check "bundled corpus has >= 300 achievements ($n_ach)" test "${n_ach:-0}" -ge 300
check "bundled corpus has >= 80 demands ($n_dem)" test "${n_dem:-0}" -ge 80

# A duplicate id across two files names both places.
sed 's/A-T003/A-T001/' tests/data/good/achievements.xml >"$TEST_TMP/more.xml"
run "$TECHMATCH" check -q tests/data/good/achievements.xml "$TEST_TMP/more.xml"
check "cross-file duplicate exits 3" expect_status 3
check "cross-file duplicates name both places" same_text "$TEST_TMP/err" \
"$TEST_TMP/more.xml:4:3: A-T001: duplicate achievement id \"A-T001\": first defined at tests/data/good/achievements.xml:4:3
$TEST_TMP/more.xml:17:3: A-T002: duplicate achievement id \"A-T002\": first defined at tests/data/good/achievements.xml:17:3
$TEST_TMP/more.xml:21:3: A-T001: duplicate achievement id \"A-T001\": first defined at tests/data/good/achievements.xml:4:3
techmatch check: 3 problems found"

# A missing path and an empty folder are problems, listed with the rest.
mkdir "$TEST_TMP/empty"
run "$TECHMATCH" check -q tests/data/good /nonexistent/corpus "$TEST_TMP/empty"
check "missing path and empty folder exit 3" expect_status 3
check "missing path and empty folder are named" same_text "$TEST_TMP/err" \
"/nonexistent/corpus: No such file or directory
$TEST_TMP/empty: no *.xml corpus file in this folder
techmatch check: 2 problems found"

# Only corpus files are opened (besides the program's own libraries and
# its message catalogues, which make check has in the build tree).
if [ -n "${TM_VALGRIND:-}" ]; then
	echo "# under valgrind the open-file audit would see valgrind's own files: skipped"
elif command -v strace >/dev/null 2>&1; then
	strace -f -qq -e trace=open,openat -e signal=none -o "$TEST_TMP/trace" \
		"$TECHMATCH" check -q tests/data/broken/external-entity.xml tests/data/good >/dev/null 2>&1
	grep -o '"[^"]*"' "$TEST_TMP/trace" | tr -d '"' | grep -v -e '^/usr/' -e '^/lib' -e '^/etc/ld\.so' \
		-e '^/proc/' -e '^/sys/' -e '^tests/data/' -e "^${TECHMATCH_LOCALEDIR:-/usr/share/locale}/" >"$TEST_TMP/opened"
	check "no file outside the corpus is opened" same_text "$TEST_TMP/opened" ""
	check "/etc/passwd is never opened" sh -c "! grep -q /etc/passwd '$TEST_TMP/trace'"
else
	echo "# strace not installed: the open-file audit is skipped"
fi

finish

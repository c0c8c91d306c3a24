#!/bin/sh
# index, match, explain, show, stats on the bundled corpus: golden output
# and every error a script must be able to tell apart.
. "${top_srcdir:-.}/tests/cli/test-lib.sh"

idx="$TEST_TMP/corpus.idx"
g=tests/data/golden

run "$TECHMATCH" index -i "$idx" corpus
check "index exits 0" expect_status 0
check "index reports both libraries" grep -q "^$idx: 322 achievements, 84 demands, " "$TEST_TMP/out"
check "the index file exists" test -s "$idx"
check "no temporary file is left" sh -c "! ls '$idx'.tmp.* 2>/dev/null | grep -q ."

run "$TECHMATCH" match -i "$idx" --demand D-2025-2001 --top 5
check "match exits 0" expect_status 0
check "match golden tsv" same "$TEST_TMP/out" "$g/match-D-2025-2001.tsv"
# The README's example is what the program prints.
run "$TECHMATCH" match -i "$idx" --demand D-2025-2001 --top 3
sed -n '/^    \$ techmatch match -i techmatch.idx --demand D-2025-2001 --top 3$/,/^$/p' README \
	| sed -e '1d' -e '/^$/d' -e 's/^    //' >"$TEST_TMP/readme.tsv"
check "the README's match example is real output" sh -c "[ -s '$TEST_TMP/readme.tsv' ] && diff -u '$TEST_TMP/readme.tsv' '$TEST_TMP/out'"
run "$TECHMATCH" match -i "$idx" --demand D-2025-2001 --top 3 --format json
check "match golden json" same "$TEST_TMP/out" "$g/match-D-2025-2001.json"
run "$TECHMATCH" match -i "$idx" --demand D-2025-2001 --top 2 --explain
check "match --explain golden" same "$TEST_TMP/out" "$g/match-explain.tsv"
run "$TECHMATCH" match -i "$idx" --achievement A-020001 --top 3 --header
check "match an achievement against the demands" same "$TEST_TMP/out" "$g/match-A-020001.tsv"
run "$TECHMATCH" match -i "$idx" --text '鋰電池低溫充電析鋰' --top 3
check "match a traditional text" same "$TEST_TMP/out" "$g/match-text.tsv"
printf '鋰電池低溫充電析鋰' | "$TECHMATCH" match -i "$idx" --top 3 - >"$TEST_TMP/stdin.tsv"
check "a query on stdin is the same" same "$TEST_TMP/stdin.tsv" "$g/match-text.tsv"
run "$TECHMATCH" match -i "$idx" --demand D-2025-2001 --model bm25 --top 3
check "bm25 exits 0 with 3 rows" sh -c "[ $status -eq 0 ] && [ \$(wc -l <'$TEST_TMP/out') -eq 3 ]"
run "$TECHMATCH" match -i "$idx" --demand D-2025-2001 --domain 氢能 --min-trl 6 --ip 发明专利
check "filters exit 0" expect_status 0
check "filters hold" sh -c "cut -f2 '$TEST_TMP/out' | while read id; do '$TECHMATCH' show -i '$idx' \"\$id\" | grep -q '^domain	氢能\$' || exit 1; done"
run "$TECHMATCH" match -i "$idx" --demand D-2025-2001 --min-score 0.3
check "min-score drops lower scores" sh -c "awk -F'\t' '\$3 < 0.3 { exit 1 }' '$TEST_TMP/out'"

run "$TECHMATCH" explain -i "$idx" --demand D-2025-2001 --achievement A-020001
check "explain exits 0" expect_status 0
check "explain golden" same "$TEST_TMP/out" "$g/explain.tsv"
# explain and match agree on the score.
s1=$(awk -F'\t' '$1 == "score" { print $2 }' "$TEST_TMP/out")
s2=$("$TECHMATCH" match -i "$idx" --demand D-2025-2001 | awk -F'\t' '$2 == "A-020001" { print $3 }')
check "explain gives match's score ($s1 = $s2)" test "$s1" = "$s2"

run "$TECHMATCH" show -i "$idx" D-2025-2001
check "show golden" same "$TEST_TMP/out" "$g/show-D-2025-2001.tsv"
run "$TECHMATCH" stats -i "$idx"
check "stats exits 0" expect_status 0
check "stats counts" sh -c "grep -q '^achievements	322\$' '$TEST_TMP/out' && grep -q '^demands	84\$' '$TEST_TMP/out' && grep -q '^mode	words\$' '$TEST_TMP/out'"
run "$TECHMATCH" stats -i "$idx" --verify --format json
check "stats --verify json" grep -q '"achievements" : 322' "$TEST_TMP/out"

# Where the index is: -i, then TECHMATCH_INDEX, then the configuration.
run env TECHMATCH_INDEX="$idx" "$TECHMATCH" match --demand D-2025-2001 --top 5
check "TECHMATCH_INDEX" same "$TEST_TMP/out" "$g/match-D-2025-2001.tsv"
printf '[index]\npath=%s\n[scoring]\ntop=2\n' "$idx" >"$TECHMATCH_CONFIG"
run "$TECHMATCH" match --demand D-2025-2001
check "the configuration's index and top" sh -c "[ \$(wc -l <'$TEST_TMP/out') -eq 2 ]"
printf '[scoring]\nmodel=cosine\n' >"$TECHMATCH_CONFIG"
run "$TECHMATCH" match -i "$idx" --demand D-2025-2001
check "a bad configuration exits 3" expect_status 3
check "a bad configuration is named" grep -q "techmatch.conf: \[scoring\] model" "$TEST_TMP/err"
: >"$TECHMATCH_CONFIG"

# Errors scripts tell apart by the exit status.
run "$TECHMATCH" match -i "$idx" --demand D-NOPE
check "unknown id exits 5" expect_status 5
check "unknown id is named" same_text "$TEST_TMP/err" "techmatch: error: no demand with id D-NOPE in $idx"
run "$TECHMATCH" show -i "$idx" X-1
check "show: unknown id exits 5" expect_status 5
run "$TECHMATCH" match -i "$idx" --text '，。！'
check "empty query exits 3" expect_status 3
check "empty query says so" same_text "$TEST_TMP/err" "techmatch: error: the query text has no term to match on"
run "$TECHMATCH" match -i "$TEST_TMP/missing.idx" --demand D-2025-2001
check "missing index exits 4" expect_status 4
check "missing index says so" grep -q "no index (build one with techmatch index)" "$TEST_TMP/err"
run "$TECHMATCH" match --demand D-2025-2001
check "no index at the default place exits 4" expect_status 4
run "$TECHMATCH" stats -i corpus
check "a folder as index exits 4" expect_status 4
cp "$idx" "$TEST_TMP/zero.idx"
dd if=/dev/zero of="$TEST_TMP/zero.idx" bs=1 count=64 conv=notrunc 2>/dev/null
run "$TECHMATCH" match -i "$TEST_TMP/zero.idx" --demand D-2025-2001
check "a zeroed index exits 4" expect_status 4
check "a zeroed index is named corrupt" grep -q "not a valid techmatch index" "$TEST_TMP/err"
head -c 100000 "$idx" >"$TEST_TMP/short.idx"
run "$TECHMATCH" stats -i "$TEST_TMP/short.idx"
check "a truncated index exits 4" expect_status 4
for bad in 0 -1 1000000000000 ten; do
	run "$TECHMATCH" match -i "$idx" --demand D-2025-2001 --top "$bad"
	check "--top $bad exits 2" expect_status 2
done
run "$TECHMATCH" match -i "$idx" --demand D-2025-2001 --text x
check "two queries exit 2" expect_status 2
run "$TECHMATCH" match -i "$idx"
check "no query exits 2" expect_status 2
run "$TECHMATCH" match -i "$idx" --file corpus --top 1
check "a folder as query file exits 1" expect_status 1
run "$TECHMATCH" explain -i "$idx" --demand D-2025-2001
check "explain without an achievement exits 2" expect_status 2

# A corpus with problems is not indexed; --skip-bad indexes the rest.
run "$TECHMATCH" index -i "$TEST_TMP/bad.idx" tests/data/good tests/data/broken/trl-out-of-range.xml
check "a bad corpus fails the build (3)" expect_status 3
check "the problems are listed" grep -q 'trl-out-of-range.xml:6:5: A-1: <trl> is "12"' "$TEST_TMP/err"
check "nothing is written" test ! -e "$TEST_TMP/bad.idx"
run "$TECHMATCH" index -i "$TEST_TMP/bad.idx" --skip-bad tests/data/good tests/data/broken/trl-out-of-range.xml
check "--skip-bad indexes the good records" sh -c "[ $status -eq 0 ] && grep -q '3 achievements, 2 demands' '$TEST_TMP/out'"

# A missing path among the corpus folders: a problem like any other.
run "$TECHMATCH" index -i "$TEST_TMP/missing.idx" corpus "$TEST_TMP/no-such-folder"
check "index with a missing path exits 3" expect_status 3
check "index with a missing path names it" grep -q "no-such-folder: No such file or directory" "$TEST_TMP/err"
run "$TECHMATCH" index -i "$TEST_TMP/missing.idx" --skip-bad corpus "$TEST_TMP/no-such-folder"
check "--skip-bad indexes what is there" expect_status 0

# A second build while one holds the lock.
if command -v flock >/dev/null 2>&1; then
	flock "$idx.lock" sleep 3 &
	sleep 0.5
	run "$TECHMATCH" index -i "$idx" corpus
	check "a locked index exits 4" expect_status 4
	check "the lock is named" grep -q "locked by PID" "$TEST_TMP/err"
	wait
fi

finish

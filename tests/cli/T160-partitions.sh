#!/bin/sh
# Partitions (techmatch-partitions(7)): index --partition K/N, the
# collection statistics (stats --export-df, index --global-stats), and
# partitions that score exactly as the whole index; bad specifications and
# bad statistics files refused with their place.
. "${top_srcdir:-.}/tests/cli/test-lib.sh"

t=$TEST_TMP
# Partitions have no latent layer: the whole index they score as is the
# lexical one (--semantic 0, or no layer: T170 checks they are the same).
"$TECHMATCH" index -q --latent-rank 0 -i "$t/full.idx" corpus || exit 99

# ---- partition specifications ----
for spec in 0/3 4/3 1/0 x/y 1/3/3 "" 1/ /3 -1/3 1/1000001; do
	run "$TECHMATCH" index -q --partition "$spec" -i "$t/bad.idx" corpus
	check "--partition '$spec' is a usage error" expect_status 2
	check "--partition '$spec': the message says what it takes" grep -q "partition K of N" "$t/err"
done
check "nothing was built for a bad specification" test ! -e "$t/bad.idx"

# ---- partitions and their statistics ----
for k in 1 2 3; do
	"$TECHMATCH" index -q --partition $k/3 -i "$t/p$k.idx" corpus || exit 99
done
run "$TECHMATCH" stats -i "$t/p1.idx" -i "$t/p2.idx"
check "several -i without --export-df is a usage error" expect_status 2
run "$TECHMATCH" stats --export-df -i "$t/full.idx" -o "$t/full.df"
check "--export-df of the whole index" expect_status 0
run "$TECHMATCH" stats --export-df -i "$t/p1.idx" -i "$t/p2.idx" -i "$t/p3.idx" -o "$t/sum.df"
check "--export-df sums three partitions" expect_status 0
check "the statistics say which partitions they sum" grep -q "^partitions	3	1,2,3\$" "$t/sum.df"
sed -e 3d -e '$d' "$t/full.df" >"$t/full.body"
sed -e 3d -e '$d' "$t/sum.df" >"$t/sum.body"
check "the partitions' statistics add up to the whole's" same "$t/sum.body" "$t/full.body"
docs=$(awk -F'\t' '$1 == "docs" { print $2 + $3 }' "$t/full.df")
check "every record is in exactly one partition" test "$docs" -eq $((84 + 322))
for k in 1 2 3; do
	"$TECHMATCH" stats --export-df -i "$t/p$k.idx" -o "$t/p$k.df" || exit 99
	n=$(awk -F'\t' '$1 == "docs" { print $2 + $3 }' "$t/p$k.df")
	check "partition $k holds some records ($n)" test "$n" -gt 50
done
run "$TECHMATCH" stats --export-df -i "$t/p1.idx" -i "$t/p1.idx"
check "a partition given twice is refused" expect_status 3
check "... saying so" grep -q "partition 1/3 is already in the statistics" "$t/err"
run "$TECHMATCH" stats --export-df -i "$t/p1.idx" -i "$t/full.idx"
check "partitions of different counts are refused" expect_status 3
"$TECHMATCH" index -q --mode bigrams --partition 2/3 -i "$t/b2.idx" corpus || exit 99
run "$TECHMATCH" stats --export-df -i "$t/p1.idx" -i "$t/b2.idx"
check "partitions of different analyzers are refused" expect_status 3
check "... saying so" grep -q "other analyzer settings" "$t/err"

# ---- building with the global statistics ----
for k in 1 2 3; do
	run "$TECHMATCH" index -q --partition $k/3 --global-stats "$t/sum.df" -i "$t/g$k.idx" corpus
	check "partition $k/3 built with the global statistics" expect_status 0
	run "$TECHMATCH" stats --verify -i "$t/g$k.idx"
	check "partition $k/3 verifies (norms from the global statistics)" expect_status 0
done
run "$TECHMATCH" stats --export-df -i "$t/g1.idx" -i "$t/g2.idx" -i "$t/g3.idx" -o "$t/gsum.df"
check "the statistics of partitions built with them are their own, summed again" cmp "$t/gsum.df" "$t/sum.df"

# A partition's pair scores are the whole index's: every pair of a
# partition's own records, all of them (--top 100000), both models.
for model in tfidf bm25; do
	"$TECHMATCH" batch -q -i "$t/full.idx" --model $model --top 100000 >"$t/full.$model" || exit 99
	: >"$t/parts.$model"
	for k in 1 2 3; do
		"$TECHMATCH" batch -q -i "$t/g$k.idx" --model $model --top 100000 >"$t/g$k.$model" || exit 99
		cut -f1,2,4,5 "$t/g$k.$model" >>"$t/parts.$model"
	done
	sort "$t/parts.$model" >"$t/parts.sorted"
	# The whole index's pairs whose two records are in the same partition.
	for k in 1 2 3; do
		cut -f2,4 "$t/g$k.$model" | tr '\t' '\n' | sort -u | sed "s/\$/	$k/"
	done >"$t/where"
	awk -F'\t' 'FILENAME == ARGV[1] { part[$1] = $2; next }
		($2 in part) && ($4 in part) && part[$2] == part[$4] { print $1 "\t" $2 "\t" $4 "\t" $5 }' \
		"$t/where" "$t/full.$model" | sort >"$t/full.sorted"
	check "$model: each partition's pairs score as in the whole index" same "$t/parts.sorted" "$t/full.sorted"
	check "$model: and there are many of them" test "$(wc -l <"$t/parts.sorted")" -gt 1000
done

# One partition of one: the whole index, whose statistics it is given.
"$TECHMATCH" index -q --partition 1/1 --global-stats "$t/full.df" -i "$t/one.idx" corpus || exit 99
"$TECHMATCH" batch -q -i "$t/one.idx" >"$t/one.tsv" || exit 99
"$TECHMATCH" batch -q -i "$t/full.idx" >"$t/full.tsv" || exit 99
check "1/1 with its own statistics gives the whole index's batch" cmp "$t/one.tsv" "$t/full.tsv"

# ---- bad statistics files ----
bad_stats () {
	run "$TECHMATCH" index -q --partition 1/3 --global-stats "$t/bad.df" -i "$t/bad.idx" corpus
	check "$1: refused" expect_status 3
	check "$1: the message names the file and line" grep -F "$t/bad.df:$2: $3" "$t/err"
	check "$1: nothing built" test ! -e "$t/bad.idx"
}
head -c 2000 "$t/sum.df" >"$t/bad.df"
bad_stats "truncated mid-line" $(($(tr -cd '\n' <"$t/bad.df" | wc -c) + 1)) "the file is truncated"
n=$(wc -l <"$t/sum.df")
head -n $((n - 5)) "$t/sum.df" >"$t/bad.df"
bad_stats "truncated at a line" $((n - 5)) "the file ends too early"
sed '10s/	[0-9]*$/	99999/' "$t/sum.df" >"$t/bad.df"
bad_stats "a count beyond the documents" 10 "document frequency"
awk -F'\t' -v OFS='\t' 'NR == 10 { $3 = $3 == 1 ? 2 : 1 } { print }' "$t/sum.df" >"$t/bad.df"
bad_stats "an edited count" $n "checksum mismatch"
sed '1s/	1$/	2/' "$t/sum.df" >"$t/bad.df"
bad_stats "another format version" 1 "statistics format version 2"
printf 'hello\n' >"$t/bad.df"
bad_stats "not statistics" 1 "not a techmatch statistics file"
sed '4s/^docs	\([0-9]*\)	/docs	0\1	/' "$t/sum.df" >"$t/bad.df"
bad_stats "a leading zero" 4 "docs: expected a count"
cp "$t/p1.df" "$t/bad.df"
bad_stats "one partition's statistics only" 3 "the statistics hold 1 of the 3 partitions"
"$TECHMATCH" stats --export-df -i "$t/b2.idx" -o "$t/bad.df"
bad_stats "another analyzer's statistics" 2 "the statistics were computed with other analyzer settings"
run "$TECHMATCH" index -q --partition 1/2 --global-stats "$t/sum.df" -i "$t/bad.idx" corpus
check "statistics of another partition count: refused" expect_status 3
check "... naming line 3" grep -q "sum.df:3: the statistics are of 3 partitions; this build is one of 2" "$t/err"
run "$TECHMATCH" index -q --partition 1/3 --global-stats "$t/none.df" -i "$t/bad.idx" corpus
check "a missing statistics file: an I/O error" expect_status 1

echo "$n_passed passed, $n_failed failed"
[ "$n_failed" -eq 0 ]

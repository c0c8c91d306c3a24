#!/bin/sh
# batch over partitions (techmatch-partitions(7)): batch -i P1 -i P2 ...
# gives the whole index's run byte for byte, in both directions, over
# any number of threads and shards, with --since, --only-new and the
# decisions; --target-partition's runs hold the whole run's pairs; the
# partitions given wrongly and --feedback refused; --summary and the
# report as the whole index's; decide over the partitions.
. "${top_srcdir:-.}/tests/cli/test-lib.sh"

t=$TEST_TMP
# The whole index, the partitions and the partitions with the summed
# statistics (test-lib.sh).
make_partitions "$t" || exit 99
parts="-i $t/g2.idx -i $t/g3.idx -i $t/g1.idx"

# ---- the merged run is the whole index's ----
"$TECHMATCH" batch -q -i "$t/full.idx" --top 5 >"$t/since.tsv" || exit 99
for args in "" "--direction d2a" "--direction a2d" "--direction both --jobs 1" "--jobs 2" \
	"--shard 1/2" "--shard 2/2 --jobs 2 --direction a2d" "--top 3 --min-score 0.1" "--model bm25 --top 20" \
	"--format json" "--format csv --header" "--since $t/since.tsv" "--since $t/since.tsv --only-new" \
	"--exhaustive --top 30"; do
	# shellcheck disable=SC2086
	"$TECHMATCH" batch -q -i "$t/full.idx" $args >"$t/whole" || exit 99
	# shellcheck disable=SC2086
	run "$TECHMATCH" batch -q $parts $args
	check "batch $args over 3 partitions: status 0" expect_status 0
	check "batch $args over 3 partitions: the whole index's output" same "$t/out" "$t/whole"
done
check "and the runs compared are not empty" test "$(wc -l <"$t/whole")" -gt 1000

# The partitions listed in a file (-i @FILE), with comments and blank lines.
printf '# the partitions\n%s\n\n%s\n' "$t/g3.idx" "$t/g1.idx" >"$t/list"
"$TECHMATCH" batch -q -i "$t/full.idx" >"$t/whole" || exit 99
run "$TECHMATCH" batch -q -i "@$t/list" -i "$t/g2.idx"
check "-i @FILE lists partitions" same "$t/out" "$t/whole"
: >"$t/empty"
run "$TECHMATCH" batch -q -i "@$t/empty"
check "-i @FILE of no index: status 2" expect_status 2
check "... saying so" grep -qF "the file lists no index" "$t/err"
run "$TECHMATCH" batch -q -i "@$t/nothing"
check "-i @FILE missing: status 2" expect_status 2

# Decisions: rejected pairs left out, the others marked, across partitions.
awk -F'\t' '$1 == "d2a" && $3 <= 2 { print $2 "\t" $4 }' "$t/since.tsv" | head -n 12 >"$t/pairs"
check "pairs to decide" test "$(wc -l <"$t/pairs")" -eq 12
n=0
while IFS='	' read -r d a; do
	n=$((n + 1))
	if [ $((n % 2)) -eq 0 ]; then what=--reject; else what=--accept; fi
	"$TECHMATCH" decide -i "$t/full.idx" -D "$t/dec.db" -d "$d" -a "$a" $what --by test >/dev/null || exit 99
done <"$t/pairs"
"$TECHMATCH" batch -q -i "$t/full.idx" -D "$t/dec.db" >"$t/whole" || exit 99
# shellcheck disable=SC2086
run "$TECHMATCH" batch -q $parts -D "$t/dec.db"
check "decisions: the whole index's output" same "$t/out" "$t/whole"
check "decisions: accepted pairs marked" grep -q "	accepted\$" "$t/out"
"$TECHMATCH" batch -q -i "$t/full.idx" >"$t/plain" || exit 99
check "decisions: rejected pairs left out" sh -c "! cmp -s '$t/plain' '$t/out'"

# The summary and the report: the whole index's (the report's index
# paths and its time apart).
"$TECHMATCH" batch -q -i "$t/full.idx" -D "$t/dec.db" --summary >"$t/whole" || exit 99
# shellcheck disable=SC2086
run "$TECHMATCH" batch -q $parts -D "$t/dec.db" --summary
check "--summary over partitions: the whole index's" same "$t/out" "$t/whole"
check "--summary: unwanted achievements listed" grep -q "^unwanted	" "$t/out"
plain () {
	sed -e "s#$t/[a-z0-9]*\.idx#IDX#g" -e 's#\( -i IDX\)\{1,\}# -i IDX#g' -e 's#IDX\(, IDX\)*#IDX#g' \
		-e 's# · [0-9-]* [0-9:]*</p>#</p>#' "$1"
}
"$TECHMATCH" batch -q -i "$t/full.idx" -D "$t/dec.db" --html "$t/whole.html" >/dev/null || exit 99
# shellcheck disable=SC2086
run "$TECHMATCH" batch -q $parts -D "$t/dec.db" --html "$t/parts.html"
check "--html over partitions: status 0" expect_status 0
plain "$t/whole.html" >"$t/whole.plain"
plain "$t/parts.html" >"$t/parts.plain"
check "--html over partitions: the whole index's report" same "$t/parts.plain" "$t/whole.plain"
check "--html: its decide commands name every partition" \
	grep -qF "techmatch decide -i $t/g2.idx -i $t/g3.idx -i $t/g1.idx -D" "$t/parts.html"
d=$(awk -F'\t' '$1 == "d2a" { print $2; exit }' "$t/since.tsv")
a=$(awk -F'\t' '$1 == "a2d" { print $2; exit }' "$t/since.tsv")
# shellcheck disable=SC2086
run "$TECHMATCH" decide $parts -D "$t/dec2.db" -d "$d" -a "$a" --accept --by test
check "decide over the partitions: status 0" expect_status 0
# shellcheck disable=SC2086
run "$TECHMATCH" decide $parts -D "$t/dec2.db" -d D-NONE -a "$a" --accept --by test
check "decide over the partitions, a record in none: status 5" expect_status 5
check "... saying so" grep -qF "no demand with id D-NONE in any of the 3 indexes" "$t/err"

# ---- --target-partition: the pairs of one partition's targets ----
"$TECHMATCH" batch -q -i "$t/full.idx" --top 100000 | cut -f1,2,4,5 | sort >"$t/all" || exit 99
: >"$t/union"
for k in 1 2 3; do
	# shellcheck disable=SC2086
	run "$TECHMATCH" batch -q $parts --target-partition $k --top 100000
	check "--target-partition $k: status 0" expect_status 0
	cut -f4 "$t/out" | sort -u | while read -r id; do
		"$TECHMATCH" show -i "$t/g$k.idx" "$id" >/dev/null 2>&1 || echo "$id is not in partition $k"
	done >"$t/strays"
	check "--target-partition $k: every target is in partition $k" same_text "$t/strays" ""
	cut -f1,2,4,5 "$t/out" >>"$t/union"
done
sort "$t/union" >"$t/union.sorted"
check "--target-partition 1, 2 and 3 hold the whole run's pairs" same "$t/union.sorted" "$t/all"

# ---- refused ----
refused () {
	check "$1: status $2" expect_status "$2"
	check "$1: the message" grep -qF -e "$3" "$t/err"
}
run "$TECHMATCH" batch -q -i "$t/g1.idx" -i "$t/g2.idx"
refused "two partitions of three" 3 "g1.idx: partition 1/3, but 2 indexes were given"
run "$TECHMATCH" batch -q -i "$t/g1.idx" -i "$t/g2.idx" -i "$t/g1.idx"
refused "a partition given twice" 3 "partition 1/3 is given twice"
run "$TECHMATCH" batch -q -i "$t/p1.idx" -i "$t/p2.idx" -i "$t/p3.idx"
refused "partitions without the global statistics" 3 "built without --global-stats"
"$TECHMATCH" index -q --mode bigrams --partition 2/3 --global-stats "$t/sum.df" -i "$t/b2.idx" corpus 2>/dev/null
if [ -f "$t/b2.idx" ]; then
	run "$TECHMATCH" batch -q -i "$t/g1.idx" -i "$t/b2.idx" -i "$t/g3.idx"
	check "another analyzer's partition: refused" sh -c "[ $status -ne 0 ]"
fi
# shellcheck disable=SC2086
run "$TECHMATCH" batch -q $parts --feedback 3
refused "--feedback over partitions" 2 "query feedback (--feedback, [scoring] feedback) takes one index"
printf '[scoring]\nfeedback = 2\n' >"$t/fb.conf"
# shellcheck disable=SC2086
run env TECHMATCH_CONFIG="$t/fb.conf" "$TECHMATCH" batch -q $parts
refused "[scoring] feedback over partitions" 2 "takes one index"
# shellcheck disable=SC2086
run env TECHMATCH_CONFIG="$t/fb.conf" "$TECHMATCH" batch -q $parts --feedback 0
check "--feedback 0 overrides the configuration" expect_status 0
for bad in 0 4 x; do
	# shellcheck disable=SC2086
	run "$TECHMATCH" batch -q $parts --target-partition $bad
	refused "--target-partition $bad" 2 "--target-partition takes a whole number from 1 to 3"
done
run "$TECHMATCH" batch -q -i "$t/g1.idx" --target-partition 1
refused "--target-partition with one index" 2 "--target-partition needs the partitions"
run "$TECHMATCH" batch -q -i "$t/g1.idx" -i "$t/g2.idx" -i "$t/none.idx"
check "a missing partition: status 4" expect_status 4

finish

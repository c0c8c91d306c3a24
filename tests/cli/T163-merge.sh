#!/bin/sh
# techmatch merge (techmatch-merge(1)): the outputs of separate batch
# runs, over shards of the sources and over each partition's targets,
# merged into the whole index's output byte for byte, in every format,
# with --top, --since, the decisions and a merge of merges; the recipe of
# techmatch-partitions(7) run by GNU parallel; and every kind of bad
# input refused at its file and line, leaving -o as it was.
. "${top_srcdir:-.}/tests/cli/test-lib.sh"

t=$TEST_TMP
refused () {
	check "$1: status $2" expect_status "$2"
	check "$1: the message" grep -qF -e "$3" "$t/err"
}

# The whole index, the partitions and the partitions with the summed
# statistics (test-lib.sh).  The shards of an index with the latent
# layer are merged below too.
make_partitions "$t" || exit 99
printf '%s\n' "$t/g1.idx" "$t/g2.idx" "$t/g3.idx" >"$t/parts"

# runs NAME ARGS...: batch over each partition's targets and each of two
# shards of the sources, six runs, into $t/NAME-K-S.tsv.
runs () {
	_name=$1; shift
	rm -f "$t/$_name"-*.tsv
	for k in 1 2 3; do
		for s in 1 2; do
			"$TECHMATCH" batch -q -i "@$t/parts" --target-partition $k --shard $s/2 "$@" \
				-o "$t/$_name-$k-$s.tsv" || exit 99
		done
	done
}

# ---- the merged runs are the whole index's run ----
"$TECHMATCH" batch -q -i "$t/full.idx" --top 5 >"$t/prev.tsv" || exit 99
runs r --exact-scores
for args in "" "--format json" "--format csv" "--format xml" "--header" "--top 4" \
	"--since $t/prev.tsv" "--since $t/prev.tsv --only-new"; do
	# shellcheck disable=SC2086
	"$TECHMATCH" batch -q -i "$t/full.idx" $args >"$t/whole" || exit 99
	# shellcheck disable=SC2086
	run "$TECHMATCH" merge $args "$t"/r-*.tsv
	check "merge $args: status 0" expect_status 0
	check "merge $args: the whole index's output" same "$t/out" "$t/whole"
done
check "and the runs compared are not empty" test "$(wc -l <"$t/whole")" -gt 100
"$TECHMATCH" batch -q -i "$t/full.idx" >"$t/whole" || exit 99
check "one run's file holds fewer rows than the whole" test "$(wc -l <"$t/r-1-1.tsv")" -lt "$(wc -l <"$t/whole")"

# The runs' options: each run keeps its top K, the merge the same K.
for args in "--top 3" "--direction a2d" "--min-score 0.1" "--model bm25 --top 20"; do
	# shellcheck disable=SC2086
	runs o --exact-scores $args
	# shellcheck disable=SC2086
	"$TECHMATCH" batch -q -i "$t/full.idx" $args >"$t/whole" || exit 99
	top=$(echo "$args" | sed -n 's/.*--top \([0-9]*\).*/\1/p')
	run "$TECHMATCH" merge ${top:+--top "$top"} "$t"/o-*.tsv
	check "runs with $args, merged: the whole index's output" same "$t/out" "$t/whole"
done

# A header line on each run's file, the files on standard input, a
# merge of merges (--exact-scores again), the same file twice.
runs h --exact-scores --header
"$TECHMATCH" batch -q -i "$t/full.idx" >"$t/whole" || exit 99
run "$TECHMATCH" merge "$t"/h-*.tsv
check "runs with --header: merged as without" same "$t/out" "$t/whole"
cat "$t/r-1-1.tsv" | run "$TECHMATCH" merge - "$t/r-1-2.tsv" "$t/r-2-1.tsv" "$t/r-2-2.tsv" "$t/r-3-1.tsv" "$t/r-3-2.tsv"
check "a file on standard input (-)" same "$t/out" "$t/whole"
"$TECHMATCH" merge --exact-scores "$t"/r-1-*.tsv "$t"/r-2-*.tsv -o "$t/m12.tsv" || exit 99
"$TECHMATCH" merge --exact-scores "$t"/r-3-*.tsv -o "$t/m3.tsv" || exit 99
run "$TECHMATCH" merge "$t/m12.tsv" "$t/m3.tsv"
check "a merge of merges" same "$t/out" "$t/whole"
run "$TECHMATCH" merge "$t"/r-*.tsv "$t/r-2-1.tsv"
check "a file given twice: its pairs once" same "$t/out" "$t/whole"

# Shards of one index with the latent layer, merged: its whole run.
"$TECHMATCH" index -q -i "$t/latent.idx" corpus || exit 99
"$TECHMATCH" batch -q -i "$t/latent.idx" >"$t/whole.latent" || exit 99
for s in 1 2 3; do
	"$TECHMATCH" batch -q -i "$t/latent.idx" --shard $s/3 --exact-scores -o "$t/l-$s.tsv" || exit 99
done
run "$TECHMATCH" merge "$t"/l-*.tsv
check "shards of an index with the latent layer, merged: its whole run" same "$t/out" "$t/whole.latent"
check "... whose scores are not the lexical index's" sh -c "! cmp -s '$t/whole.latent' '$t/whole'"

# Scores with four decimals merge too, with a note: only matches whose
# scores round alike may then come in another order.
runs f
run "$TECHMATCH" merge "$t"/f-1-1.tsv "$t"/f-1-2.tsv "$t"/f-2-*.tsv "$t"/f-3-*.tsv
check "runs without --exact-scores: status 0" expect_status 0
check "... as many rows" test "$(wc -l <"$t/out")" -eq "$(wc -l <"$t/whole")"
check "... and a note for each file" test "$(grep -c 'note: scores of four decimals' "$t/err")" -eq 6
check "... naming it" grep -qF "f-1-2.tsv: note:" "$t/err"
run "$TECHMATCH" merge "$t"/r-*.tsv
check "no note for exact scores" same_text "$t/err" ""

# Decisions: each run leaves the rejected pairs out and marks the others.
awk -F'\t' '$1 == "d2a" && $3 <= 2 { print $2 "\t" $4 }' "$t/whole" | head -n 8 >"$t/pairs"
n=0
while IFS='	' read -r d a; do
	n=$((n + 1))
	if [ $((n % 2)) -eq 0 ]; then what=--reject; else what=--contacted; fi
	"$TECHMATCH" decide -i "$t/full.idx" -D "$t/dec.db" -d "$d" -a "$a" $what --by test >/dev/null || exit 99
done <"$t/pairs"
runs d --exact-scores -D "$t/dec.db"
"$TECHMATCH" batch -q -i "$t/full.idx" -D "$t/dec.db" >"$t/whole" || exit 99
run "$TECHMATCH" merge "$t"/d-*.tsv
check "runs with decisions, merged: the whole index's output" same "$t/out" "$t/whole"
check "... which marks some pairs" grep -q 'contacted$' "$t/out"

# ---- the recipe of techmatch-partitions(7), run by GNU parallel ----
if command -v parallel >/dev/null 2>&1; then
	w=$t/recipe
	mkdir "$w" || exit 99
	run parallel --halt now,fail=1 "'$TECHMATCH'" index -q --partition {}/3 -i "$w/part{}.idx" corpus ::: 1 2 3
	check "parallel: partitions built" expect_status 0
	run "$TECHMATCH" stats --export-df -i "$w/part1.idx" -i "$w/part2.idx" -i "$w/part3.idx" -o "$w/global.df"
	check "parallel: statistics summed" expect_status 0
	run parallel --halt now,fail=1 "'$TECHMATCH'" index -q --partition {}/3 --global-stats "$w/global.df" \
		-i "$w/part{}.idx" corpus ::: 1 2 3
	check "parallel: partitions rebuilt with them" expect_status 0
	printf '%s\n' "$w/part1.idx" "$w/part2.idx" "$w/part3.idx" >"$w/parts.list"
	run parallel --halt now,fail=1 "'$TECHMATCH'" batch -q -i "@$w/parts.list" --target-partition {1} \
		--shard {2}/4 --exact-scores -o "$w/run-{1}-{2}.tsv" ::: 1 2 3 ::: 1 2 3 4
	check "parallel: 12 runs, shards by partitions" expect_status 0
	run "$TECHMATCH" merge -o "$w/batch.tsv" "$w"/run-*.tsv
	"$TECHMATCH" batch -q -i "$t/full.idx" >"$t/whole" || exit 99
	check "parallel: the merged rows are the whole index's" same "$w/batch.tsv" "$t/whole"
else
	echo "# GNU parallel is not installed: its recipe is not run"
fi

# ---- bad input: refused at its file and line, -o left as it was ----
"$TECHMATCH" merge "$t"/r-*.tsv -o "$t/kept.tsv" || exit 99
cp "$t/kept.tsv" "$t/kept.before"
bad () {
	_what=$1; _msg=$2; shift 2
	run "$TECHMATCH" merge -o "$t/kept.tsv" "$@"
	refused "$_what" 3 "$_msg"
	check "$_what: -o left as it was" same "$t/kept.tsv" "$t/kept.before"
}
first=$t/r-1-1.tsv
sed 3d "$first" >"$t/cut.tsv"
bad "a line taken out" "cut.tsv:3: rank 4 of source" "$t/cut.tsv"
# The second source's lines moved before the first's.
awk -F'\t' '!($2 in seen) { seen[$2] = ++n } seen[$2] == 2 { print }' "$first" >"$t/sorted.tsv"
awk -F'\t' '!($2 in seen) { seen[$2] = ++n } seen[$2] != 2 { print }' "$first" >>"$t/sorted.tsv"
bad "two sources swapped" "not in the order batch writes" "$t/sorted.tsv"
head -c -1 "$first" >"$t/short.tsv"
bad "the last line cut" "the last line has no end" "$t/short.tsv"
"$TECHMATCH" batch -q -i "$t/full.idx" --since "$t/prev.tsv" -o "$t/status.tsv" || exit 99
bad "a run with --since" "give --since to merge" "$t/status.tsv"
awk -F'\t' 'BEGIN { OFS = "\t" } NR == 2 { $5 = "0.9x" } { print }' "$first" >"$t/score.tsv"
bad "a bad score" "score.tsv:2: field score: '0.9x'" "$t/score.tsv"
awk -F'\t' 'BEGIN { OFS = "\t" } NR == 2 { $6 = "maybe" } { print }' "$first" >"$t/decision.tsv"
bad "a bad decision" "decision.tsv:2: field decision: 'maybe'" "$t/decision.tsv"
awk -F'\t' 'BEGIN { OFS = "\t" } NR == 1 { $1 = "x2y" } { print }' "$first" >"$t/dir.tsv"
bad "a bad direction" "dir.tsv:1: field direction" "$t/dir.tsv"
cut -f1-5 "$first" >"$t/five.tsv"
bad "five fields" "five.tsv:1: 5 fields, not the 6" "$t/five.tsv"
printf 'd2a\tD-\377\t1\tA\t0.5\tnone\n' >"$t/latin.tsv"
bad "bytes that are not UTF-8" "latin.tsv:1: not UTF-8 text" "$t/latin.tsv"
awk -F'\t' 'BEGIN { OFS = "\t" } NR == 1 { $5 = $5 + 0.01 } { print }' "$first" >"$t/other.tsv"
bad "a pair scored twice differently" "other.tsv:1: the pair" "$first" "$t/other.tsv"
awk -F'\t' 'BEGIN { OFS = "\t" } NR == 2 { $5 = 1 } { print }' "$first" >"$t/rise.tsv"
bad "a rank scoring more than the one before" "rise.tsv:2: rank 2 of source" "$t/rise.tsv"
bad "a file that does not exist" "nothing.tsv" "$t/nothing.tsv"

# A signal while merge waits on a pipe that has given half a run: stopped
# as batch stops (130, "interrupted"), not a read error; -o as it was.
{ cat "$first"; sleep 4; } | "$TECHMATCH" merge -o "$t/kept.tsv" - 2>"$t/err" &
merging=$!
sleep 2
kill -TERM "$merging"
wait "$merging"
status=$?
refused "SIGTERM while reading a pipe" 130 "interrupted"
check "SIGTERM while reading a pipe: -o left as it was" same "$t/kept.tsv" "$t/kept.before"

run "$TECHMATCH" merge
refused "no file" 2 "give the batch outputs to merge"
run "$TECHMATCH" merge --format json --exact-scores "$first"
refused "--exact-scores in json" 2 "--exact-scores is for the tsv format"
run "$TECHMATCH" batch -q -i "$t/full.idx" --format csv --exact-scores
refused "batch --exact-scores in csv" 2 "--exact-scores is for the tsv format"
run "$TECHMATCH" merge --only-new "$first"
refused "--only-new without --since" 2 "--only-new needs --since"
run "$TECHMATCH" merge --top 0 "$first"
check "--top 0: status 2" expect_status 2
run "$TECHMATCH" merge - - <"$first"
refused "- twice" 2 "standard input (-) given twice"

finish

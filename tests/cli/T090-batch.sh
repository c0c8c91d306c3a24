#!/bin/sh
# techmatch batch: golden output in every format, identical bytes for any
# number of threads, shards through GNU parallel, --since, interruption.
. "${top_srcdir:-.}/tests/cli/test-lib.sh"

idx="$TEST_TMP/corpus.idx"
g=tests/data/golden
"$TECHMATCH" index -q -i "$idx" corpus || exit 99

for f in tsv csv json xml; do
	run "$TECHMATCH" batch -i "$idx" --top 2 --format "$f"
	check "$f exits 0" expect_status 0
	check "$f golden output" same "$TEST_TMP/out" "$g/batch.$f"
done
if command -v xmllint >/dev/null 2>&1; then
	check "the XML output follows its schema" xmllint --noout --relaxng corpus/techmatch-batch.rng "$g/batch.xml"
fi
run "$TECHMATCH" batch -i "$idx" --top 2 --format csv --bom
check "--bom starts with the byte order mark" sh -c "head -c 3 '$TEST_TMP/out' | od -An -tx1 | grep -q 'ef bb bf'"

# Threads do not change a byte.
"$TECHMATCH" batch -i "$idx" --jobs 1 >"$TEST_TMP/j1"
"$TECHMATCH" batch -i "$idx" --jobs 2 >"$TEST_TMP/j2"
"$TECHMATCH" batch -i "$idx" --jobs 5 >"$TEST_TMP/j5"
check "--jobs 1 and --jobs 2 give identical bytes" cmp "$TEST_TMP/j1" "$TEST_TMP/j2"
check "--jobs 5 too" cmp "$TEST_TMP/j1" "$TEST_TMP/j5"
check "both directions, 10 rows a source" test "$(wc -l <"$TEST_TMP/j1")" -eq $(((322 + 84) * 10))

# Directions.
run "$TECHMATCH" batch -i "$idx" --direction d2a --top 1
check "d2a only" sh -c "[ \$(wc -l <'$TEST_TMP/out') -eq 84 ] && ! grep -q '^a2d' '$TEST_TMP/out'"

# Three shards, run by GNU parallel, concatenated and sorted: the whole.
sort "$TEST_TMP/j1" >"$TEST_TMP/whole"
if command -v parallel >/dev/null 2>&1; then
	parallel --will-cite -j 3 "'$TECHMATCH' batch -i '$idx' --shard {}/3 -o '$TEST_TMP/shard-{}.tsv'" ::: 1 2 3
	sort "$TEST_TMP"/shard-*.tsv >"$TEST_TMP/merged"
	check "3 shards through GNU parallel equal the unsharded run" cmp "$TEST_TMP/merged" "$TEST_TMP/whole"
else
	echo "# GNU parallel (Debian: parallel) is not installed: the shards run one by one"
	for k in 1 2 3; do "$TECHMATCH" batch -i "$idx" --shard $k/3 -o "$TEST_TMP/shard-$k.tsv"; done
	sort "$TEST_TMP"/shard-*.tsv >"$TEST_TMP/merged"
	check "3 shards equal the unsharded run" cmp "$TEST_TMP/merged" "$TEST_TMP/whole"
fi
for k in 1 2 3; do
	check "shard $k/3 is not empty" test -s "$TEST_TMP/shard-$k.tsv"
done
for bad in 0/0 5/3 0/3 x/2 1/; do
	run "$TECHMATCH" batch -i "$idx" --shard "$bad"
	check "--shard $bad exits 2" expect_status 2
done

# --since: a hand-made previous run.  D-2025-2001's best match was second
# then (so it rose), its second was first (it fell), its third is new.
cat >"$TEST_TMP/previous.tsv" <<'EOT'
d2a	D-2025-2001	1	A-020002	0.4000
d2a	D-2025-2001	2	A-020001	0.3000
d2a	D-2025-2001	3	A-999999	0.2000
EOT
run "$TECHMATCH" batch -i "$idx" --direction d2a --top 3 --since "$TEST_TMP/previous.tsv"
grep '^d2a	D-2025-2001	' "$TEST_TMP/out" >"$TEST_TMP/d1"
check "--since marks up, down and new" same_text "$TEST_TMP/d1" "d2a	D-2025-2001	1	A-020001	0.4092	up	none
d2a	D-2025-2001	2	A-020002	0.2825	down	none
d2a	D-2025-2001	3	A-020004	0.1256	new	none"
run "$TECHMATCH" batch -i "$idx" --direction d2a --top 3 --since "$TEST_TMP/previous.tsv" --only-new
check "--only-new keeps what is new or rose" sh -c "! grep -q '	down	none\$' '$TEST_TMP/out' && ! grep -q '	same	none\$' '$TEST_TMP/out' && grep -q '	up	none\$' '$TEST_TMP/out'"
"$TECHMATCH" batch -i "$idx" --top 3 >"$TEST_TMP/prev2.tsv"
run "$TECHMATCH" batch -i "$idx" --top 3 --since "$TEST_TMP/prev2.tsv" --only-new
check "against itself nothing is new" same_text "$TEST_TMP/out" ""
printf 'this is not a batch output\n' >"$TEST_TMP/garbage.tsv"
run "$TECHMATCH" batch -i "$idx" --since "$TEST_TMP/garbage.tsv"
check "a bad --since file exits 3" expect_status 3
check "a bad --since file names the line" grep -q 'garbage.tsv:1:' "$TEST_TMP/err"
run "$TECHMATCH" batch -i "$idx" --only-new
check "--only-new without --since exits 2" expect_status 2

# -o replaces the file only when the run is complete.
echo "previous complete output" >"$TEST_TMP/out.tsv"
run "$TECHMATCH" batch -i "$idx" -o "$TEST_TMP/out.tsv"
check "-o writes the file" cmp "$TEST_TMP/out.tsv" "$TEST_TMP/j1"
check "-o leaves no temporary file" sh -c "! ls '$TEST_TMP'/out.tsv.tmp.* 2>/dev/null | grep -q ."
run "$TECHMATCH" batch -i "$idx" -o "$TEST_TMP/no/such/folder/out.tsv"
check "an output in a missing folder exits 1" expect_status 1
# -o and --html are committed together: when one cannot be written, the
# other is not replaced either.
run "$TECHMATCH" batch -i "$idx" -o "$TEST_TMP/out.tsv" --html "$TEST_TMP/no/such/folder/r.html"
check "a report in a missing folder exits 1" expect_status 1
check "... and leaves -o's file as it was" cmp "$TEST_TMP/out.tsv" "$TEST_TMP/j1"
check "... and no temporary" sh -c "! ls '$TEST_TMP'/out.tsv.tmp.* 2>/dev/null | grep -q ."
# A file that exists keeps its mode; a device is written, not replaced.
chmod 600 "$TEST_TMP/out.tsv"
"$TECHMATCH" batch -q -i "$idx" --top 1 -o "$TEST_TMP/out.tsv"
check "-o keeps the mode of the file it replaces" test "$(stat -c %a "$TEST_TMP/out.tsv")" = 600
mkfifo "$TEST_TMP/pipe"
cat "$TEST_TMP/pipe" >"$TEST_TMP/from-pipe" &
"$TECHMATCH" batch -q -i "$idx" --top 1 -o "$TEST_TMP/pipe"
wait
check "-o into a named pipe writes through it" cmp "$TEST_TMP/from-pipe" "$TEST_TMP/out.tsv"
check "... and leaves the pipe a pipe" test -p "$TEST_TMP/pipe"

# The HTML report: one self-contained page.
run "$TECHMATCH" batch -i "$idx" --top 3 --html "$TEST_TMP/report.html" -o "$TEST_TMP/with-html.tsv"
check "--html exits 0" expect_status 0
check "--html leaves the TSV output as it is" sh -c "'$TECHMATCH' batch -i '$idx' --top 3 | cmp - '$TEST_TMP/with-html.tsv'"
check "the report is an HTML page" grep -q '^<!DOCTYPE html>' "$TEST_TMP/report.html"
check "the report has a card per source" test "$(grep -o "<div class=card " "$TEST_TMP/report.html" | wc -l)" -eq $((322 + 84))
check "the report highlights matched terms" grep -q '<mark>' "$TEST_TMP/report.html"
check "the report loads nothing from elsewhere" sh -c "! grep -Eq '(src|href)=.?(https?:)?//' '$TEST_TMP/report.html'"
check "the report escapes the text" sh -c "! grep -q '<script>alert' '$TEST_TMP/report.html'"
if command -v chromium >/dev/null 2>&1; then
	# What the README shows: a screenshot with headless Chromium.
	timeout 120 chromium --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
		--disable-background-networking --disable-component-update --disable-sync \
		--user-data-dir="$TEST_TMP/chromium" --window-size=1280,1600 \
		--screenshot="$TEST_TMP/report.png" "file://$TEST_TMP/report.html" >/dev/null 2>&1
	check "headless Chromium renders the report" sh -c "[ \$(wc -c <'$TEST_TMP/report.png') -gt 50000 ]"
else
	echo "# chromium is not installed: the report is not rendered"
fi

# Interrupted: a library big enough to take a while, a SIGINT, the
# previous output untouched, exit 130.  (Not under valgrind, whose start-up
# makes the moment of the signal meaningless.)
if [ -n "${TM_VALGRIND:-}" ]; then
	finish
fi
make_corpus "$TEST_TMP/big" 6000 3000
"$TECHMATCH" index -q -i "$TEST_TMP/big.idx" "$TEST_TMP/big" || exit 99
echo "previous complete output" >"$TEST_TMP/keep.tsv"
cp "$TEST_TMP/keep.tsv" "$TEST_TMP/keep.orig"
"$TECHMATCH" batch -q -i "$TEST_TMP/big.idx" --jobs 1 -o "$TEST_TMP/keep.tsv" 2>"$TEST_TMP/int.err" &
pid=$!
sleep 0.5
kill -INT $pid
wait $pid
status=$?
check "an interrupted batch exits 130 ($status)" test "$status" -eq 130
check "an interrupted batch leaves the previous output untouched" cmp "$TEST_TMP/keep.tsv" "$TEST_TMP/keep.orig"
check "an interrupted batch leaves no temporary file" sh -c "! ls '$TEST_TMP'/keep.tsv.tmp.* 2>/dev/null | grep -q ."
check "an interrupted batch says so" grep -q "interrupted" "$TEST_TMP/int.err"

# Pruning changes nothing: every direction and K, to the last digit.
for k in 1 3 10; do
	"$TECHMATCH" batch -q -i "$idx" --top $k -o "$TEST_TMP/pruned.tsv"
	"$TECHMATCH" batch -q -i "$idx" --top $k --exhaustive -o "$TEST_TMP/exhaustive.tsv"
	check "batch --top $k: pruned and exhaustive agree" cmp "$TEST_TMP/pruned.tsv" "$TEST_TMP/exhaustive.tsv"
done

finish

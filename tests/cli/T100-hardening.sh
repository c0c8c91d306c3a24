#!/bin/sh
# Damage, crashes, a full disk, concurrent use and hostile input: the
# index and the outputs lose nothing and never crash.
. "${top_srcdir:-.}/tests/cli/test-lib.sh"

idx="$TEST_TMP/live.idx"
make_corpus "$TEST_TMP/big" 6000 3000
"$TECHMATCH" index -q -i "$idx" corpus || exit 99
"$TECHMATCH" match -i "$idx" --demand D-2025-2001 >"$TEST_TMP/answer"
cp "$idx" "$TEST_TMP/live.orig"

# ---- index damage: 200 flipped bytes and 50 truncations, every run ends
# with the corrupt-index status (4), never a signal.
size=$(wc -c <"$idx")
awk -v n=200 -v max="$size" 'BEGIN { srand(20261123); for (i = 0; i < n; i++) printf "%d %d\n", int(rand() * max), 1 + int(rand() * 255) }' >"$TEST_TMP/flips"
bad=0
while read -r at xor; do
	cp "$TEST_TMP/live.orig" "$TEST_TMP/flip.idx"
	byte=$(od -An -tu1 -j "$at" -N 1 "$TEST_TMP/flip.idx" | tr -d ' ')
	printf "$(printf '\\%03o' $(( (byte ^ xor) & 255 )))" | dd of="$TEST_TMP/flip.idx" bs=1 seek="$at" conv=notrunc 2>/dev/null
	"$TECHMATCH" stats --verify -i "$TEST_TMP/flip.idx" >/dev/null 2>"$TEST_TMP/flip.err"
	st=$?
	if [ "$st" -ne 4 ] || ! grep -q "index" "$TEST_TMP/flip.err"; then
		bad=$((bad + 1)); echo "# byte $at ^ $xor: status $st"
	fi
done <"$TEST_TMP/flips"
check "200 flipped bytes: always status 4" test "$bad" -eq 0
bad=0
for i in $(awk -v max="$size" 'BEGIN { srand(7); for (i = 0; i < 50; i++) print int(rand() * max) }'); do
	head -c "$i" "$TEST_TMP/live.orig" >"$TEST_TMP/cut.idx"
	"$TECHMATCH" match -i "$TEST_TMP/cut.idx" --demand D-2025-2001 >/dev/null 2>&1
	st=$?
	[ "$st" -eq 4 ] || { bad=$((bad + 1)); echo "# cut at $i: status $st"; }
done
check "50 truncations: always status 4" test "$bad" -eq 0

# ---- a rebuild killed at 50 random moments: the previous index always
# answers as before; the next build cleans up after the killed ones.
t0=$(date +%s%N)
"$TECHMATCH" index -q -i "$TEST_TMP/timing.idx" "$TEST_TMP/big"
t1=$(date +%s%N)
build_ms=$(( (t1 - t0) / 1000000 ))
bad=0
killed=0
for delay in $(awk -v ms="$build_ms" 'BEGIN { srand(42); for (i = 0; i < 50; i++) printf "%.3f\n", rand() * ms * 0.8 / 1000 }'); do
	"$TECHMATCH" index -q -i "$idx" "$TEST_TMP/big" &
	pid=$!
	sleep "$delay"
	kill -KILL $pid 2>/dev/null
	wait $pid 2>/dev/null
	if [ $? -eq 0 ]; then
		# The build finished before the kill: put the old index back.
		cp "$TEST_TMP/live.orig" "$idx"
		continue
	fi
	killed=$((killed + 1))
	if cmp -s "$idx" "$TEST_TMP/live.orig"; then
		"$TECHMATCH" match -i "$idx" --demand D-2025-2001 >"$TEST_TMP/now" 2>&1 || bad=$((bad + 1))
		cmp -s "$TEST_TMP/now" "$TEST_TMP/answer" || bad=$((bad + 1))
	else
		# Killed between the rename and the exit: the new index is
		# complete.  Never anything in between.
		"$TECHMATCH" stats --verify -i "$idx" >/dev/null 2>&1 || { bad=$((bad + 1)); echo "# a half index after a kill"; }
		cp "$TEST_TMP/live.orig" "$idx"
	fi
done
echo "# $killed of 50 rebuilds were killed before they finished"
check "most rebuilds were killed while running ($killed)" test "$killed" -ge 25
check "50 killed rebuilds ($build_ms ms each): the index is the previous one, answering as before, or the complete new one" test "$bad" -eq 0
"$TECHMATCH" index -q -i "$idx" corpus
check "the next build succeeds" test $? -eq 0
check "and leaves no temporary file" sh -c "! ls '$idx'.tmp.* 2>/dev/null | grep -q ."

# The same for batch output files.
echo "previous complete output" >"$TEST_TMP/out.tsv"
cp "$TEST_TMP/out.tsv" "$TEST_TMP/out.orig"
"$TECHMATCH" index -q -i "$TEST_TMP/big.idx" "$TEST_TMP/big"
bad=0
for delay in 0.05 0.2 0.4 0.6 0.8; do
	"$TECHMATCH" batch -q -i "$TEST_TMP/big.idx" --jobs 1 -o "$TEST_TMP/out.tsv" &
	pid=$!
	sleep $delay
	kill -KILL $pid 2>/dev/null
	wait $pid 2>/dev/null
	cmp -s "$TEST_TMP/out.tsv" "$TEST_TMP/out.orig" || bad=$((bad + 1))
done
check "killed batches leave the previous output untouched" test "$bad" -eq 0

# ---- a full disk (a file size limit: writes fail with EFBIG): a clear
# error, and the previous file intact.
cp "$idx" "$TEST_TMP/before.idx"
( trap '' XFSZ; ulimit -f 200; exec "$TECHMATCH" index -q -i "$idx" "$TEST_TMP/big" ) >"$TEST_TMP/out" 2>"$TEST_TMP/err"
status=$?
check "index on a full disk exits 1" expect_status 1
check "index on a full disk says why" grep -q "File too large" "$TEST_TMP/err"
check "index on a full disk keeps the previous index" cmp "$idx" "$TEST_TMP/before.idx"
check "index on a full disk leaves no temporary file" sh -c "! ls '$idx'.tmp.* 2>/dev/null | grep -q ."
# Not even the lock file's PID fits: the build stops there, and says so.
# (Its messages go through a pipe: no file can grow under the limit.)
( trap '' XFSZ; ulimit -f 0; "$TECHMATCH" index -q -i "$TEST_TMP/nospace.idx" "$TEST_TMP/big"; echo "status $?" ) 2>&1 | cat >"$TEST_TMP/err"
check "index that cannot write its lock file exits 1" grep -q "^status 1\$" "$TEST_TMP/err"
check "index that cannot write its lock file says so" grep -q "nospace.idx.lock: writing the PID: File too large" "$TEST_TMP/err"
( trap '' XFSZ; ulimit -f 20; exec "$TECHMATCH" batch -q -i "$idx" -o "$TEST_TMP/out.tsv" ) >/dev/null 2>"$TEST_TMP/err"
status=$?
check "batch on a full disk exits 1" expect_status 1
check "batch on a full disk keeps the previous output" cmp "$TEST_TMP/out.tsv" "$TEST_TMP/out.orig"

# ---- concurrency: a second build while one runs fails and says who
# holds the lock; queries go on while the index is replaced.
"$TECHMATCH" index -q -i "$TEST_TMP/race.idx" "$TEST_TMP/big" &
first=$!
sleep 0.2
run "$TECHMATCH" index -q -i "$TEST_TMP/race.idx" corpus
check "a concurrent build exits 4" expect_status 4
check "a concurrent build names the PID holding the lock" grep -q "locked by PID $first" "$TEST_TMP/err"
wait $first
check "the first build completes" test $? -eq 0

(
	for i in 1 2 3 4 5 6; do
		"$TECHMATCH" index -q -i "$idx" corpus
		"$TECHMATCH" index -q -i "$idx" "$TEST_TMP/big"
	done
) &
builder=$!
failures=0
i=0
while [ $i -lt 1000 ]; do
	"$TECHMATCH" match -i "$idx" --text '激光焊接传感器' --top 3 >/dev/null 2>>"$TEST_TMP/race.err" || failures=$((failures + 1))
	i=$((i + 1))
done
batch_failures=0
for i in 1 2 3 4 5; do
	"$TECHMATCH" batch -q -i "$idx" --direction d2a --top 3 >/dev/null 2>>"$TEST_TMP/race.err" || batch_failures=$((batch_failures + 1))
done
wait $builder
check "1000 queries while the index is rebuilt: no error ($failures)" test "$failures" -eq 0
check "batches while the index is rebuilt: no error ($batch_failures)" test "$batch_failures" -eq 0

# ---- hostile input, made at test time.
python3 -c "
import sys
sys.stdout.write('<corpus xmlns=\"urn:techmatch:corpus:1\" library=\"achievement\"><achievement id=\"A\"><title>t</title><abstract>' + '<b>' * 10000 + 'x' + '</b>' * 10000 + '</abstract></achievement></corpus>\n')" >"$TEST_TMP/deep.xml"
run timeout 20 "$TECHMATCH" check -q "$TEST_TMP/deep.xml"
check "10,000-deep nesting is refused (3)" expect_status 3
check "10,000-deep nesting: the message says depth" grep -q "depth" "$TEST_TMP/err"
python3 -c "
import sys
sys.stdout.write('<corpus xmlns=\"urn:techmatch:corpus:1\" library=\"achievement\"><achievement id=\"A\"><title>t</title><abstract>')
sys.stdout.write('x' * (100 * 1024 * 1024))
sys.stdout.write('</abstract></achievement></corpus>\n')" >"$TEST_TMP/huge.xml"
/usr/bin/time -f '%M' -o "$TEST_TMP/mem" timeout 60 "$TECHMATCH" check -q "$TEST_TMP/huge.xml" >/dev/null 2>"$TEST_TMP/err"
status=$?
check "a 100 MB field is refused (3)" expect_status 3
check "a 100 MB field is refused in bounded memory ($(tail -1 "$TEST_TMP/mem") KB)" test "$(tail -1 "$TEST_TMP/mem")" -lt 262144
rm -f "$TEST_TMP/huge.xml"
iconv -f UTF-8 -t UTF-16 tests/data/good/achievements.xml >"$TEST_TMP/utf16.xml"
run "$TECHMATCH" check -q "$TEST_TMP/utf16.xml"
check "UTF-16 with its BOM is read like UTF-8" expect_status 0
printf '\357\273\277' | cat - tests/data/good/demands.xml >"$TEST_TMP/bom.xml"
run "$TECHMATCH" check -q "$TEST_TMP/bom.xml"
check "a UTF-8 BOM is accepted" expect_status 0
printf '<corpus xmlns="urn:techmatch:corpus:1" library="demand"><demand id="D"><title>a\000b</title><description>x</description></demand></corpus>\n' >"$TEST_TMP/nul.xml"
run "$TECHMATCH" check -q "$TEST_TMP/nul.xml"
check "a NUL byte is refused (3)" expect_status 3

# Text: odd but valid input is analyzed, quickly.
python3 -c "print('钛' * 340000)" >"$TEST_TMP/one-char"
run timeout 20 "$TECHMATCH" tokenize - <"$TEST_TMP/one-char"
check "a 1 MB run of one character" expect_status 0
python3 -c "print('质子交换膜电解水制氢' * 34000)" >"$TEST_TMP/no-space"
run timeout 20 "$TECHMATCH" tokenize - <"$TEST_TMP/no-space"
check "1 MB without a space" expect_status 0
# Traditional characters are folded to simplified in linear time: 240,000
# of them without a break took minutes when each character looked its
# source up from the start of the stretch.
python3 -c "print('鋰電池低溫充電質子交換膜電解製氫雙極板塗層' * 12000)" >"$TEST_TMP/traditional"
run timeout 20 "$TECHMATCH" tokenize - <"$TEST_TMP/traditional"
check "240,000 traditional characters without punctuation" expect_status 0
check "traditional text is folded" grep -q "^质子交换膜" "$TEST_TMP/out"
printf 'a\342\200\213b\001c\033[31m 😀 ️电池\n' >"$TEST_TMP/odd"
run "$TECHMATCH" tokenize --mode words - <"$TEST_TMP/odd"
check "zero-width, control characters and emoji" expect_status 0
printf 'ok\355\240\200' >"$TEST_TMP/surrogate"
run "$TECHMATCH" tokenize - <"$TEST_TMP/surrogate"
check "an unpaired surrogate written as UTF-8 is invalid (3)" expect_status 3

finish

#!/bin/sh
# Query feedback (--feedback K, [scoring] feedback): bad values refused,
# 0 is today's output, match, explain and batch give a pair the same
# score, and a batch is the same bytes for any --jobs and shards.
. "${top_srcdir:-.}/tests/cli/test-lib.sh"

idx="$TEST_TMP/corpus.idx"
"$TECHMATCH" index -q -i "$idx" corpus || exit 99

for cmd in match batch explain; do
	for v in -1 101 abc 1.5 '' 1e2 ' 3'; do
		case $cmd in
		match) run "$TECHMATCH" match -i "$idx" -d D-2025-4001 --feedback "$v" ;;
		batch) run "$TECHMATCH" batch -i "$idx" --feedback "$v" ;;
		explain) run "$TECHMATCH" explain -i "$idx" -d D-2025-4001 -a A-040003 --feedback "$v" ;;
		esac
		check "$cmd --feedback '$v' is refused (2)" expect_status 2
		check "$cmd --feedback '$v': the message names the option" \
			same_text "$TEST_TMP/err" "techmatch $cmd: --feedback takes a whole number from 0 to 100, not '$v'"
	done
done
for v in -1 101 abc 2.5; do
	printf '[scoring]\nfeedback=%s\n' "$v" >"$TEST_TMP/bad.conf"
	TECHMATCH_CONFIG="$TEST_TMP/bad.conf" run "$TECHMATCH" match -i "$idx" -d D-2025-4001
	check "[scoring] feedback=$v is refused" sh -c "[ $status -ne 0 ] && grep -q 'feedback' '$TEST_TMP/err'"
	check "[scoring] feedback=$v prints nothing" same_text "$TEST_TMP/out" ""
done

# 0 is today's output, byte for byte.
"$TECHMATCH" match -i "$idx" -d D-2025-4001 >"$TEST_TMP/m"
"$TECHMATCH" match -i "$idx" -d D-2025-4001 --feedback 0 >"$TEST_TMP/m0"
check "match --feedback 0 is match" cmp "$TEST_TMP/m" "$TEST_TMP/m0"
"$TECHMATCH" batch -i "$idx" --top 3 >"$TEST_TMP/b"
"$TECHMATCH" batch -i "$idx" --top 3 --feedback 0 >"$TEST_TMP/b0"
check "batch --feedback 0 is batch" cmp "$TEST_TMP/b" "$TEST_TMP/b0"
"$TECHMATCH" explain -i "$idx" -d D-2025-4001 -a A-040003 >"$TEST_TMP/e"
"$TECHMATCH" explain -i "$idx" -d D-2025-4001 -a A-040003 --feedback 0 >"$TEST_TMP/e0"
check "explain --feedback 0 is explain" cmp "$TEST_TMP/e" "$TEST_TMP/e0"

# Feedback changes the ranking, and the configuration says the same as
# the option.
run "$TECHMATCH" match -i "$idx" -d D-2025-4001 --feedback 3
check "match --feedback 3 exits 0" expect_status 0
cp "$TEST_TMP/out" "$TEST_TMP/m3"
check "match --feedback 3 scores otherwise" sh -c "! cmp -s '$TEST_TMP/m' '$TEST_TMP/m3'"
printf '[scoring]\nfeedback=3\n' >"$TEST_TMP/fb.conf"
TECHMATCH_CONFIG="$TEST_TMP/fb.conf" "$TECHMATCH" match -i "$idx" -d D-2025-4001 >"$TEST_TMP/mc"
check "[scoring] feedback=3 is --feedback 3" cmp "$TEST_TMP/m3" "$TEST_TMP/mc"
"$TECHMATCH" match -i "$idx" -d D-2025-4001 --feedback 3 >"$TEST_TMP/m3b"
check "match --feedback 3 twice: the same bytes" cmp "$TEST_TMP/m3" "$TEST_TMP/m3b"

# Filters do not change a pair's score (the first run has none).
"$TECHMATCH" match -i "$idx" -d D-2025-4001 --feedback 3 --top 100000 >"$TEST_TMP/all"
"$TECHMATCH" match -i "$idx" -d D-2025-4001 --feedback 3 --top 100 --min-trl 6 >"$TEST_TMP/trl"
check "a filter keeps the scores" sh -c "
	[ -s '$TEST_TMP/trl' ] || exit 1
	cut -f2,3 '$TEST_TMP/trl' | while read -r id s; do grep -q \"	\$id	\$s	\" '$TEST_TMP/all' || exit 1; done"

# explain: the pair's score in match, and the terms the feedback added.
top=$(head -n 1 "$TEST_TMP/m3" | cut -f2)
score=$(head -n 1 "$TEST_TMP/m3" | cut -f3)
run "$TECHMATCH" explain -i "$idx" -d D-2025-4001 -a "$top" --feedback 3
check "explain --feedback 3 exits 0" expect_status 0
check "explain gives match's score" grep -qx "score	$score" "$TEST_TMP/out"
check "explain names the terms added" sh -c "grep -E '^feedback	3	[^ =]+=[0-9.]+( [^ =]+=[0-9.]+)*\$' '$TEST_TMP/out'"
run "$TECHMATCH" explain -i "$idx" -d D-2025-4001 -a "$top" --feedback 3 --format json
check "explain --format json has the feedback" python3 -c "
import json, sys
o = json.load(open('$TEST_TMP/out'))
f = o['feedback']
assert f['documents'] == 3 and f['added'], f
assert all(isinstance(a['term'], str) and a['weight'] > 0 for a in f['added']), f
"

# batch: the single query's scores, the same bytes for any --jobs and
# for shards merged.
"$TECHMATCH" batch -i "$idx" --direction d2a --feedback 3 --jobs 1 >"$TEST_TMP/j1"
"$TECHMATCH" batch -i "$idx" --direction d2a --feedback 3 --jobs 2 >"$TEST_TMP/j2"
check "batch --feedback: --jobs 1 and 2 give identical bytes" cmp "$TEST_TMP/j1" "$TEST_TMP/j2"
for k in 1 2 3; do
	"$TECHMATCH" batch -i "$idx" --direction d2a --feedback 3 --shard "$k/3" >"$TEST_TMP/s$k"
done
sort "$TEST_TMP/j1" >"$TEST_TMP/whole"
sort "$TEST_TMP/s1" "$TEST_TMP/s2" "$TEST_TMP/s3" >"$TEST_TMP/merged"
check "batch --feedback: 3 shards merged are the whole" cmp "$TEST_TMP/whole" "$TEST_TMP/merged"
grep '	D-2025-4001	' "$TEST_TMP/j1" | cut -f3-5 >"$TEST_TMP/from-batch"
cut -f1-3 "$TEST_TMP/m3" >"$TEST_TMP/from-match"
check "batch --feedback scores as match --feedback" same "$TEST_TMP/from-batch" "$TEST_TMP/from-match"

finish

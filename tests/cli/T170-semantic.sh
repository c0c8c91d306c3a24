#!/bin/sh
# The latent layer (--semantic W, [scoring] semantic, index --latent-rank):
# bad values refused, 0 is today's output, an index without the layer
# scores lexically, match, explain and batch give a pair the same score,
# a batch is the same bytes for any --jobs and shards, and the build the
# same bytes for any --jobs.
. "${top_srcdir:-.}/tests/cli/test-lib.sh"

idx="$TEST_TMP/corpus.idx"
"$TECHMATCH" index -q -i "$idx" corpus || exit 99

for cmd in match batch explain; do
	for v in -0.1 1.5 abc '' nan ' 0.3'; do
		case $cmd in
		match) run "$TECHMATCH" match -i "$idx" -d D-2025-4001 --semantic "$v" ;;
		batch) run "$TECHMATCH" batch -i "$idx" --semantic "$v" ;;
		explain) run "$TECHMATCH" explain -i "$idx" -d D-2025-4001 -a A-040003 --semantic "$v" ;;
		esac
		check "$cmd --semantic '$v' is refused (2)" expect_status 2
		check "$cmd --semantic '$v': the message names the option" \
			same_text "$TEST_TMP/err" "techmatch $cmd: --semantic takes a number from 0 to 1, not '$v'"
	done
done
for v in -1 2 abc; do
	printf '[scoring]\nsemantic=%s\n' "$v" >"$TEST_TMP/bad.conf"
	TECHMATCH_CONFIG="$TEST_TMP/bad.conf" run "$TECHMATCH" match -i "$idx" -d D-2025-4001
	check "[scoring] semantic=$v is refused" sh -c "[ $status -ne 0 ] && grep -q 'semantic' '$TEST_TMP/err'"
	check "[scoring] semantic=$v prints nothing" same_text "$TEST_TMP/out" ""
done
for v in -1 1025 abc; do
	run "$TECHMATCH" index -q -i "$TEST_TMP/bad.idx" --latent-rank "$v" corpus
	check "index --latent-rank '$v' is refused (2)" expect_status 2
done

# 0 is the lexical output, byte for byte, the same as any weight on an
# index built without the layer; the default is 0.2.
"$TECHMATCH" index -q -i "$TEST_TMP/lexical.idx" --latent-rank 0 corpus || exit 99
"$TECHMATCH" match -i "$idx" -d D-2025-4001 --semantic 0 >"$TEST_TMP/m"
"$TECHMATCH" match -i "$TEST_TMP/lexical.idx" -d D-2025-4001 >"$TEST_TMP/ml"
check "no layer: the default scores as --semantic 0" cmp "$TEST_TMP/m" "$TEST_TMP/ml"
"$TECHMATCH" match -i "$TEST_TMP/lexical.idx" -d D-2025-4001 --semantic 0.5 >"$TEST_TMP/ml"
check "no layer: --semantic 0.5 scores lexically" cmp "$TEST_TMP/m" "$TEST_TMP/ml"
"$TECHMATCH" match -i "$idx" -d D-2025-4001 >"$TEST_TMP/md"
"$TECHMATCH" match -i "$idx" -d D-2025-4001 --semantic 0.2 >"$TEST_TMP/m2"
check "the default is --semantic 0.2" cmp "$TEST_TMP/md" "$TEST_TMP/m2"
"$TECHMATCH" batch -i "$idx" --top 3 --semantic 0 >"$TEST_TMP/b0"
"$TECHMATCH" batch -i "$TEST_TMP/lexical.idx" --top 3 >"$TEST_TMP/b"
check "batch --semantic 0 is the lexical batch" cmp "$TEST_TMP/b" "$TEST_TMP/b0"
"$TECHMATCH" explain -i "$TEST_TMP/lexical.idx" -d D-2025-4001 -a A-040003 >"$TEST_TMP/e"
"$TECHMATCH" explain -i "$idx" -d D-2025-4001 -a A-040003 --semantic 0 >"$TEST_TMP/e0"
check "explain --semantic 0 is the lexical explain" cmp "$TEST_TMP/e" "$TEST_TMP/e0"
check "explain --semantic 0 has no latent line" sh -c "! grep -q '^latent' '$TEST_TMP/e0'"
check "explain on an index without the layer has no latent line" sh -c "! grep -q '^latent' '$TEST_TMP/e'"

# A weight scores otherwise, the same as the configuration's.
run "$TECHMATCH" match -i "$idx" -d D-2025-4001 --semantic 0.3
check "match --semantic 0.3 exits 0" expect_status 0
cp "$TEST_TMP/out" "$TEST_TMP/m3"
check "match --semantic 0.3 scores otherwise" sh -c "! cmp -s '$TEST_TMP/m' '$TEST_TMP/m3' && ! cmp -s '$TEST_TMP/md' '$TEST_TMP/m3'"
check "scores stay within 0 and 1" sh -c "cut -f3 '$TEST_TMP/m3' | awk '\$1 < 0 || \$1 > 1 { exit 1 }'"
printf '[scoring]\nsemantic=0.3\n' >"$TEST_TMP/w.conf"
TECHMATCH_CONFIG="$TEST_TMP/w.conf" "$TECHMATCH" match -i "$idx" -d D-2025-4001 >"$TEST_TMP/mc"
check "[scoring] semantic=0.3 is --semantic 0.3" cmp "$TEST_TMP/m3" "$TEST_TMP/mc"
"$TECHMATCH" match -i "$idx" -d D-2025-4001 --semantic 0.3 >"$TEST_TMP/mx"
check "match --semantic 0.3 twice: the same bytes" cmp "$TEST_TMP/m3" "$TEST_TMP/mx"

# explain: the pair's score in match, its latent part and neighbours.
top=$(head -n 1 "$TEST_TMP/m3" | cut -f2)
score=$(head -n 1 "$TEST_TMP/m3" | cut -f3)
run "$TECHMATCH" explain -i "$idx" -d D-2025-4001 -a "$top" --semantic 0.3
check "explain --semantic 0.3 exits 0" expect_status 0
check "explain gives match's score" grep -qx "score	$score" "$TEST_TMP/out"
check "explain has the latent line" grep -qE '^latent	0\.3000	-?[0-9]\.[0-9]{4}	[0-9]\.[0-9]{4}	' "$TEST_TMP/out"
run "$TECHMATCH" explain -i "$idx" -d D-2025-4001 -a "$top" --semantic 0.3 --format json
check "explain --format json has the latent part" python3 -c "
import json
o = json.load(open('$TEST_TMP/out'))
l = o['latent']
assert o['semantic'] == 0.3 and -1 <= l['cosine'] <= 1 and 0 <= l['share'] <= 0.3, l
assert all(n['query_term'] and n['term'] and 0 < n['similarity'] <= 1.0001 for n in l['neighbours']), l
shares = sum(t['contribution'] for t in o['terms'])
assert abs(shares + l['share'] - o['score']) < 0.002, (shares, l['share'], o['score'])
"

# batch: the single query's scores, the same bytes for any --jobs and
# for shards merged.
"$TECHMATCH" batch -i "$idx" --direction d2a --semantic 0.3 --jobs 1 >"$TEST_TMP/j1"
"$TECHMATCH" batch -i "$idx" --direction d2a --semantic 0.3 --jobs 2 >"$TEST_TMP/j2"
check "batch --semantic: --jobs 1 and 2 give identical bytes" cmp "$TEST_TMP/j1" "$TEST_TMP/j2"
"$TECHMATCH" batch -i "$idx" --direction d2a --semantic 0.3 --exhaustive >"$TEST_TMP/jx"
check "batch --semantic: pruned and exhaustive give identical bytes" cmp "$TEST_TMP/j1" "$TEST_TMP/jx"
for k in 1 2 3; do
	"$TECHMATCH" batch -i "$idx" --direction d2a --semantic 0.3 --shard "$k/3" >"$TEST_TMP/s$k"
done
sort "$TEST_TMP/j1" >"$TEST_TMP/whole"
sort "$TEST_TMP/s1" "$TEST_TMP/s2" "$TEST_TMP/s3" >"$TEST_TMP/merged"
check "batch --semantic: 3 shards merged are the whole" cmp "$TEST_TMP/whole" "$TEST_TMP/merged"
grep '	D-2025-4001	' "$TEST_TMP/j1" | cut -f3-5 >"$TEST_TMP/from-batch"
cut -f1-3 "$TEST_TMP/m3" >"$TEST_TMP/from-match"
check "batch --semantic scores as match --semantic" same "$TEST_TMP/from-batch" "$TEST_TMP/from-match"

# The build: the same bytes past the header for any --jobs.
"$TECHMATCH" index -q -j 1 -i "$TEST_TMP/j1.idx" corpus || exit 99
"$TECHMATCH" index -q -j 2 -i "$TEST_TMP/j2.idx" corpus || exit 99
tail -c +57 "$TEST_TMP/j1.idx" >"$TEST_TMP/j1.body"
tail -c +57 "$TEST_TMP/j2.idx" >"$TEST_TMP/j2.body"
check "index -j 1 and -j 2: the same bytes past the header" cmp "$TEST_TMP/j1.body" "$TEST_TMP/j2.body"

# LAPACKE is loaded when the build factorizes: without it the build with
# the layer fails with a message that says what to do, and leaves the
# old index; the build without the layer, and every query, still run.
cp "$TEST_TMP/j1.idx" "$TEST_TMP/old.idx"
TECHMATCH_LAPACKE_LIBRARY=libtechmatch-none.so.9; export TECHMATCH_LAPACKE_LIBRARY
run "$TECHMATCH" index -q -i "$TEST_TMP/j1.idx" corpus
check "no LAPACKE: index with the layer exits 1" expect_status 1
check "no LAPACKE: the message names the library and the way out" \
	grep -q 'libtechmatch-none.so.9.*--latent-rank 0' "$TEST_TMP/err"
check "no LAPACKE: the old index is left as it was" cmp "$TEST_TMP/j1.idx" "$TEST_TMP/old.idx"
run "$TECHMATCH" index -q --latent-rank 0 -i "$TEST_TMP/lex.idx" corpus
check "no LAPACKE: index --latent-rank 0 runs" expect_status 0
run "$TECHMATCH" match -i "$TEST_TMP/j1.idx" --demand D-2025-4001 --top 1
check "no LAPACKE: match on an index with the layer runs" expect_status 0
unset TECHMATCH_LAPACKE_LIBRARY

finish

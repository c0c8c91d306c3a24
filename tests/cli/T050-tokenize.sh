#!/bin/sh
# techmatch tokenize: golden output in both formats, options, errors.
. "${top_srcdir:-.}/tests/cli/test-lib.sh"

run "$TECHMATCH" tokenize --mode mixed '采用ＰＥＭ电解水制氢：在 30 W、1200℃ 下，Ti-6Al-4V 與 G8.5+ 基板玻璃的 3D打印 batteries'
check "tsv exits 0" expect_status 0
check "tsv golden output" same "$TEST_TMP/out" tests/data/golden/tokenize.tsv

run "$TECHMATCH" tokenize --format json --mode words '鋰電池 27.3% SiC'
check "json exits 0" expect_status 0
check "json golden output" same "$TEST_TMP/out" tests/data/golden/tokenize.json

# Standard input gives the same terms as the argument.
printf '%s' '采用ＰＥＭ电解水制氢：在 30 W、1200℃ 下，Ti-6Al-4V 與 G8.5+ 基板玻璃的 3D打印 batteries' >"$TEST_TMP/in"
run "$TECHMATCH" tokenize --mode mixed - <"$TEST_TMP/in"
check "stdin gives the same terms" same "$TEST_TMP/out" tests/data/golden/tokenize.tsv

# Every term's offsets cut its source out of the input.
run "$TECHMATCH" tokenize --mode words '鋰電池和ＰＥＭ'
check "offsets cut the source text" same_text "$TEST_TMP/out" "锂离子电池	word	0	9
质子交换膜	word	12	21"

# The modes and switches.
run "$TECHMATCH" tokenize --mode bigrams --no-synonyms '电解槽寿命'
check "bigrams mode" same_text "$TEST_TMP/out" "电解	bigram	0	6
解槽	bigram	3	9
槽寿	bigram	6	12
寿命	bigram	9	15"
run "$TECHMATCH" tokenize --mode words --no-synonyms --no-stopwords --no-stem '3D打印的 batteries'
check "switches off" same_text "$TEST_TMP/out" "3d	latin	0	2
打印	word	2	8
的	word	8	11
batteries	latin	12	21"

# A user lexicon changes the segmentation.
printf '# test lexicon\n钛纤维毡\n' >"$TEST_TMP/lexicon.txt"
run "$TECHMATCH" tokenize --segment '钛纤维毡'
check "segment without the lexicon" same_text "$TEST_TMP/out" "钛 纤维 毡"
run "$TECHMATCH" tokenize --segment --lexicon "$TEST_TMP/lexicon.txt" '钛纤维毡'
check "segment with the lexicon" same_text "$TEST_TMP/out" "钛纤维毡"

# User synonyms join the built-in ones.
printf '钛纤维毡 = 钛毡\n' >"$TEST_TMP/syn.txt"
run "$TECHMATCH" tokenize --mode words --lexicon "$TEST_TMP/lexicon.txt" --synonyms "$TEST_TMP/syn.txt" '钛毡'
check "user synonyms" same_text "$TEST_TMP/out" "钛纤维毡	word	0	6"

# Errors.
run "$TECHMATCH" tokenize --mode trigram x
check "unknown mode exits 2" expect_status 2
run "$TECHMATCH" tokenize --format xml x
check "unknown format exits 2" expect_status 2
run "$TECHMATCH" tokenize
check "no text exits 2" expect_status 2
printf 'ok\303(' >"$TEST_TMP/bad"
run "$TECHMATCH" tokenize - <"$TEST_TMP/bad"
check "invalid UTF-8 exits 3" expect_status 3
check "invalid UTF-8 names the byte" same_text "$TEST_TMP/err" "techmatch: error: invalid UTF-8 at byte 2 (0xC3)"
run "$TECHMATCH" tokenize --lexicon /nonexistent/lexicon.txt x
check "missing lexicon exits 1" expect_status 1
check "missing lexicon is named" grep -q '/nonexistent/lexicon.txt' "$TEST_TMP/err"
printf '好词 -5\n' >"$TEST_TMP/badlex.txt"
run "$TECHMATCH" tokenize --lexicon "$TEST_TMP/badlex.txt" x
check "bad lexicon line names file and line" same_text "$TEST_TMP/err" \
	"techmatch: error: $TEST_TMP/badlex.txt:1: \"-5\": the weight is a positive integer"
run "$TECHMATCH" tokenize '，。！'
check "punctuation only: no terms" same_text "$TEST_TMP/out" ""

finish

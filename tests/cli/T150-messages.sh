#!/bin/sh
# Messages in the user's language: under zh_CN.UTF-8 techmatch speaks
# Chinese (po/zh_CN.po), under C English; machine output (TSV, JSON,
# the check summary's columns) is the same in every language.
#
# make check points TECHMATCH_LOCALEDIR at the build tree's locale/
# folder, where each po/LL.po is compiled; the locale itself must exist
# on the machine (Debian: locales, then zh_CN.UTF-8 in /etc/locale.gen
# and locale-gen; .ci/run does so).
. "${top_srcdir:-.}/tests/cli/test-lib.sh"

if ! locale -a 2>/dev/null | grep -qi '^zh_CN\.utf-\?8$'; then
	skip_all "no zh_CN.UTF-8 locale (locale -a); generate it with locale-gen to run this test"
fi
catalog="${TECHMATCH_LOCALEDIR:-}/zh_CN/LC_MESSAGES/techmatch.mo"
[ -f "$catalog" ] || { echo "no catalogue at $catalog (TECHMATCH_LOCALEDIR)"; exit 99; }

# Every run says its language with LC_ALL; LANGUAGE would override it.
unset LANGUAGE
zh () { LC_ALL=zh_CN.UTF-8 "$@"; }
en () { LC_ALL=C "$@"; }

# ---- the program's own errors -------------------------------------------

zh run "$TECHMATCH" frobnicate
check "zh: an unknown command exits 2" expect_status 2
check "zh: an unknown command, in Chinese" same_text "$TEST_TMP/err" "techmatch：未知的命令“frobnicate”
请运行“techmatch --help”查看用法。"
en run "$TECHMATCH" frobnicate
check "C: an unknown command exits 2" expect_status 2
check "C: an unknown command, in English" same_text "$TEST_TMP/err" "techmatch: unknown command 'frobnicate'
Try 'techmatch --help'."

zh run "$TECHMATCH" check
check "zh: check without a corpus exits 2" expect_status 2
check "zh: check without a corpus, in Chinese" same_text "$TEST_TMP/err" "techmatch check：没有给出语料
请运行“techmatch check --help”查看用法。"
en run "$TECHMATCH" check
check "C: check without a corpus, in English" same_text "$TEST_TMP/err" "techmatch check: no corpus given
Try 'techmatch check --help'."

zh run "$TECHMATCH" match --demand D-1 --format yaml
check "zh: an unknown format exits 2" expect_status 2
check "zh: an unknown format, in Chinese" same_text "$TEST_TMP/err" "techmatch match：未知的格式“yaml”（可用 tsv、json 或 xlsx）"

zh run "$TECHMATCH" match -i "$TEST_TMP/none.idx" --demand D-1
check "zh: a missing index exits 4" expect_status 4
check "zh: a missing index, in Chinese" grep -q '^techmatch：错误：没有索引（请用 techmatch index 构建）：' "$TEST_TMP/err"
en run "$TECHMATCH" match -i "$TEST_TMP/none.idx" --demand D-1
check "C: a missing index, in English" grep -q '^techmatch: error: no index (build one with techmatch index): ' "$TEST_TMP/err"

# ---- --help: the summaries and the options' descriptions ------------------

zh run "$TECHMATCH" --help
check "zh: --help exits 0" expect_status 0
check "zh: --help's usage line" grep -q '^用法：techmatch \[--help\] \[--version\] 命令 \[参数...\]$' "$TEST_TMP/out"
check "zh: --help's command summaries" grep -q '^  check           校验语料文件并汇总两个库$' "$TEST_TMP/out"
cp "$TEST_TMP/out" "$TEST_TMP/help-zh"
en run "$TECHMATCH" --help
check "C: --help in English" grep -q '^  check           validate corpus files and summarise both libraries$' "$TEST_TMP/out"
check "C: --help has no Chinese" sh -c "! grep -q '[用校]' '$TEST_TMP/out'"
check "--help has as many lines in both" test "$(wc -l <"$TEST_TMP/out")" -eq "$(wc -l <"$TEST_TMP/help-zh")"

zh run "$TECHMATCH" check --help
check "zh: check --help exits 0" expect_status 0
check "zh: check --help's summary" grep -q '按 techmatch 语料格式校验语料文件' "$TEST_TMP/out"
check "zh: check --help's option, in Chinese" grep -Eq '^  -q, --quiet +只输出问题，不输出汇总$' "$TEST_TMP/out"
zh run "$TECHMATCH" batch --help
check "zh: batch --help's options keep their names" grep -Eq '^  -o, --output=FILE +写入 FILE（全部完成后才替换该文件）$' "$TEST_TMP/out"
en run "$TECHMATCH" check --help
check "C: check --help's option, in English" grep -Eq '^  -q, --quiet +Print problems only, no summary$' "$TEST_TMP/out"

# ---- machine output does not change with the language --------------------

idx="$TEST_TMP/t.idx"
en run "$TECHMATCH" index -q -i "$idx" tests/data/good
check "index the test corpus" expect_status 0
for fmt in tsv json; do
	en run "$TECHMATCH" match -i "$idx" --demand D-T001 --format $fmt --explain
	cp "$TEST_TMP/out" "$TEST_TMP/match-en"
	zh run "$TECHMATCH" match -i "$idx" --demand D-T001 --format $fmt --explain
	check "match --format $fmt: the same output in both" same "$TEST_TMP/out" "$TEST_TMP/match-en"
done
en run "$TECHMATCH" stats -i "$idx" --format json
grep -v '"built' "$TEST_TMP/out" >"$TEST_TMP/stats-en"
zh run "$TECHMATCH" stats -i "$idx" --format json
grep -v '"built' "$TEST_TMP/out" >"$TEST_TMP/stats-zh"
check "stats --format json: the same keys in both" same "$TEST_TMP/stats-zh" "$TEST_TMP/stats-en"
en run "$TECHMATCH" check tests/data/good
cp "$TEST_TMP/out" "$TEST_TMP/check-en"
zh run "$TECHMATCH" check tests/data/good
check "check's summary table: the same in both" same "$TEST_TMP/out" "$TEST_TMP/check-en"

finish

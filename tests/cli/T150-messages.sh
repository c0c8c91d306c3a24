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

# ---- the engine's errors: the library's messages, in the same domain ----

zh run "$TECHMATCH" check tests/data/broken/trl-out-of-range.xml
check "zh: a bad TRL exits 3" expect_status 3
check "zh: the reader's problem, in Chinese" grep -q '^tests/data/broken/trl-out-of-range.xml:6:5: A-1: <trl> 为“12”：技术成熟度是 1 到 9 之间的整数$' "$TEST_TMP/err"
en run "$TECHMATCH" check tests/data/broken/trl-out-of-range.xml
check "C: the reader's problem, in English" grep -q '^tests/data/broken/trl-out-of-range.xml:6:5: A-1: <trl> is "12": a technology readiness level is an integer from 1 to 9$' "$TEST_TMP/err"

zh run "$TECHMATCH" check tests/data/broken/utf32.xml
check "zh: a UTF-32 file, in Chinese" grep -q '^tests/data/broken/utf32.xml:1:1：文件是 UTF-32 编码，techmatch 不读取这种编码' "$TEST_TMP/err"

head -c 100 /dev/zero >"$TEST_TMP/zero.idx"
zh run "$TECHMATCH" match -i "$TEST_TMP/zero.idx" --demand D-1
check "zh: a file that is no index exits 4" expect_status 4
check "zh: a file that is no index, in Chinese" same_text "$TEST_TMP/err" "techmatch：错误：$TEST_TMP/zero.idx：不是有效的 techmatch 索引（魔数不对）；请用 techmatch index 重建"
en run "$TECHMATCH" match -i "$TEST_TMP/zero.idx" --demand D-1
check "C: a file that is no index, in English" same_text "$TEST_TMP/err" "techmatch: error: $TEST_TMP/zero.idx: not a valid techmatch index (wrong magic number); rebuild it with techmatch index"

printf '编号,成果名称,摘要,成熟度\nA1,锂电池,一种锂电池,十\n' >"$TEST_TMP/bad-trl.csv"
zh run "$TECHMATCH" import --library achievement "$TEST_TMP/bad-trl.csv"
check "zh: import of a bad row exits 3" expect_status 3
check "zh: the importer's problem, in Chinese" same_text "$TEST_TMP/err" "$TEST_TMP/bad-trl.csv:2:4: A1: \"成熟度\": 技术成熟度（TRL）“十”不是 1 到 9 之间的数
techmatch：错误：1 个问题；没有写入任何内容（--skip-bad 会写入正常的记录）"
en run "$TECHMATCH" import --library achievement "$TEST_TMP/bad-trl.csv"
check "C: the importer's problem, in English" grep -q ': TRL "十" is not a number from 1 to 9$' "$TEST_TMP/err"

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

zh run "$TECHMATCH" match -i "$idx" --demand D-T001 --weights 0,0,0
check "zh: an engine error about the weights, in Chinese" grep -q '所有字段的权重都是 0：至少要有一个字段起作用' "$TEST_TMP/err"

en run "$TECHMATCH" index -i "$TEST_TMP/summary.idx" tests/data/good
check "C: the index summary, in English" grep -Eq '^.*summary.idx: 3 achievements, 2 demands, [0-9]+ terms, [0-9]+ postings, ' "$TEST_TMP/out"
zh run "$TECHMATCH" index -i "$TEST_TMP/summary.idx" tests/data/good
check "zh: the index summary, in Chinese" grep -Eq '^.*summary.idx：3 项成果，2 项需求，[0-9]+ 个词项，[0-9]+ 条倒排记录，' "$TEST_TMP/out"

# batch: the TSV the same; the HTML report's words in the language, its
# data attributes (what the page's script reads) the same.
en run "$TECHMATCH" batch -i "$idx" --top 2 -o "$TEST_TMP/batch-en.tsv" --html "$TEST_TMP/report-en.html"
check "C: batch --html exits 0" expect_status 0
zh run "$TECHMATCH" batch -i "$idx" --top 2 -o "$TEST_TMP/batch-zh.tsv" --html "$TEST_TMP/report-zh.html"
check "zh: batch --html exits 0" expect_status 0
check "batch: the same TSV in both" same "$TEST_TMP/batch-zh.tsv" "$TEST_TMP/batch-en.tsv"
check "zh: the report's summary heading, in Chinese" grep -q '<h2>概况 <small>强匹配：得分 ≥ ' "$TEST_TMP/report-zh.html"
check "zh: the report says its language" grep -q '^<html lang="zh-CN">' "$TEST_TMP/report-zh.html"
check "zh: the report's buttons, in Chinese" grep -q "<button onclick=\"cp(this,'accept')\">接受</button>" "$TEST_TMP/report-zh.html"
check "C: the report's summary heading, in English" grep -q '<h2>Summary <small>strong match: score ≥ ' "$TEST_TMP/report-en.html"
check "C: the report has no Chinese label" sh -c "! grep -q '概况\\|接受\\|需求 →' '$TEST_TMP/report-en.html'"
grep -o ' data-[a-z]*="[^"]*"' "$TEST_TMP/report-en.html" >"$TEST_TMP/data-en"
grep -o ' data-[a-z]*="[^"]*"' "$TEST_TMP/report-zh.html" >"$TEST_TMP/data-zh"
check "the report's data attributes: the same in both" same "$TEST_TMP/data-zh" "$TEST_TMP/data-en"
check "the report has data attributes" test -s "$TEST_TMP/data-en"

printf '编号,成果名称,摘要,成熟度,未知列\nA1,锂电池,一种锂电池,5,x\n' >"$TEST_TMP/good.csv"
en run "$TECHMATCH" import --library achievement "$TEST_TMP/good.csv"
cp "$TEST_TMP/out" "$TEST_TMP/import-en.xml"
zh run "$TECHMATCH" import --library achievement "$TEST_TMP/good.csv"
check "import: the same corpus XML in both" same "$TEST_TMP/out" "$TEST_TMP/import-en.xml"
check "zh: import's note about an unknown column, in Chinese" grep -q '列“未知列”不是 techmatch 认识的字段：已忽略' "$TEST_TMP/err"

finish

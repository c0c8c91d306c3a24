#!/bin/sh
# The technology manager's loop: batch and match with decisions (rejected
# pairs left out, the others marked, --show-rejected, --since), batch
# --summary, match --by institution, and the HTML report (self-contained,
# every link resolving, a decide command per pair; Chinese rendered by a
# headless Chromium where one is installed).
. "${top_srcdir:-.}/tests/cli/test-lib.sh"

idx="$TEST_TMP/corpus.idx"
"$TECHMATCH" index -q -i "$idx" corpus || exit 99

# Before any decision: the previous run, for --since.
"$TECHMATCH" batch -i "$idx" --direction d2a --top 3 >"$TEST_TMP/before.tsv"
check "without decisions every row ends with none" sh -c "! cut -f 6 '$TEST_TMP/before.tsv' | grep -v '^none\$'"
check "D-2025-2001's best match is A-020001" grep -q '^d2a	D-2025-2001	1	A-020001	' "$TEST_TMP/before.tsv"

"$TECHMATCH" decide -i "$idx" -d D-2025-2001 -a A-020001 --reject --by li || exit 99
"$TECHMATCH" decide -i "$idx" -d D-2025-2001 -a A-020002 --accept --by li || exit 99
"$TECHMATCH" decide -i "$idx" -d D-2025-2002 -a A-020005 --contacted --by li || exit 99

# ---- batch ----
run "$TECHMATCH" batch -i "$idx" --direction d2a --top 3
check "batch exits 0" expect_status 0
grep '^d2a	D-2025-2001	' "$TEST_TMP/out" >"$TEST_TMP/rows"
check "the rejected pair is left out and the next one fills its place" same_text "$TEST_TMP/rows" "d2a	D-2025-2001	1	A-020002	0.2825	accepted
d2a	D-2025-2001	2	A-020004	0.1256	none
d2a	D-2025-2001	3	A-020006	0.1062	none"
check "the contacted pair is marked" grep -q '^d2a	D-2025-2002	1	A-020005	0.4037	contacted$' "$TEST_TMP/out"
run "$TECHMATCH" batch -i "$idx" --direction a2d --top 3
check "a2d leaves the rejected pair out too" sh -c "! grep -q '^a2d	A-020001	.*	D-2025-2001	' '$TEST_TMP/out'"
check "a2d marks the accepted pair" grep -q '^a2d	A-020002	[0-9]*	D-2025-2001	[0-9.]*	accepted$' "$TEST_TMP/out"
run "$TECHMATCH" batch -i "$idx" --direction d2a --top 3 --show-rejected
check "--show-rejected brings it back, marked" grep -q '^d2a	D-2025-2001	1	A-020001	0.4092	rejected$' "$TEST_TMP/out"
run "$TECHMATCH" batch -i "$idx" --direction d2a --top 3 --since "$TEST_TMP/before.tsv"
check "--since reads a previous run with the decision column" expect_status 0
check "--since: status, then the decision" grep -q '^d2a	D-2025-2001	1	A-020002	0.2825	up	accepted$' "$TEST_TMP/out"
run "$TECHMATCH" batch -i "$idx" --direction d2a --top 3 --header
check "the header names the decision column" sh -c "head -1 '$TEST_TMP/out' | grep -q '^direction	source_id	rank	target_id	score	decision\$'"
for f in csv json xml; do
	run "$TECHMATCH" batch -i "$idx" --direction d2a --top 3 --format $f
	check "batch --format $f exits 0" expect_status 0
	check "batch --format $f marks decisions" grep -q accepted "$TEST_TMP/out"
done
if command -v xmllint >/dev/null 2>&1; then
	check "the XML with decisions follows its schema" xmllint --noout --relaxng corpus/techmatch-batch.rng "$TEST_TMP/out"
fi
run "$TECHMATCH" batch -i "$idx" --direction d2a --top 3 -D "$TEST_TMP/empty.db"
check "another database: no decision" sh -c "grep -q '^d2a	D-2025-2001	1	A-020001	0.4092	none\$' '$TEST_TMP/out' && [ ! -e '$TEST_TMP/empty.db' ]"
printf 'this is no database\n' >"$TEST_TMP/junk.db"
run "$TECHMATCH" batch -i "$idx" --direction d2a --top 3 -D "$TEST_TMP/junk.db"
check "a damaged database: batch exits 4" expect_status 4
check "a damaged database: no partial output" same_text "$TEST_TMP/out" ""

# A batch while decisions are being taken: it sees each decision whole,
# and no writer fails.
make_corpus "$TEST_TMP/big" 3000 300
"$TECHMATCH" index -q -i "$TEST_TMP/big.idx" "$TEST_TMP/big" || exit 99
( i=0; while [ $i -lt 100 ]; do
	"$TECHMATCH" decide -i "$TEST_TMP/big.idx" -d X$(printf %06d $((i % 300))) -a X$(printf %06d $i) --reject --by w || echo "decide $i failed"
	i=$((i + 1))
  done ) >"$TEST_TMP/writer.log" 2>&1 &
writer=$!
bad=0
for k in 1 2 3; do
	"$TECHMATCH" batch -q -i "$TEST_TMP/big.idx" --direction d2a --top 2 -o "$TEST_TMP/b$k.tsv" || bad=$((bad + 1))
done
wait $writer
check "batches while deciding: all succeed" test $bad -eq 0
check "batches while deciding: every decide succeeds" sh -c "! grep . '$TEST_TMP/writer.log'"
check "100 decisions recorded" test "$("$TECHMATCH" decisions -i "$TEST_TMP/big.idx" | wc -l)" -eq 100

# ---- batch --summary ----
run "$TECHMATCH" batch -i "$idx" --summary
check "--summary exits 0" expect_status 0
check "--summary: a total row" grep -q '^total	-	84	322	' "$TEST_TMP/out"
check "--summary: a row per domain" test "$(grep -c '^domain	' "$TEST_TMP/out")" -ge 10
check "--summary: totals add up" sh -c "awk -F'\t' '\$1==\"domain\"{d+=\$3;a+=\$4;s+=\$5;u+=\$6;w+=\$7} \$1==\"total\"{t=\$3\" \"\$4\" \"\$5\" \"\$6\" \"\$7} END{exit !(t==d\" \"a\" \"s\" \"u\" \"w)}' '$TEST_TMP/out'"
run "$TECHMATCH" batch -i "$idx" --summary --strong 0.45
check "--strong 0.45: unmatched demands listed" test "$(grep -c '^unmatched	D-' "$TEST_TMP/out")" -gt 10
check "--strong 0.45: as many as the total says" sh -c "[ \$(grep -c '^unmatched	' '$TEST_TMP/out') -eq \$(awk -F'\t' '\$1==\"total\"{print \$6}' '$TEST_TMP/out') ]"
check "--strong 0.45: unwanted achievements listed" grep -q '^unwanted	A-' "$TEST_TMP/out"
run "$TECHMATCH" batch -i "$idx" --summary --format json --strong 0.45
check "--summary --format json exits 0" expect_status 0
check "--summary json parses, with its members" python3 -c "
import json, sys
d = json.load(open(sys.argv[1]))
assert d['version'] == 1 and d['threshold'] == 0.45
assert d['total']['demands'] == 84 and d['total']['achievements'] == 322
assert len(d['unmatched']) == d['total']['unmatched'] > 0
assert all('id' in u and 'title' in u and 'best' in u for u in d['unmatched'])
assert sum(x['demands'] for x in d['domains']) == 84
" "$TEST_TMP/out"
run "$TECHMATCH" batch -i "$idx" --summary --strong x
check "--strong x: exit 2" expect_status 2

# ---- match ----
run "$TECHMATCH" match -i "$idx" --demand D-2025-2001 --top 2
check "match leaves the rejected pair out" sh -c "head -1 '$TEST_TMP/out' | grep -q '^1	A-020002	0.2825	.*	accepted\$'"
run "$TECHMATCH" match -i "$idx" --demand D-2025-2001 --top 2 --show-rejected
check "match --show-rejected marks it" sh -c "head -1 '$TEST_TMP/out' | grep -q '^1	A-020001	0.4092	.*	rejected\$'"
run "$TECHMATCH" match -i "$idx" --demand D-2025-2001 --top 2 --format json
check "match json marks the decision" grep -q '"decision" : "accepted"' "$TEST_TMP/out"
run "$TECHMATCH" match -i "$idx" --text "质子交换膜电解槽" --top 3
check "a text query has no decision" sh -c "! cut -f 5 '$TEST_TMP/out' | grep -v '^none\$'"

# --by institution: the institutions ranked by their records' scores.
run "$TECHMATCH" match -i "$idx" --demand D-2025-2001 --by institution --top 3
check "--by institution exits 0" expect_status 0
check "--by institution: three institutions" test "$(wc -l <"$TEST_TMP/out")" -eq 3
check "--by institution: rank, name, score, records, best" sh -c "awk -F'\t' 'NF!=5 || \$1!=NR {exit 1}' '$TEST_TMP/out'"
check "--by institution: sums sorted" sh -c "cut -f 3 '$TEST_TMP/out' | sort -rn -c"
run "$TECHMATCH" match -i "$idx" --demand D-2025-2001 --by institution --group max --top 1
check "--group max: the best single record first (A-020001 is rejected)" sh -c "cut -f 5 '$TEST_TMP/out' | grep -q A-020002"
run "$TECHMATCH" match -i "$idx" --achievement A-020002 --by institution --format json
check "--by institution the other way: enterprises, json" grep -q '"institution"' "$TEST_TMP/out"
run "$TECHMATCH" match -i "$idx" --demand D-2025-2001 --by region
check "--by region: exit 2" expect_status 2

# ---- stats counts the decisions, and those whose records vanished ----
run "$TECHMATCH" stats -i "$idx"
check "stats counts the decisions" sh -c "grep -q '^decisions	3\$' '$TEST_TMP/out' && grep -q '^decisions_vanished	0\$' '$TEST_TMP/out'"
run "$TECHMATCH" stats -i "$TEST_TMP/big.idx" --format json
check "stats json counts vanished records" sh -c "grep -q '\"decisions\" : 100' '$TEST_TMP/out' && grep -q '\"decisions_vanished\" : 0' '$TEST_TMP/out'"
run "$TECHMATCH" stats -i "$idx" -D "$TEST_TMP/big.idx.decisions"
check "stats: decisions of another library all vanished" grep -q '^decisions_vanished	100$' "$TEST_TMP/out"
run "$TECHMATCH" stats -i "$TEST_TMP/big.idx" -D "$TEST_TMP/none.db"
check "stats without a database prints no decision line" sh -c "[ $status -eq 0 ] && ! grep -q '^decisions' '$TEST_TMP/out'"

# ---- the HTML report ----
run "$TECHMATCH" batch -i "$idx" --top 3 --html "$TEST_TMP/report.html" -o /dev/null --show-rejected
check "batch --html exits 0" expect_status 0
check "the report is well-formed HTML with every link resolving" python3 - "$TEST_TMP/report.html" <<'PY'
import sys
from html.parser import HTMLParser
class P(HTMLParser):
    def __init__(self):
        super().__init__(); self.ids = set(); self.hrefs = []; self.srcs = []; self.links = 0
        self.pairs = 0; self.cmds = 0; self.cards = 0; self.controls = set()
    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if 'id' in a: self.ids.add(a['id'])
        if 'href' in a: self.hrefs.append(a['href'])
        if 'src' in a: self.srcs.append(a['src'])
        if tag == 'link': self.links += 1
        if tag == 'li' and 'pair' in a.get('class', ''): self.pairs += 1
        if tag == 'code' and a.get('data-cmd', '').startswith('techmatch decide '): self.cmds += 1
        if tag == 'div' and a.get('class') == 'card': self.cards += 1
        if tag in ('input', 'select') and 'id' in a: self.controls.add(a['id'])
p = P()
text = open(sys.argv[1], encoding='utf-8').read()
p.feed(text)
assert not p.srcs and not p.links, 'external resources'
assert 'http://' not in text and 'https://' not in text, 'a URL'
for h in p.hrefs:
    assert h.startswith('#'), h
    import urllib.parse
    assert urllib.parse.unquote(h[1:]) in p.ids, 'dangling link ' + h
assert p.cards == 84 + 322, p.cards
assert p.pairs == p.cmds > 0, (p.pairs, p.cmds)
assert {'q', 'fdomain', 'fregion', 'ftrl', 'fstate', 'sort'} <= p.controls, p.controls
PY
check "the report shows the summary and the unmatched list" sh -c "grep -q '<h2>Summary <small>' '$TEST_TMP/report.html' && grep -q 'unmatched demands' '$TEST_TMP/report.html'"
check "the report shows each decision" sh -c "grep -q 'class=\"state accepted\"' '$TEST_TMP/report.html' && grep -q 'class=\"state contacted\"' '$TEST_TMP/report.html' && grep -q 'class=\"state rejected\"' '$TEST_TMP/report.html'"
check "the report has a decide command for a pair" grep -q "data-cmd=\"techmatch decide -i [^\"]*corpus.idx -d D-2025-2001 -a A-020001\"" "$TEST_TMP/report.html"
check "the report lists the institutions" grep -q '<b>institutions</b>' "$TEST_TMP/report.html"
check "the report highlights matched terms" grep -q '<mark>' "$TEST_TMP/report.html"

# Chromium, where installed: the page renders, and Chinese is drawn with
# real glyphs (two different Chinese lines of the same length do not give
# the same picture, as they do when every glyph is the same empty box).
chromium=/usr/bin/chromium
if [ -x "$chromium" ]; then
	shot () {
		rm -rf "$TEST_TMP/profile"; mkdir "$TEST_TMP/profile"
		timeout 120 "$chromium" --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
			--disable-background-networking --disable-component-update --disable-sync \
			--user-data-dir="$TEST_TMP/profile" --window-size="$3" --screenshot="$2" "file://$1" >/dev/null 2>&1
	}
	shot "$TEST_TMP/report.html" "$TEST_TMP/report.png" 1280,1800
	check "chromium renders the report" sh -c "[ -s '$TEST_TMP/report.png' ] && head -c 8 '$TEST_TMP/report.png' | od -An -tx1 | grep -q '89 50 4e 47'"
	font="font:40px 'Noto Sans CJK SC','Source Han Sans SC','WenQuanYi Micro Hei',sans-serif"
	printf '<!DOCTYPE html><meta charset=utf-8><body style="%s">技术需求对接</body>' "$font" >"$TEST_TMP/zh.html"
	printf '<!DOCTYPE html><meta charset=utf-8><body style="%s">科技成果转化</body>' "$font" >"$TEST_TMP/zh2.html"
	shot "$TEST_TMP/zh.html" "$TEST_TMP/zh.png" 800,300
	shot "$TEST_TMP/zh2.html" "$TEST_TMP/zh2.png" 800,300
	check "chromium draws Chinese glyphs (a CJK font is installed: fonts-noto-cjk or fonts-wqy-microhei)" \
		sh -c "[ -s '$TEST_TMP/zh.png' ] && [ -s '$TEST_TMP/zh2.png' ] && ! cmp -s '$TEST_TMP/zh.png' '$TEST_TMP/zh2.png'"
	if [ -n "${TM_KEEP_SCREENSHOT:-}" ]; then cp "$TEST_TMP/report.png" "$TM_KEEP_SCREENSHOT"; fi
else
	echo "# $chromium is not installed (Debian: chromium): no screenshot"
fi

finish

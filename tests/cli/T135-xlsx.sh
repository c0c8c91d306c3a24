#!/bin/sh
# match and batch --format xlsx: a workbook with a header row, frozen
# panes, column widths, scores as numbers and titles as text cells (a
# title that looks like a formula stays text), written whole or not at all.
. "${top_srcdir:-.}/tests/cli/test-lib.sh"
command -v python3 >/dev/null || skip_all "python3 reads the workbooks"

T=$TEST_TMP
mkdir "$T/c"
cat >"$T/c/a.xml" <<'EOT'
<corpus xmlns="urn:techmatch:corpus:1" library="achievement">
  <achievement id="A-1"><title>=HYPERLINK("http://x","钛纤维多孔传输层")</title><abstract>PEM电解 钛纤维 多孔传输层 烧结</abstract></achievement>
  <achievement id="A-2"><title>阳极涂层钛网</title><abstract>氯碱 钛网 阳极涂层 槽电压</abstract></achievement>
</corpus>
EOT
cat >"$T/c/d.xml" <<'EOT'
<corpus xmlns="urn:techmatch:corpus:1" library="demand">
  <demand id="D-1"><title>求PEM电解多孔传输层</title><description>PEM电解 钛纤维 多孔传输层</description></demand>
</corpus>
EOT
run "$TECHMATCH" index -q -i "$T/x.idx" "$T/c"
check "index" expect_status 0

# sheet FILE: the first sheet's cells as "REF TYPE VALUE" lines, then the
# pane and the column widths.
sheet () {
	python3 - "$1" <<'PY'
import re, sys, zipfile
z = zipfile.ZipFile(sys.argv[1])
strings = re.findall(r'<si><t[^>]*>(.*?)</t></si>', z.read('xl/sharedStrings.xml').decode())
s = z.read('xl/worksheets/sheet1.xml').decode()
for ref, attrs, v in re.findall(r'<c r="([A-Z]+[0-9]+)"([^>]*)><v>(.*?)</v></c>', s):
    if 't="s"' in attrs:
        print(ref, 'text', strings[int(v)])
    elif 't=' in attrs:
        print(ref, re.search(r't="(\w+)"', attrs).group(1), v)
    else:
        print(ref, 'number', v)
print('pane', ' '.join(re.findall(r'<pane [^>]*/>', s)))
print('cols', ' '.join(re.findall(r'<col [^>]*/>', s)))
print('filter', ' '.join(re.findall(r'<autoFilter [^>]*/>', s)))
print('formula', len(re.findall(r'<f>', s)))
PY
}

run "$TECHMATCH" match -i "$T/x.idx" --demand D-1 --format xlsx -o "$T/m.xlsx"
check "match --format xlsx exits 0" expect_status 0
check "match: nothing on stdout" same_text "$T/out" ""
sheet "$T/m.xlsx" >"$T/cells" 2>&1
check "match: header row" grep -q '^A1 text rank$' "$T/cells"
check "match: header row (title)" grep -q '^D1 text title$' "$T/cells"
check "match: the rank is a number" grep -q '^A2 number 1$' "$T/cells"
check "match: the id is text" grep -q '^B2 text A-1$' "$T/cells"
check "match: the score is a number" grep -Eq '^C2 number 0\.[0-9]+$' "$T/cells"
check "match: a formula-like title is text" grep -q '^D2 text '"'"'=HYPERLINK("http://x","钛纤维多孔传输层")$' "$T/cells"
check "match: no formula in the sheet" grep -q '^formula 0$' "$T/cells"
check "match: the header row is frozen" grep -q 'ySplit="1".*state="frozen"' "$T/cells"
check "match: column widths" grep -q 'width=' "$T/cells"
check "match: an autofilter on the header" grep -q 'autoFilter ref="A1:E' "$T/cells"

run "$TECHMATCH" batch -i "$T/x.idx" --format xlsx -o "$T/b.xlsx"
check "batch --format xlsx exits 0" expect_status 0
sheet "$T/b.xlsx" >"$T/cells" 2>&1
check "batch: header row" grep -q '^A1 text direction$' "$T/cells"
check "batch: the score is a number" grep -Eq '^E2 number 0\.[0-9]+$' "$T/cells"
check "batch: the header row is frozen" grep -q 'state="frozen"' "$T/cells"

# To a pipe or a file without -o, the workbook goes to stdout.
"$TECHMATCH" batch -i "$T/x.idx" --format xlsx >"$T/b2.xlsx"
check "batch xlsx on stdout is a workbook" sh -c "head -c 2 '$T/b2.xlsx' | grep -q PK"

# A failed run leaves the old file.
echo old >"$T/keep.xlsx"
run "$TECHMATCH" match -i "$T/nosuch.idx" --demand D-1 --format xlsx -o "$T/keep.xlsx"
check "a failed match leaves -o alone" same_text "$T/keep.xlsx" "old"
run "$TECHMATCH" match -i "$T/x.idx" --demand D-1 --format xlsx --header -o "$T/h.xlsx"
check "match --header with xlsx" expect_status 0

finish

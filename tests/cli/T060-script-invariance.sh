#!/bin/sh
# A traditional-script record and its simplified twin (made by OpenCC's
# own command-line tool) give identical terms, in every mode.
. "${top_srcdir:-.}/tests/cli/test-lib.sh"

command -v opencc >/dev/null 2>&1 || skip_all "OpenCC's command-line tool (Debian: opencc) is not installed"
command -v python3 >/dev/null 2>&1 || skip_all "python3 is not installed"

# One record per line: title, keywords and body of every record in the
# bundled corpus.
python3 - corpus/achievements/*.xml corpus/demands/*.xml >"$TEST_TMP/records" <<'PY'
import sys, xml.etree.ElementTree as ET
ns = '{urn:techmatch:corpus:1}'
for path in sys.argv[1:]:
    for rec in ET.parse(path).getroot():
        parts = [rec.findtext(ns + 'title') or '']
        parts += [k.text or '' for k in rec.iter(ns + 'keyword')]
        parts.append(rec.findtext(ns + 'abstract') or rec.findtext(ns + 'description') or '')
        print(rec.get('id') + '\t' + ' '.join(' '.join(parts).split()))
PY
cut -f2 "$TEST_TMP/records" >"$TEST_TMP/texts"
opencc -c t2s -i "$TEST_TMP/texts" -o "$TEST_TMP/simplified"
# A record is in traditional script when t2s changes at least five of its
# characters: t2s also alters the odd character of simplified text (it is
# not the identity there: 包覆成型 becomes 包复成型), and such records are
# not twins of anything.
paste "$TEST_TMP/records" "$TEST_TMP/simplified" | python3 -c '
import sys
for line in sys.stdin:
    id, trad, simp = line.rstrip("\n").split("\t")
    if len(trad) == len(simp) and sum(a != b for a, b in zip(trad, simp)) >= 5:
        print(line, end="")
' >"$TEST_TMP/traditional"
n=$(wc -l <"$TEST_TMP/traditional")
check "the corpus has traditional records ($n)" test "$n" -ge 30

for mode in words mixed bigrams; do
	differ=0
	while IFS='	' read -r id trad simp; do
		printf '%s' "$trad" | "$TECHMATCH" tokenize --mode "$mode" - | cut -f1,2 >"$TEST_TMP/t"
		printf '%s' "$simp" | "$TECHMATCH" tokenize --mode "$mode" - | cut -f1,2 >"$TEST_TMP/s"
		if ! cmp -s "$TEST_TMP/t" "$TEST_TMP/s"; then
			differ=$((differ + 1))
			echo "# $mode: $id differs:"; diff "$TEST_TMP/t" "$TEST_TMP/s" | head -5 | sed 's/^/#   /'
		fi
	done <"$TEST_TMP/traditional"
	check "$mode: every traditional record gives its twin's terms" test "$differ" -eq 0
done

finish

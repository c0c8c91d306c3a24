#!/bin/sh
# techmatch import, and check and index reading spreadsheets directly:
# the bundled corpus exported as a platform would (tm-export: CSV in three
# flavours, TSV, XLSX two ways, JSON Lines) imports back to the same
# records; bad rows are reported as FILE:ROW:COLUMN: ID: what is wrong,
# and nothing half-written is left.
. "${top_srcdir:-.}/tests/cli/test-lib.sh"
: "${TM_EXPORT:?run through make check}"

T=$TEST_TMP

# The canonical corpus: the bundled XML through the same writer.
for lib in achievement demand; do
	run "$TECHMATCH" import --library $lib -o "$T/canon-$lib.xml" corpus/${lib}s
	check "import of the bundled $lib XML exits 0" expect_status 0
done
check "the canonical corpus is a valid corpus" "$TECHMATCH" check -q "$T/canon-achievement.xml" "$T/canon-demand.xml"
n=$(grep -c '<achievement ' "$T/canon-achievement.xml")
check "every achievement written ($n)" test "$n" -eq "$(cat corpus/achievements/*.xml | grep -c '<achievement ')"

# Round trips.
for lib in achievement demand; do
	for fmt in csv csv-semicolon csv-gb18030 tsv xlsx xlsx-inline jsonl; do
		case $fmt in
		csv*) ext=csv ;; xlsx*) ext=xlsx ;; *) ext=$fmt ;;
		esac
		f="$T/$lib-$fmt.$ext"
		"$TM_EXPORT" $fmt "$f" corpus/${lib}s || { fail "tm-export $fmt $lib"; continue; }
		# xlsx-inline puts a sheet of notes first.
		sheet=
		[ $fmt = xlsx-inline ] && [ $lib = achievement ] && sheet="--sheet 成果库"
		[ $fmt = xlsx-inline ] && [ $lib = demand ] && sheet="--sheet 需求库"
		run "$TECHMATCH" import --library $lib $sheet -o "$T/back.xml" "$f"
		check "$lib $fmt: import exits 0" expect_status 0
		check "$lib $fmt: the same records come back" same "$T/back.xml" "$T/canon-$lib.xml"
	done
done
run "$TECHMATCH" import --library achievement -q -o "$T/back.xml" "$T/achievement-csv-gb18030.csv"
check "GB18030: the note says so" grep -q 'note: not UTF-8: read as GB18030 (GBK)' "$T/err"

# -o a device is written in place, never replaced by a file.
run "$TECHMATCH" import --library demand -q -o /dev/null "$T/demand-jsonl.jsonl"
check "-o /dev/null exits 0" expect_status 0
check "-o /dev/null is still a device" test -c /dev/null

# stdout without -o.
run "$TECHMATCH" import --library demand -q "$T/demand-jsonl.jsonl"
check "stdout without -o" same "$T/out" "$T/canon-demand.xml"

# check and index take the files directly, told by content and name.
cp "$T/achievement-xlsx.xlsx" "$T/成果库.xlsx"
cp "$T/demand-csv.csv" "$T/需求库.csv"
run "$TECHMATCH" check -q "$T/成果库.xlsx" "$T/需求库.csv"
check "check reads XLSX and CSV" expect_status 0
check "check: nothing on stderr" same_text "$T/err" ""
run "$TECHMATCH" index -q -i "$T/sheets.idx" "$T/成果库.xlsx" "$T/需求库.csv"
check "index reads XLSX and CSV" expect_status 0
run "$TECHMATCH" index -q -i "$T/xml.idx" corpus
"$TECHMATCH" batch -i "$T/xml.idx" >"$T/batch-xml.tsv"
"$TECHMATCH" batch -i "$T/sheets.idx" >"$T/batch-sheets.tsv"
check "the index of the sheets matches as the XML's does" same "$T/batch-sheets.tsv" "$T/batch-xml.tsv"
cp "$T/demand-jsonl.jsonl" "$T/d.jsonl"
run "$TECHMATCH" check -q "$T/d.jsonl"
check "JSON Lines: the library from the keys" expect_status 0
# A folder still means its *.xml files only: corpus/ holds judgments.tsv.
run "$TECHMATCH" check -q corpus
check "folders: XML only" expect_status 0

# Bad rows: every one with its place, its id and what is wrong.
printf '\357\273\277编号,成果名称,成果简介,成熟度,更新日期,备注\n' >"$T/bad.csv"
printf 'A-1,好的,简介,6,2025-01-02,x\n' >>"$T/bad.csv"
printf 'A-2,,简介,十,,\n' >>"$T/bad.csv"
printf 'A-3,"带\n换行",\xff\xfe,,下周一,\n' >>"$T/bad.csv"
printf 'A-1,重复,简介,,,\n' >>"$T/bad.csv"
echo '<old/>' >"$T/out.xml"
run "$TECHMATCH" import --library achievement -o "$T/out.xml" "$T/bad.csv"
check "bad rows: exit status 3" expect_status 3
cat >"$T/expected" <<EOT
$T/bad.csv:1:6: note: column "备注" is not a field techmatch knows: ignored (techmatch-corpus(5) lists the names; --map FIELD = HEADER names it)
$T/bad.csv:3:2: A-2: "成果名称": no title: every record needs one
$T/bad.csv:3:4: A-2: "成熟度": TRL "十" is not a number from 1 to 9
$T/bad.csv:4:3: A-3: "成果简介": invalid UTF-8 (byte 0xFF at byte 1 of the cell); export the file as UTF-8
$T/bad.csv:4:3: A-3: "成果简介": no abstract: every record needs one
$T/bad.csv:4:5: A-3: "更新日期": "下周一" is not a date (write YYYY-MM-DD)
$T/bad.csv:5:0: A-1: duplicate achievement id "A-1": first defined at $T/bad.csv:2:0
techmatch: error: 6 problems; nothing was written (--skip-bad writes the good records)
EOT
check "bad rows: FILE:ROW:COLUMN: ID: message" same "$T/err" "$T/expected"
check "bad rows: -o left as it was" same_text "$T/out.xml" "<old/>"
check "bad rows: no temporary file left" test -z "$(ls "$T" | grep 'out.xml.tmp')"
run "$TECHMATCH" import --library achievement --skip-bad -q -o "$T/out.xml" "$T/bad.csv"
check "--skip-bad writes the good rows" expect_status 0
check "--skip-bad: one record" test "$(grep -c '<achievement ' "$T/out.xml")" -eq 1
run "$TECHMATCH" check "$T/bad.csv"
check "check reports the bad rows too" expect_status 3
check "check: the same messages" grep -q 'bad.csv:3:4: A-2: "成熟度": TRL "十" is not a number from 1 to 9' "$T/err"

# Neither UTF-8 nor GB18030: refused, with how to export it.
printf 'title,abstract\n\377\377\377,\200\200\377\n' >"$T/junk-成果.csv"
run "$TECHMATCH" import --library achievement "$T/junk-成果.csv"
check "junk encoding: exit status 3" expect_status 3
check "junk encoding: how to re-export" grep -q 'neither UTF-8 nor GB18030 (GBK) text; export the file again as UTF-8' "$T/err"
check "junk encoding: nothing on stdout" same_text "$T/out" ""

# A map names columns no alias knows; an unknown field in it is an error.
printf '项目,说明文字\n甲,乙\n' >"$T/odd.csv"
printf '# the platform names them so\ntitle = 项目\nabstract = 说明文字\n' >"$T/map.ini"
run "$TECHMATCH" import --library demand --map "$T/map.ini" -q "$T/odd.csv"
check "--map: exit 0" expect_status 0
check "--map: the title from its column" grep -q '<title>甲</title>' "$T/out"
check "--map: ids from the content, noted" grep -q 'note: no id column' "$T/err"
printf 'colour = 项目\n' >"$T/badmap.ini"
run "$TECHMATCH" import --library demand --map "$T/badmap.ini" "$T/odd.csv"
check "--map with an unknown field: exit 3" expect_status 3
check "--map with an unknown field: named" grep -q 'the map names "colour"' "$T/err"
run "$TECHMATCH" check "$T/odd.csv"
check "library unknown: exit 3" expect_status 3
check "library unknown: says how to tell it" grep -q 'techmatch import --library' "$T/err"

# The command line.
run "$TECHMATCH" import "$T/odd.csv"
check "no --library: usage error" expect_status 2
run "$TECHMATCH" import --library both "$T/odd.csv"
check "bad --library: usage error" expect_status 2
run "$TECHMATCH" import --library demand --delimiter ab "$T/odd.csv"
check "bad --delimiter: usage error" expect_status 2
run "$TECHMATCH" import --library demand --from pdf "$T/odd.csv"
check "bad --from: usage error" expect_status 2
run "$TECHMATCH" import --library achievement --sheet 没有 "$T/成果库.xlsx"
check "a missing sheet: exit 3" expect_status 3
check "a missing sheet: the sheets listed" grep -q 'no sheet named "没有" (the sheets: "成果库")' "$T/err"

finish

#!/bin/sh
# techmatch decide, decisions, check-decisions: every decision path, the
# import of an edited table, decisions surviving a rebuild, vanished
# records, concurrent writers, a damaged, a foreign and a locked database.
. "${top_srcdir:-.}/tests/cli/test-lib.sh"

idx="$TEST_TMP/corpus.idx"
db="$idx.decisions"
"$TECHMATCH" index -q -i "$idx" corpus || exit 99

# fields FILE: the rows without their time column (it is the clock's).
fields () {
	cut -f 1-3,5- "$1"
}

# ---- decide ----
run "$TECHMATCH" decide -i "$idx" -d D-2025-2001 -a A-020001 --accept --by li --note "电话已联系"
check "accept exits 0" expect_status 0
check "accept prints nothing" same_text "$TEST_TMP/out" ""
check "the database is beside the index" test -f "$db"
run "$TECHMATCH" decide -i "$idx" -d D-2025-2001 -a A-020002 --reject --by wang
check "reject exits 0" expect_status 0
run "$TECHMATCH" decide -i "$idx" -d D-2025-2002 -a A-020005 --contacted --by li --note "samples	in March
second line"
check "contacted exits 0" expect_status 0
run "$TECHMATCH" decide -i "$idx" -d D-2025-2001 -a A-020001 --contacted --by li
check "a second decision about a pair exits 0" expect_status 0
run "$TECHMATCH" decisions -i "$idx" --header
check "decisions exits 0" expect_status 0
fields "$TEST_TMP/out" >"$TEST_TMP/rows"
check "decisions lists the current state, by pair" same_text "$TEST_TMP/rows" "demand	achievement	state	by	note
D-2025-2001	A-020001	contacted	li	
D-2025-2001	A-020002	rejected	wang	
D-2025-2002	A-020005	contacted	li	samples\\tin March\\nsecond line"
check "times are ISO 8601 UTC" sh -c "sed 1d '$TEST_TMP/out' | cut -f 4 | grep -vqE '^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z\$' && exit 1 || exit 0"

run "$TECHMATCH" decide -i "$idx" -d D-2025-2001 -a A-020002 --clear --by li
check "clear exits 0" expect_status 0
run "$TECHMATCH" decide -i "$idx" -d D-2025-2001 -a A-999999 --clear --by li
check "clearing a pair with no decision (and no record) exits 0" expect_status 0
run "$TECHMATCH" decisions -i "$idx" --state rejected
check "the cleared pair is gone" same_text "$TEST_TMP/out" ""
run "$TECHMATCH" decisions -i "$idx" --history
fields "$TEST_TMP/out" >"$TEST_TMP/rows"
check "the history keeps every change, in order" same_text "$TEST_TMP/rows" "D-2025-2001	A-020001	accepted	li	电话已联系
D-2025-2001	A-020002	rejected	wang	
D-2025-2002	A-020005	contacted	li	samples\\tin March\\nsecond line
D-2025-2001	A-020001	contacted	li	
D-2025-2001	A-020002	cleared	li	
D-2025-2001	A-999999	cleared	li	"
check "the history has six changes, two cleared" sh -c "[ \$(wc -l <'$TEST_TMP/out') -eq 6 ] && [ \$(cut -f 3 '$TEST_TMP/out' | grep -c cleared) -eq 2 ]"
run "$TECHMATCH" decisions -i "$idx" -d D-2025-2002 --format json
check "json of one demand" sh -c "grep -q '\"achievement\" : \"A-020005\"' '$TEST_TMP/out' && grep -q '\"note\" : \"samples\\\\tin March\\\\nsecond line\"' '$TEST_TMP/out' && ! grep -q D-2025-2001 '$TEST_TMP/out'"
if command -v python3 >/dev/null 2>&1; then
	check "the json parses" python3 -c "import json,sys; d=json.load(open(sys.argv[1])); assert d['version']==1 and len(d['decisions'])==1" "$TEST_TMP/out"
fi

# ---- usage and bad ids ----
run "$TECHMATCH" decide -i "$idx" -d D-2025-2001 -a A-020001
check "no state: exit 2" expect_status 2
check "no state: says which options" grep -q -- '--accept, --contacted, --reject or --clear' "$TEST_TMP/err"
run "$TECHMATCH" decide -i "$idx" -d D-2025-2001 -a A-020001 --accept --reject
check "two states: exit 2" expect_status 2
run "$TECHMATCH" decide -i "$idx" -a A-020001 --accept
check "no demand: exit 2" expect_status 2
run "$TECHMATCH" decide -i "$idx" -d D-NOPE -a A-020001 --accept
check "an unknown demand: exit 5" expect_status 5
check "an unknown demand: named" grep -q 'no demand with id D-NOPE' "$TEST_TMP/err"
run "$TECHMATCH" decide -i "$idx" -d D-2025-2001 -a A-020001 --accept --note "$(python3 -c 'print("x" * 17000)')"
check "a note beyond TM_MAX_NOTE_BYTES: exit 3" expect_status 3
check "... naming the limit" grep -q TM_MAX_NOTE_BYTES "$TEST_TMP/err"
run "$TECHMATCH" decide -i "$TEST_TMP/none.idx" -d D-2025-2001 -a A-020001 --accept
check "no index: exit 4" expect_status 4
run "$TECHMATCH" decisions -i "$idx" --format xml
check "decisions --format xml: exit 2" expect_status 2
run "$TECHMATCH" decisions -i "$idx" --state maybe
check "decisions --state maybe: exit 2" expect_status 2
run "$TECHMATCH" decisions -i "$TEST_TMP/none.idx"
check "no database yet: an empty list" sh -c "[ $status -eq 0 ] && [ ! -s '$TEST_TMP/out' ] && [ ! -e '$TEST_TMP/none.idx.decisions' ]"

# -D, $TECHMATCH_DECISIONS and [decisions] path choose the file.
"$TECHMATCH" decide -i "$idx" -D "$TEST_TMP/other.db" -d D-2025-2001 -a A-020001 --accept --by x
check "-D names the database" sh -c "'$TECHMATCH' decisions -i '$idx' -D '$TEST_TMP/other.db' | grep -q accepted"
check "... and only that one" sh -c "! '$TECHMATCH' decisions -i '$idx' | grep -q accepted"
check "TECHMATCH_DECISIONS names it" sh -c "TECHMATCH_DECISIONS='$TEST_TMP/other.db' '$TECHMATCH' decisions -i '$idx' | grep -q accepted"
printf '[decisions]\npath=%s\n' "$TEST_TMP/other.db" >"$TEST_TMP/d.conf"
check "[decisions] path names it" sh -c "TECHMATCH_CONFIG='$TEST_TMP/d.conf' '$TECHMATCH' decisions -i '$idx' | grep -q accepted"

# ---- import ----
"$TECHMATCH" decisions -i "$idx" --format csv --bom >"$TEST_TMP/export.csv"
check "the CSV export starts with the BOM and the header" sh -c "head -1 '$TEST_TMP/export.csv' | grep -q \"\$(printf '\\357\\273\\277')demand,achievement,state,time,by,note\""
check "a note with a line break is quoted" grep -q '^D-2025-2002,A-020005,contacted,.*,li,"samples' "$TEST_TMP/export.csv"
# An edited sheet: columns moved, a quoted note with a comma and a quote,
# a pair rejected, one cleared, CRLF line ends, a blank line.
printf '\357\273\277State,Demand,Achievement,Note,Time\r\nrejected,D-2025-2003,A-020009,"not ""PEM"", wrong field",2026-11-30\r\nreject,D-2025-2003,A-020008,,2026-11-30 10:15:00\r\n\r\nclear,D-2025-2002,A-020005,,\r\n' >"$TEST_TMP/edited.csv"
run "$TECHMATCH" decisions -i "$idx" --import "$TEST_TMP/edited.csv" --by zhao
check "import exits 0" expect_status 0
run "$TECHMATCH" decisions -i "$idx" --state rejected
check "import recorded both rejections, with their times and the name" same_text "$TEST_TMP/out" "D-2025-2003	A-020008	rejected	2026-11-30T10:15:00Z	zhao	
D-2025-2003	A-020009	rejected	2026-11-30T00:00:00Z	zhao	not \"PEM\", wrong field"
check "import cleared a pair" sh -c "! '$TECHMATCH' decisions -i '$idx' | grep -q A-020005"
printf 'demand\tachievement\tstate\tby\tnote\nD-2025-2004\tA-020010\taccepted\tsun\ta\\tb\n' >"$TEST_TMP/edited.tsv"
run "$TECHMATCH" decisions -i "$idx" --import "$TEST_TMP/edited.tsv"
check "a TSV import exits 0" expect_status 0
check "a TSV import unescapes" sh -c "'$TECHMATCH' decisions -i '$idx' -d D-2025-2004 --format json | grep -q '\"note\" : \"a\\\\tb\"'"

# Bad tables: a clear message, nothing recorded.
"$TECHMATCH" decisions -i "$idx" --history >"$TEST_TMP/before"
bad_import () {
	printf "$2" >"$TEST_TMP/bad.csv"
	run "$TECHMATCH" decisions -i "$idx" --import "$TEST_TMP/bad.csv"
	check "$1: exit $3" expect_status "$3"
	check "$1: the message" grep -q -- "$4" "$TEST_TMP/err"
	"$TECHMATCH" decisions -i "$idx" --history >"$TEST_TMP/after"
	check "$1: nothing recorded" cmp "$TEST_TMP/before" "$TEST_TMP/after"
}
bad_import "a bad state on line 3" 'demand,achievement,state\nD-2025-2001,A-020001,accepted\nD-2025-2001,A-020002,maybe\n' 3 "bad.csv:3: state: accepted, contacted, rejected or cleared, not 'maybe'"
bad_import "no state column" 'demand,achievement\nD-2025-2001,A-020001\n' 3 "bad.csv:1: the header has no 'state' column"
bad_import "an unclosed quote" 'demand,achievement,state,note\nD-2025-2001,A-020001,accepted,"open\n' 3 'bad.csv:2: a quoted field is never closed'
bad_import "a bad time" 'demand,achievement,state,time\nD-2025-2001,A-020001,accepted,yesterday\n' 3 "bad.csv:2: time:"
bad_import "an empty id" 'demand,achievement,state\n,A-020001,accepted\n' 3 'bad.csv:2: demand: empty'
bad_import "an unknown record on line 3" 'demand,achievement,state\nD-2025-2001,A-020001,accepted\nD-2025-2001,A-NOPE,accepted\n' 5 'bad.csv:3: nothing was recorded: no achievement with id A-NOPE'
bad_import "not UTF-8" 'demand,achievement,state\nD-2025-2001,A-020001,\377\n' 3 'bad.csv: not UTF-8'
run "$TECHMATCH" decisions -i "$idx" --import "$TEST_TMP/missing.csv"
check "a missing import file: exit 1" expect_status 1

# ---- a rebuild keeps the decisions; vanished records are reported ----
"$TECHMATCH" decisions -i "$idx" >"$TEST_TMP/before"
"$TECHMATCH" index -q -i "$idx" corpus || exit 99
"$TECHMATCH" decisions -i "$idx" >"$TEST_TMP/after"
check "decisions survive a rebuild of the index" cmp "$TEST_TMP/before" "$TEST_TMP/after"
run "$TECHMATCH" check-decisions -i "$idx"
check "check-decisions: all there, exit 0" sh -c "[ $status -eq 0 ] && [ ! -s '$TEST_TMP/out' ]"
mkdir -p "$TEST_TMP/smaller/achievements" "$TEST_TMP/smaller/demands"
cp corpus/achievements/*.xml "$TEST_TMP/smaller/achievements/"
cp corpus/demands/*.xml "$TEST_TMP/smaller/demands/"
rm "$TEST_TMP/smaller/achievements/hydrogen-pv-energy.xml"
"$TECHMATCH" index -q -i "$idx" "$TEST_TMP/smaller" || exit 99
run "$TECHMATCH" check-decisions -i "$idx"
check "check-decisions: vanished records, exit 3" expect_status 3
check "check-decisions: each vanished decision" same_text "$TEST_TMP/out" "D-2025-2001	A-020001	contacted	achievement
D-2025-2003	A-020008	rejected	achievement
D-2025-2003	A-020009	rejected	achievement
D-2025-2004	A-020010	accepted	achievement"
check "check-decisions: the summary" grep -q '4 of 4 decisions in .* name records that .* no longer holds' "$TEST_TMP/err"
run "$TECHMATCH" check-decisions -i "$idx" --format json
check "check-decisions json" sh -c "grep -q '\"missing\" : \"achievement\"' '$TEST_TMP/out' && grep -q '\"decisions\" : 4' '$TEST_TMP/out'"
"$TECHMATCH" decisions -i "$idx" >"$TEST_TMP/after"
check "the vanished decisions are kept" cmp "$TEST_TMP/before" "$TEST_TMP/after"
"$TECHMATCH" index -q -i "$idx" corpus || exit 99
run "$TECHMATCH" check-decisions -i "$idx"
check "the records are back: exit 0" expect_status 0

# ---- two writers at once: every decision recorded ----
cdb="$TEST_TMP/concurrent.db"
for n in 1 2 3 4 5 6 7 8; do
	( for a in A-020001 A-020002 A-020003 A-020004 A-020005; do
		"$TECHMATCH" decide -i "$idx" -D "$cdb" -d D-2025-200$n -a $a --accept --by w$n || echo "writer $n failed on $a"
	  done ) >"$TEST_TMP/w$n.log" 2>&1 &
done
wait
check "concurrent writers: none failed" sh -c "! grep . '$TEST_TMP'/w?.log"
run "$TECHMATCH" decisions -i "$idx" -D "$cdb"
check "concurrent writers: all 40 decisions recorded" test "$(wc -l <"$TEST_TMP/out")" -eq 40
run "$TECHMATCH" decisions -i "$idx" -D "$cdb" --history
check "concurrent writers: 40 in the history" test "$(wc -l <"$TEST_TMP/out")" -eq 40

# ---- a locked database: a clear error after the timeout, nothing lost ----
if command -v python3 >/dev/null 2>&1; then
	printf '[decisions]\nbusy-timeout=200\n' >"$TEST_TMP/busy.conf"
	python3 - "$cdb" "$TEST_TMP/locked" <<'PY' &
import sqlite3, sys, time, os
c = sqlite3.connect(sys.argv[1], isolation_level=None)
c.execute("BEGIN IMMEDIATE")
open(sys.argv[2], "w").close()
time.sleep(3)
c.execute("ROLLBACK")
PY
	holder=$!
	while [ ! -e "$TEST_TMP/locked" ]; do sleep 0.1; done
	TECHMATCH_CONFIG="$TEST_TMP/busy.conf" run "$TECHMATCH" decide -i "$idx" -D "$cdb" -d D-2025-2001 -a A-020009 --reject
	check "a locked database: exit 4" expect_status 4
	check "a locked database: the message" grep -q "concurrent.db: recording: another process kept the decisions database locked for more than 0.2 s; nothing was changed: try again" "$TEST_TMP/err"
	TECHMATCH_CONFIG="$TEST_TMP/busy.conf" run "$TECHMATCH" decisions -i "$idx" -D "$cdb"
	check "a locked database can still be read" test "$(wc -l <"$TEST_TMP/out")" -eq 40
	wait $holder
	run "$TECHMATCH" decide -i "$idx" -D "$cdb" -d D-2025-2001 -a A-020009 --reject
	check "once released, the decision is recorded" expect_status 0

	# Some other program's SQLite file: refused, untouched.
	python3 -c "import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); c.execute('create table t(x)'); c.commit()" "$TEST_TMP/foreign.db"
	cp "$TEST_TMP/foreign.db" "$TEST_TMP/foreign.orig"
	run "$TECHMATCH" decide -i "$idx" -D "$TEST_TMP/foreign.db" -d D-2025-2001 -a A-020001 --accept
	check "a foreign database: exit 4" expect_status 4
	check "a foreign database: the message" grep -q "foreign.db: an SQLite database, but not techmatch's decisions" "$TEST_TMP/err"
	check "a foreign database: untouched" cmp "$TEST_TMP/foreign.db" "$TEST_TMP/foreign.orig"
fi

# ---- a damaged database: a clear error, the file left as it is ----
printf 'demand,achievement,state\nthis is no database\n' >"$TEST_TMP/junk.db"
cp "$TEST_TMP/junk.db" "$TEST_TMP/junk.orig"
for cmd in "decide -d D-2025-2001 -a A-020001 --accept" "decisions" "check-decisions"; do
	run "$TECHMATCH" $cmd -i "$idx" -D "$TEST_TMP/junk.db"
	check "a file that is no database, $cmd: exit 4" expect_status 4
	check "a file that is no database, $cmd: the message" grep -q "junk.db: .*the decisions database is damaged or not one" "$TEST_TMP/err"
done
check "a file that is no database: untouched" cmp "$TEST_TMP/junk.db" "$TEST_TMP/junk.orig"
# Damaged pages inside a real one.
python3 - "$TEST_TMP/hurt.db" <<'PY'
import sqlite3, sys
c = sqlite3.connect(sys.argv[1])
c.execute("pragma application_id = 1416447075")
c.execute("create table decision (demand text not null, achievement text not null, state text not null, decided_at integer not null, decided_by text, note text, primary key (demand, achievement)) without rowid")
c.execute("create table history (seq integer primary key, demand text not null, achievement text not null, state text not null, decided_at integer not null, decided_by text, note text)")
c.execute("create index history_pair on history (demand, achievement)")
for i in range(3000):
    c.execute("insert into decision values (?, 'A-020001', 'rejected', 0, 'x', 'a note to fill the pages')", ("D-%05d" % i,))
c.execute("pragma user_version = 1")
c.commit()
c.close()
with open(sys.argv[1], "r+b") as f:
    f.seek(3 * 4096)
    f.write(b"\x5a" * 4 * 4096)
PY
cp "$TEST_TMP/hurt.db" "$TEST_TMP/hurt.orig"
run "$TECHMATCH" check-decisions -i "$idx" -D "$TEST_TMP/hurt.db"
check "damaged pages: check-decisions exits 4" expect_status 4
check "damaged pages: the message names the file" grep -q "hurt.db: .*damaged" "$TEST_TMP/err"
run "$TECHMATCH" decisions -i "$idx" -D "$TEST_TMP/hurt.db"
check "damaged pages: decisions exits 4" expect_status 4
check "damaged pages: untouched" cmp "$TEST_TMP/hurt.db" "$TEST_TMP/hurt.orig"

finish

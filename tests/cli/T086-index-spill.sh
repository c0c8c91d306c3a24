#!/bin/sh
# index --memory: postings spilled to runs beside the index and merged
# give the same index, byte for byte past the header (which holds the
# build's time), as a build that held them all; a run that cannot be
# written fails the build cleanly and the old index stays.
. "${top_srcdir:-.}/tests/cli/test-lib.sh"

make_corpus "$TEST_TMP/corpus" 9000 900
past_header () { tail -c +57 "$1"; }

run "$TECHMATCH" index -q -i "$TEST_TMP/whole.idx" --memory 4096 "$TEST_TMP/corpus"
check "a build that holds every posting exits 0" expect_status 0
# The debug log (on standard output, where GLib prints debug messages)
# says when a run is spilled.
G_MESSAGES_DEBUG=all; export G_MESSAGES_DEBUG
run "$TECHMATCH" index -q -j 1 -i "$TEST_TMP/spilled.idx" --memory 1 "$TEST_TMP/corpus"
unset G_MESSAGES_DEBUG
check "a build with a 1 MB budget exits 0" expect_status 0
check "it spilled several runs" sh -c "[ \$(grep -c 'spilled a run' '$TEST_TMP/out') -ge 2 ]"
past_header "$TEST_TMP/whole.idx" >"$TEST_TMP/whole.bytes"
past_header "$TEST_TMP/spilled.idx" >"$TEST_TMP/spilled.bytes"
check "the spilled build is the same bytes" cmp "$TEST_TMP/whole.bytes" "$TEST_TMP/spilled.bytes"
run "$TECHMATCH" index -q -j 2 -i "$TEST_TMP/spilled2.idx" --memory 1 "$TEST_TMP/corpus"
past_header "$TEST_TMP/spilled2.idx" >"$TEST_TMP/spilled2.bytes"
check "and so is one in two threads" cmp "$TEST_TMP/whole.bytes" "$TEST_TMP/spilled2.bytes"
check "no temporary file is left" sh -c "! ls '$TEST_TMP'/*.tmp.* 2>/dev/null | grep -q ."
"$TECHMATCH" batch -i "$TEST_TMP/whole.idx" >"$TEST_TMP/whole.tsv"
"$TECHMATCH" batch -i "$TEST_TMP/spilled.idx" >"$TEST_TMP/spilled.tsv"
check "a batch gives the same rows" cmp "$TEST_TMP/whole.tsv" "$TEST_TMP/spilled.tsv"

run "$TECHMATCH" index -i "$TEST_TMP/x.idx" --memory -1 "$TEST_TMP/corpus"
check "a negative --memory exits 2" expect_status 2
check "and says what --memory takes" grep -q -- "--memory takes a number of megabytes" "$TEST_TMP/err"
run "$TECHMATCH" index -i "$TEST_TMP/x.idx" --memory 2000000 "$TEST_TMP/corpus"
check "a --memory past 1048576 exits 2" expect_status 2

# A full disk, as a limit on the size of any file written: a temporary
# file of the build cannot be written.  SIGXFSZ ignored, so that the write fails with EFBIG
# instead of killing the build.
cp "$TEST_TMP/spilled.idx" "$TEST_TMP/old.idx"
(trap '' XFSZ; ulimit -f 256 && exec "$TECHMATCH" index -q -i "$TEST_TMP/spilled.idx" --memory 1 "$TEST_TMP/corpus") \
  >"$TEST_TMP/out" 2>"$TEST_TMP/err"
status=$?
check "a run that cannot be written fails with exit 1" expect_status 1
# The records' spool is written before any run, and is the larger: it is
# the file that meets the limit.
check "and says so" grep -q "spilled.idx.tmp.[0-9]*.spool: writing a temporary file of the build: File too large" "$TEST_TMP/err"
check "the old index is untouched" cmp "$TEST_TMP/old.idx" "$TEST_TMP/spilled.idx"
check "no temporary file is left" sh -c "! ls '$TEST_TMP'/*.tmp.* 2>/dev/null | grep -q ."

# A folder where nothing can be created (not for root, who writes anywhere).
if [ "$(id -u)" != 0 ]; then
	mkdir "$TEST_TMP/ro"
	cp "$TEST_TMP/old.idx" "$TEST_TMP/ro/x.idx"
	: >"$TEST_TMP/ro/x.idx.lock"
	chmod 555 "$TEST_TMP/ro"
	run "$TECHMATCH" index -q -i "$TEST_TMP/ro/x.idx" --memory 1 "$TEST_TMP/corpus"
	chmod 755 "$TEST_TMP/ro"
	check "a read-only folder fails with exit 1" expect_status 1
	check "naming the temporary file" grep -q "x.idx.tmp.[0-9]*.run-0: cannot create a temporary file" "$TEST_TMP/err"
	check "the old index there is untouched" cmp "$TEST_TMP/old.idx" "$TEST_TMP/ro/x.idx"
fi
finish

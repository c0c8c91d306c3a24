#!/bin/sh
# T085 — an index damaged behind its checksums (bytes changed, CRCs made
# right again by tests/lib/tm-mutate): every command that reads the
# damaged part fails with the index status (4) and says so, and
# `stats --verify` finds damage no query reaches.
. "$(dirname "$0")/test-lib.sh"
: "${TM_MUTATE:?run through make check}"

good="$TEST_TMP/good.idx"
run "$TECHMATCH" index -q -i "$good" tests/data/good
check "the index builds" expect_status 0
run "$TECHMATCH" stats --verify -i "$good"
check "the clean index verifies" expect_status 0

# A zero delta in the postings of 质子交换膜 (the achievements').
idx="$TEST_TMP/delta.idx"
cp "$good" "$idx"
run "$TM_MUTATE" "$idx" 'postings:质子交换膜:achievement' 0 00
check "the postings are changed" expect_status 0
run "$TECHMATCH" match -i "$idx" --text "质子交换膜"
check "match --text on damaged postings exits 4" expect_status 4
check "match --text names the damage" grep -q "the index is damaged (the postings of term [0-9]* do not decode)" "$TEST_TMP/err"
check "match --text prints no partial result" same_text "$TEST_TMP/out" ""
run "$TECHMATCH" explain -i "$idx" --demand D-T001 --achievement A-T001
check "explain on damaged postings exits 4" expect_status 4
run "$TECHMATCH" batch -q -i "$idx" -o "$TEST_TMP/batch.tsv"
check "batch on damaged postings exits 4" expect_status 4
check "batch writes no output" test ! -e "$TEST_TMP/batch.tsv"
run "$TECHMATCH" stats --verify -i "$idx"
check "stats --verify finds the damaged postings" expect_status 4

# A TRL no record can have, in the first achievement's entry.
idx="$TEST_TMP/trl.idx"
cp "$good" "$idx"
run "$TM_MUTATE" "$idx" docs-achievement 40 2a
run "$TECHMATCH" show -i "$idx" A-T001
check "show of a damaged document exits 4" expect_status 4
check "show names the document" grep -q "achievement document 0 holds impossible values" "$TEST_TMP/err"

# A frequency raised by one: every value is possible, only the
# cross-checks of --verify see it.
idx="$TEST_TMP/tf.idx"
cp "$good" "$idx"
run "$TM_MUTATE" "$idx" 'postings:质子交换膜:achievement' 2 02
run "$TECHMATCH" stats -i "$idx"
check "stats without --verify reads it" expect_status 0
run "$TECHMATCH" stats --verify -i "$idx"
check "stats --verify exits 4" expect_status 4
check "stats --verify names the record" grep -q "A-T001: the title length disagrees with its terms" "$TEST_TMP/err"

finish

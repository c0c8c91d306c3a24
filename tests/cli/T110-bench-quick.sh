#!/bin/sh
# The benchmark harness, at its --quick size, so that it never rots: a
# small corpus generated from ../shared/data, then index build, cold query
# and batch for techmatch and each peer whose modules are installed; then
# the scale benchmark at its two --quick sizes.  It checks that every
# step ran and printed its figures; timings are for `make bench` and
# `make bench-scale`, never asserted here.
. "${top_srcdir:-.}/tests/cli/test-lib.sh"

data="$top_srcdir/../shared/data"
[ -f "$data/csl_zh/csl_full.jsonl" ] || skip_all "no $data (the shared evaluation data sits beside a developer's checkout, not in the repository)"
PY=$(command -v python3) || skip_all "python3 is not installed"

"$PY" "$top_srcdir/tests/bench/bench.py" --quick --peers "$top_srcdir/tests/eval/peers.py" \
  "$TECHMATCH" "$data" "$TEST_TMP/work" >"$TEST_TMP/out" 2>"$TEST_TMP/err"
status=$?
cat "$TEST_TMP/out" "$TEST_TMP/err" | sed 's/^/# /'
check "the harness ran every step (exit $status)" test "$status" -eq 0
for row in "index build, s" "build peak memory, MB" "index size, MB" "cold query, ms" \
           "batch, all demands, s" "batch peak memory, MB"; do
  check "it printed: $row" grep -q "^$row  *[0-9]" "$TEST_TMP/out"
done
check "no step failed" sh -c "! grep -q FAILED '$TEST_TMP/out'"
# Each peer is measured or skipped with the reason.
for peer in FTS5 Xapian sklearn; do
  check "$peer measured or skipped" sh -c "head -4 '$TEST_TMP/out' | grep -qi ' $peer ' || grep -q '^note: $peer skipped' '$TEST_TMP/out'"
done

# The scale benchmark (make bench-scale) at its two --quick sizes.
"$PY" "$top_srcdir/tests/bench/scale.py" --quick "$TECHMATCH" "$data" "$TEST_TMP/scale" \
  >"$TEST_TMP/scale.out" 2>"$TEST_TMP/scale.err"
status=$?
cat "$TEST_TMP/scale.out" "$TEST_TMP/scale.err" | sed 's/^/# /'
check "the scale benchmark ran every step (exit $status)" test "$status" -eq 0
for row in "build, no layer" "build, layer" "batch d2a, --semantic 0" "batch d2a, layer"; do
  check "it printed, at both sizes: $row" test "$(grep -c "^$row  *[0-9.]*  *[0-9.]*  *[0-9]" "$TEST_TMP/scale.out")" -eq 2
done
check "it printed the growth" grep -q "^1200 -> 3200  *2.7 " "$TEST_TMP/scale.out"
finish

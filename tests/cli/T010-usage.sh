#!/bin/sh
# The command line itself: help, version, unknown commands, bad options.
. "${top_srcdir:-.}/tests/cli/test-lib.sh"

run "$TECHMATCH" --help
check "--help exits 0" expect_status 0
check "--help lists check" grep -q '^  check ' "$TEST_TMP/out"

run "$TECHMATCH" --version
check "--version exits 0" expect_status 0
check "--version prints the version" grep -q '^techmatch [0-9]' "$TEST_TMP/out"

run "$TECHMATCH"
check "no command is a usage error (2)" expect_status 2
check "no command prints usage on stderr" grep -q '^Usage: techmatch' "$TEST_TMP/err"

run "$TECHMATCH" frobnicate
check "unknown command exits 2" expect_status 2
check "unknown command is named" same_text "$TEST_TMP/err" "techmatch: unknown command 'frobnicate'
Try 'techmatch --help'."

run "$TECHMATCH" check
check "check without a corpus exits 2" expect_status 2

run "$TECHMATCH" check --no-such-option tests/data/good
check "unknown option exits 2" expect_status 2
check "unknown option is named" grep -q 'no-such-option' "$TEST_TMP/err"

run "$TECHMATCH" check --help
check "check --help exits 0" expect_status 0
check "check --help shows the usage" grep -q 'CORPUS' "$TEST_TMP/out"

finish

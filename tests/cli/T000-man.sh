#!/bin/sh
# Every manual page renders without a warning.
. "${top_srcdir:-.}/tests/cli/test-lib.sh"

[ -n "${MANDOC:-}" ] || [ -n "${GROFF:-}" ] || skip_all "neither mandoc nor groff is installed"
for page in man/*.[157]; do
	if [ -n "${MANDOC:-}" ]; then
		check "$page: mandoc -Tlint" sh -c "'$MANDOC' -Tlint -Wwarning '$page' && [ -z \"\$('$MANDOC' -Tlint -Wwarning '$page' 2>&1)\" ]"
	fi
	if [ -n "${GROFF:-}" ]; then
		check "$page: groff -ww" sh -c "[ -z \"\$('$GROFF' -man -ww -z '$page' 2>&1)\" ]"
	fi
done

# Each command in the --help table has its page.
for cmd in $("$TECHMATCH" --help | awk '/^Commands:/ { on = 1; next } on && !NF { exit } on { print $1 }'); do
	[ "$cmd" = help ] && continue
	check "techmatch-$cmd.1 exists" test -f "man/techmatch-$cmd.1"
done

finish

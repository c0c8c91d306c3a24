#!/bin/sh
# The catalogues are complete for the sources as they are: every message
# marked in a file of po/POTFILES.in has a translation in each po/LL.po,
# none fuzzy, and every file that marks messages is listed there.
#
# The template is made afresh (xgettext with po/Makevars' options) and
# merged with each catalogue into the test's own folder: po/ is never
# rewritten (that is `make -C po update-po`, by hand).
. "${top_srcdir:-.}/tests/cli/test-lib.sh"

XGETTEXT=${XGETTEXT:-xgettext}
MSGMERGE=${MSGMERGE:-msgmerge}
MSGFMT=${MSGFMT:-msgfmt}
for tool in "$XGETTEXT" "$MSGMERGE" "$MSGFMT"; do
	command -v "$tool" >/dev/null 2>&1 || skip_all "no $tool (Debian: gettext)"
done
src=${top_srcdir:-.}

# po/Makevars' XGETTEXT_OPTIONS, continuation lines joined.
options=$(sed -n '/^XGETTEXT_OPTIONS *=/,/[^\\]$/p' "$src/po/Makevars" | sed 's/^XGETTEXT_OPTIONS *= *//; s/\\$//' | tr '\n' ' ')
check "po/Makevars has XGETTEXT_OPTIONS" test -n "$options"

# Every source file that marks a message is in POTFILES.in, and every
# file there exists.
grep -v '^#' "$src/po/POTFILES.in" | sed '/^$/d' | sort >"$TEST_TMP/listed"
(cd "$src" && grep -lE '(^|[^A-Za-z0-9_])(N_|_|P_)\(' src/lib/*.c src/cli/*.c | grep -v 'tm-resources\.c$' | sort) >"$TEST_TMP/marking"
check "every file that marks messages is in po/POTFILES.in" sh -c "comm -23 '$TEST_TMP/marking' '$TEST_TMP/listed' | sed 's/^/not in POTFILES.in: /' | grep . && exit 1 || exit 0"
check "every file of po/POTFILES.in exists" sh -c "cd '$src' && for f in \$(cat '$TEST_TMP/listed'); do test -f \"\$f\" || { echo \"no \$f\"; exit 1; }; done"

# shellcheck disable=SC2086
(cd "$src" && "$XGETTEXT" $options --package-name=techmatch -o "$TEST_TMP/techmatch.pot" \
	--files-from=po/POTFILES.in) 2>"$TEST_TMP/xgettext.err"
check "xgettext reads the sources" test -s "$TEST_TMP/techmatch.pot"
check "xgettext has no warning" sh -c "! grep . '$TEST_TMP/xgettext.err'"
check "the template holds messages" test "$(grep -c '^msgid ' "$TEST_TMP/techmatch.pot")" -gt 100

for lang in $(sed 's/#.*//' "$src/po/LINGUAS"); do
	# Merged as update-po merges (with fuzzy matching): a changed
	# message must not sit in the catalogue as a fuzzy guess.
	"$MSGMERGE" --quiet -o "$TEST_TMP/$lang.po" "$src/po/$lang.po" "$TEST_TMP/techmatch.pot" 2>"$TEST_TMP/merge.err"
	check "$lang: msgmerge" test -s "$TEST_TMP/$lang.po"
	LC_ALL=C "$MSGFMT" -c --statistics -o "$TEST_TMP/$lang.mo" "$TEST_TMP/$lang.po" 2>"$TEST_TMP/$lang.stats"
	ok=$?
	sed "s/^/$lang: /" "$TEST_TMP/$lang.stats"
	check "$lang: msgfmt -c accepts the catalogue" test "$ok" -eq 0
	check "$lang: no untranslated message" sh -c "! grep -q 'untranslated' '$TEST_TMP/$lang.stats'"
	check "$lang: no fuzzy translation" sh -c "! grep -q 'fuzzy' '$TEST_TMP/$lang.stats'"
	# The messages still missing, by name, for whoever adds them.
	for kind in untranslated only-fuzzy; do
		msgattrib --$kind --no-obsolete "$TEST_TMP/$lang.po" 2>/dev/null |
			sed -n '/^msgid ""$/d; s/^msgid /  '"$lang"' '"$kind"': /p' | head -n 20
	done
done

finish

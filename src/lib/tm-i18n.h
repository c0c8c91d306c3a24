/* tm-i18n.h — how the engine and the program mark their messages for
 * translation (gettext, domain GETTEXT_PACKAGE; po/ holds the
 * catalogues).  Private: included by tm-private.h and the program's
 * tm-cli.h, never by a public header.
 *
 *   _("...")   a message translated where it is used;
 *   P_(one, many, n)  a message with a count n (plural forms);
 *   N_("...")  a message in a static table, left as it is there and
 *              translated with _() where it is printed.
 *
 * The engine never binds the domain: the program does in main()
 * (setlocale, bindtextdomain, textdomain), so a program that does not
 * gets the English messages.  Only what people read is marked: column
 * names, JSON keys and every other machine output stay as they are in
 * every language.
 *
 * A 64-bit number in a message is written with <inttypes.h>'s PRId64 /
 * PRIu64 (xgettext and gettext know them; GLib's G_GINT64_FORMAT would
 * cut the message in two), a gsize with %zu. */
#pragma once

#include <inttypes.h>

#ifdef ENABLE_NLS
#include <libintl.h>
#define _(s) dgettext (GETTEXT_PACKAGE, s)
#define P_(one, many, n) dngettext (GETTEXT_PACKAGE, one, many, n)
#else
#define _(s) ((char *) (s))
#define P_(one, many, n) ((n) == 1 ? (char *) (one) : (char *) (many))
#endif
#define N_(s) (s)

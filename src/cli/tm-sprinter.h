/* tm-sprinter.h — the one printer every command writes its output with.
 *
 * A command describes what it prints as a tree of maps, lists and
 * scalars; a back-end per format (sprinter-tsv.c, sprinter-csv.c,
 * sprinter-json.c, sprinter-xml.c) turns the calls into bytes.  Commands
 * never test the format: they make the same calls whatever --format says.
 *
 * Two families of back-ends read the tree differently:
 *
 *   tree formats (json, xml) write it as it is: maps, lists, keys.
 *
 *   table formats (tsv, csv, xlsx) write lines of
 *   cells.  Keys are never cells, except in a map:
 *     - a map (tm_sprinter_begin_map(), tm_sprinter_begin_document()) is a
 *       record: every member with a scalar value is a line "key value",
 *       and scalars that follow that value without a key of their own join
 *       its line; a member holding a list or map prints no line of its own;
 *     - a row (tm_sprinter_begin_row()) is one line of its scalar values in
 *       order (a map nested in a row adds its values in place); a row
 *       holding a list of rows prints no line of its own, its values start
 *       each line of the rows it holds instead;
 *     - the records of one list are separated by an empty line; a scalar
 *       directly in a list is a line of its own;
 *     - the prefix (tm_sprinter_prefix()) is the first cell of every line.
 *
 * Where the two families show different things (TSV lines that hold less
 * than the JSON, or a summary JSON leaves out) a command addresses one of
 * them with tm_sprinter_only(): a family, never a format, so that a new
 * back-end of a family prints right without any command changing.
 *
 * Errors: writing never stops the calls; the first failure is kept and
 * tm_sprinter_finish() reports it.  Calls in a wrong order (a key in a
 * list, an end too many) are programmer errors, caught by g_return_if_fail.
 *
 * Scores and other numbers print with a fixed number of decimals, the same
 * in every format (JSON included): tm_sprinter_score() uses
 * TM_SPRINTER_SCORE_DECIMALS.
 */
#pragma once

#include <stdio.h>

#include <glib.h>

G_BEGIN_DECLS

typedef struct _TmSprinter TmSprinter;

/* The families of back-ends, as a mask for tm_sprinter_only(). */
typedef enum {
  TM_SPRINTER_TABLE = 1 << 0,  /* tsv, csv: lines of cells */
  TM_SPRINTER_TREE = 1 << 1,   /* json, xml: nested maps and lists */
  TM_SPRINTER_ALL = TM_SPRINTER_TABLE | TM_SPRINTER_TREE,
} TmSprinterFamily;

/* Scores print with 4 decimals, in every format: techmatch-match(1). */
#define TM_SPRINTER_SCORE_DECIMALS 4

typedef struct {
  /* Table formats: print the names given to tm_sprinter_columns() as a
   * header line.  csv always does (a spreadsheet wants one). */
  gboolean header;
  /* csv: start with a UTF-8 byte order mark (for spreadsheets). */
  gboolean bom;
  /* tsv: write a tab, line break, carriage return or backslash in a cell
   * as \t, \n, \r or \\ (a table meant to be read back), instead of
   * making the first three a space. */
  gboolean escape;
} TmSprinterOptions;

/* TRUE when @format names a back-end ("tsv", "csv", "json", "xml",
 * "xlsx"). */
gboolean tm_sprinter_format_exists (const char *format);

/* A printer of @format writing to @out, which stays the caller's (it is
 * flushed by tm_sprinter_finish(), never closed).  @name names @out in
 * error messages ("standard output", a file name).  @options may be NULL.
 * transfer full: free with tm_sprinter_free().  NULL with TM_ERROR_INVALID
 * for an unknown @format. */
TmSprinter *tm_sprinter_new (const char *format, FILE *out, const char *name,
                             const TmSprinterOptions *options, GError **error);

/* Ends the output (it must be complete: every begin ended) and flushes
 * @out.  FALSE with TM_ERROR_IO naming the output when anything could not
 * be written. */
gboolean tm_sprinter_finish (TmSprinter *sp, GError **error);
void     tm_sprinter_free (TmSprinter *sp);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (TmSprinter, tm_sprinter_free)

/* ---- structure ---------------------------------------------------------- */

/* The outermost map of an output: @name is what it is ("match", "batch"),
 * @version the version of its format.  JSON starts with a "version"
 * member; XML's root element is @name in the namespace
 * urn:techmatch:NAME:VERSION with a version attribute; table formats print
 * neither.  Ended by tm_sprinter_end(). */
void tm_sprinter_begin_document (TmSprinter *sp, const char *name, int version);
/* A map whose table lines are its members (see above). */
void tm_sprinter_begin_map (TmSprinter *sp);
/* A map that table formats print as one line (see above). */
void tm_sprinter_begin_row (TmSprinter *sp);
/* A list.  @item names one item where a format needs it: XML writes each
 * item as an element @item. */
void tm_sprinter_begin_list (TmSprinter *sp, const char *item);
/* A list too long to want it pretty: JSON writes each item on one line of
 * its own (compact), so that a reader can take the output a line at a
 * time.  Otherwise as tm_sprinter_begin_list(). */
void tm_sprinter_begin_stream (TmSprinter *sp, const char *item);
/* Ends the innermost document, map, row or list. */
void tm_sprinter_end (TmSprinter *sp);
/* Names the next value of the current map or row.  In XML a scalar member
 * is an attribute named @key, or "id" when @key is the element's own name
 * (<source id=...>, not <source source=...>). */
void tm_sprinter_key (TmSprinter *sp, const char *key);

/* ---- values ---------------------------------------------------------------- */

/* A string; NULL is null. */
void tm_sprinter_string (TmSprinter *sp, const char *value);
/* A string, or null when NULL or empty. */
void tm_sprinter_string_or_null (TmSprinter *sp, const char *value);
void tm_sprinter_integer (TmSprinter *sp, gint64 value);
/* A number with @decimals decimals (0 to 9), rounded half away from zero;
 * JSON writes it as such too (never 0.33200000000000002).  A value that is
 * not finite is null. */
void tm_sprinter_number (TmSprinter *sp, double value, int decimals);
/* A score: a number with TM_SPRINTER_SCORE_DECIMALS decimals. */
void tm_sprinter_score (TmSprinter *sp, double value);
/* true/false in tree formats, yes/no in table formats. */
void tm_sprinter_boolean (TmSprinter *sp, gboolean value);
/* null in JSON; an empty cell; no attribute in XML. */
void tm_sprinter_null (TmSprinter *sp);

/* ---- table formats ------------------------------------------------------------ */

/* The column names of the rows that follow (NULL-terminated), printed as
 * a header line when the options ask for one; tree formats ignore them. */
void tm_sprinter_columns (TmSprinter *sp, const char * const *names);
/* The first cell of every line from now on; NULL for none.  Tree formats
 * ignore it (notmuch's set_prefix). */
void tm_sprinter_prefix (TmSprinter *sp, const char *cell);

/* ---- one family ------------------------------------------------------------ */

/* Until the next call, the calls above reach only back-ends of @families
 * (TM_SPRINTER_ALL again to end).  What is addressed to one family must be
 * whole in it: a begin and its end reach the same back-ends. */
void tm_sprinter_only (TmSprinter *sp, TmSprinterFamily families);

G_END_DECLS

/* tm-reader.h — the streaming corpus reader.
 *
 * Reads one corpus file (techmatch-corpus(5)) record by record with
 * libxml2's xmlTextReader, so memory does not grow with the file, and
 * validates every record against the RELAX NG schema built into the
 * program (corpus/techmatch-corpus.rng) plus the value rules the schema
 * leaves to code (trl 1–9, dates, budget, a non-blank title, the limits
 * of tm-limits.h).
 *
 * Safe on hostile input: no DTD is accepted (a DOCTYPE ends the file with
 * an error, so no entity, internal or external, is ever expanded), no
 * network access, no file but the one named is opened.
 */
#pragma once

#include <glib.h>

#include "tm-record.h"

G_BEGIN_DECLS

/* A problem found in a corpus: where, in which record, and what.
 * All strings are owned by the reader and valid only during the call. */
typedef struct {
  const char *file;    /* NULL when @message already starts with its location */
  guint line;          /* 1-based; 0 when the problem is about the whole file */
  guint column;        /* 1-based, in characters; 0 when unknown */
  const char *record_id; /* NULL when not inside a record or not known */
  const char *message;
  gboolean note;       /* TRUE for a remark that is no problem (an ignored
                        * column, ids made from the content): not counted */
} TmProblem;

typedef void (*TmProblemFunc) (const TmProblem *problem, gpointer user_data);

typedef struct _TmReader TmReader;
struct _TmImportOptions; /* tm-import.h */

/* Opens @path and reads up to its root element, which must be a
 * <corpus> of the techmatch namespace naming its library.  Problems in
 * records found later go to @problem_func; the record is then skipped.
 * Returns NULL with TM_ERROR_IO, TM_ERROR_PARSE or TM_ERROR_INVALID when
 * the file cannot be read as a corpus at all; the message starts with
 * file:line:column.  transfer full: free with tm_reader_free(). */
TmReader  *tm_reader_open (const char *path,
                           TmProblemFunc problem_func,
                           gpointer user_data,
                           GError **error);

/* The same for any file the importer reads too (tm-import.h): corpus XML
 * goes to the XML reader, CSV, TSV, XLSX and JSON Lines to the importer,
 * as @options (NULL: the defaults, format and library told from the
 * file) says.  With options->library_set, a corpus file of the other
 * library is refused with TM_ERROR_INVALID.  transfer full */
TmReader  *tm_reader_open_full (const char *path,
                                const struct _TmImportOptions *options,
                                TmProblemFunc problem_func,
                                gpointer user_data,
                                GError **error);

TmLibrary  tm_reader_get_library (TmReader *reader);

/* Returns the next valid record (transfer full), or NULL at the end of
 * the file (error unset) or when the rest of the file is unreadable
 * (error set: TM_ERROR_PARSE, with file:line:column). */
TmRecord  *tm_reader_next (TmReader *reader, GError **error);

/* Records skipped so far because of a problem. */
guint      tm_reader_get_n_bad (TmReader *reader);

void       tm_reader_free (TmReader *reader);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TmReader, tm_reader_free)

G_END_DECLS

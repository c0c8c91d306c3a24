/* tm-import.h — the platforms' own files as corpus records.
 *
 * Regional platforms export their libraries as spreadsheets: CSV (any
 * common delimiter), TSV, XLSX and JSON Lines, with column headers in
 * Chinese or English.  The importer reads such a file and hands out the
 * same TmRecord the corpus reader (tm-reader.h) makes of corpus XML,
 * checked by the same value rules, so that everything downstream (check,
 * index, the XML writer below) cannot tell where a record came from.
 *
 * Columns are found by their header (techmatch-corpus(5) lists the names
 * and aliases known); a map given by the caller overrides them.  Rows are
 * numbered as a spreadsheet numbers them (the header is row 1; for JSON
 * Lines, the line), columns from 1.  A bad row is reported as a problem
 * at ROW:COLUMN with its record id and skipped; a file that cannot be
 * read as a table at all is an error.  Text that is not UTF-8 is taken
 * for GB18030 (what Chinese Excel writes as "CSV") and converted, or
 * refused with a message that says how to export UTF-8.
 */
#pragma once

#include <stdio.h>

#include <glib.h>

#include "tm-reader.h"
#include "tm-record.h"

G_BEGIN_DECLS

typedef enum {
  TM_IMPORT_FORMAT_AUTO = 0, /* from the content, then the extension */
  TM_IMPORT_FORMAT_XML,      /* corpus XML: read by tm-reader.c */
  TM_IMPORT_FORMAT_CSV,      /* delimited text, the delimiter sniffed */
  TM_IMPORT_FORMAT_TSV,      /* delimited text, tab-separated */
  TM_IMPORT_FORMAT_XLSX,     /* Office Open XML workbook */
  TM_IMPORT_FORMAT_JSONL,    /* one JSON object per line */
} TmImportFormat;

typedef struct _TmImportOptions {
  TmImportFormat format;
  /* The library the file holds; when @library_set is FALSE it is told
   * from the headers, then from the file's name (成果/achievement,
   * 需求/demand). */
  gboolean library_set;
  TmLibrary library;
  char delimiter;            /* CSV: 0 to sniff it from the first line */
  const char *sheet;         /* XLSX: a sheet's name, NULL for the first */
  /* Header overrides: field name, header, field name, header ..., NULL.
   * Field names are the corpus elements (title, abstract, org ...) plus
   * id, updated and budget_unit. */
  const char * const *map;
} TmImportOptions;

/* Sets @options to the defaults: auto format and library, sniffed
 * delimiter, first sheet, no map. */
void tm_import_options_init (TmImportOptions *options);

/* The format of @path from its first bytes (a zip archive, "<", "{") and
 * its extension (.csv .tsv .tab .txt .xlsx .jsonl .ndjson .xml).
 * Returns TM_IMPORT_FORMAT_AUTO when neither tells: the caller then
 * reads it as corpus XML. */
TmImportFormat tm_import_detect (const char *path);

/* Whether @path has the extension of a tabular file that corpus folders
 * do not pick up by themselves (.csv .tsv .xlsx .jsonl ...). */
gboolean tm_import_is_tabular_name (const char *path);

typedef struct _TmImport TmImport;

/* Opens @path (not corpus XML: see tm_reader_open_full()) and reads its
 * header.  Problems of rows come later, from tm_import_next(), through
 * @problem_func; notes (an unknown column, ids made from the content, a
 * conversion from GB18030) go through it too, with problem->note set.
 * Returns NULL with TM_ERROR_IO (unreadable), TM_ERROR_PARSE (not a table
 * of that format, not convertible to UTF-8) or TM_ERROR_INVALID (no title
 * or text column, the library unknown, a bad map); the message starts
 * with the file's name.  transfer full: free with tm_import_free(). */
TmImport  *tm_import_open (const char *path, const TmImportOptions *options,
                           TmProblemFunc problem_func, gpointer user_data,
                           GError **error);

TmLibrary  tm_import_get_library (TmImport *import);

/* The next good record (transfer full), or NULL at the end (error
 * unset).  Bad rows are reported and skipped. */
TmRecord  *tm_import_next (TmImport *import, GError **error);

/* Rows skipped so far because of a problem. */
guint      tm_import_get_n_bad (TmImport *import);

void       tm_import_free (TmImport *import);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TmImport, tm_import_free)

/* ---- writing corpus XML --------------------------------------------- */

typedef struct _TmCorpusWriter TmCorpusWriter;

/* Starts a corpus file of @library on @out (not closed by the writer).
 * transfer full: free with tm_corpus_writer_free(). */
TmCorpusWriter *tm_corpus_writer_new (FILE *out, TmLibrary library);

/* Writes @record as techmatch-corpus(5) says, its fields in the order of
 * the bundled corpus.  FALSE with TM_ERROR_IO when writing failed, or
 * TM_ERROR_INVALID when @record is of the other library. */
gboolean tm_corpus_writer_add (TmCorpusWriter *writer, const TmRecord *record, GError **error);

/* Ends the document and flushes it.  FALSE with TM_ERROR_IO when a write
 * failed. */
gboolean tm_corpus_writer_finish (TmCorpusWriter *writer, GError **error);

void     tm_corpus_writer_free (TmCorpusWriter *writer);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TmCorpusWriter, tm_corpus_writer_free)

G_END_DECLS

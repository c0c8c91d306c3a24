/* tm-corpus.h — reading a whole corpus: files and folders, both libraries.
 *
 * Walks the paths given (a folder contributes every *.xml file below it,
 * in name order), reads each file with the streaming reader, and checks
 * what no single file can: that an id is unique within its library across
 * every file.  Every problem goes to the problem callback; good records go
 * to the record callback.  Policy (whether any problem fails the run) is
 * the caller's.
 */
#pragma once

#include <glib.h>

#include "tm-reader.h"
#include "tm-record.h"

G_BEGIN_DECLS

typedef struct {
  guint files[TM_N_LIBRARIES];
  guint records[TM_N_LIBRARIES];       /* good records handed on */
  guint bad_records[TM_N_LIBRARIES];   /* records skipped for a problem */
  guint fields[TM_N_LIBRARIES][TM_N_FIELDS]; /* good records with the field */
  guint problems;                       /* every problem reported */
} TmCorpusStats;

/* Called for each good record.  transfer full: the callee owns @record.
 * Returning FALSE (with @error set) stops the walk. */
typedef gboolean (*TmRecordFunc) (TmRecord *record, gpointer user_data, GError **error);

/* Reads every corpus file under @paths (NULL-terminated).  Missing paths,
 * unreadable files and bad records are problems, reported and counted in
 * @stats, and the walk goes on.  Returns FALSE only when @record_func
 * failed; @error is then its error. */
gboolean tm_corpus_read (const char * const *paths,
                         TmProblemFunc problem_func,
                         TmRecordFunc record_func,
                         gpointer user_data,
                         TmCorpusStats *stats,
                         GError **error);

/* The same, reading up to @jobs files at once in worker threads (each
 * file's records are held in memory until their turn): the order of
 * records, problems and callbacks is that of tm_corpus_read(), problems
 * of one file coming before its records.  @jobs of 0 or 1 streams. */
gboolean tm_corpus_read_parallel (const char * const *paths,
                                  guint jobs,
                                  TmProblemFunc problem_func,
                                  TmRecordFunc record_func,
                                  gpointer user_data,
                                  TmCorpusStats *stats,
                                  GError **error);

/* The same, with files read as @import says (NULL: each file's format
 * and library told from the file itself): corpus XML, or the CSV, TSV,
 * XLSX and JSON Lines files of tm-import.h when they are named on their
 * own.  Notes (problem->note) are handed on but not counted. */
gboolean tm_corpus_read_with (const char * const *paths,
                              guint jobs,
                              const struct _TmImportOptions *import,
                              TmProblemFunc problem_func,
                              TmRecordFunc record_func,
                              gpointer user_data,
                              TmCorpusStats *stats,
                              GError **error);

/* The corpus files under @path, sorted: @path itself if it is a file,
 * every *.xml below it if it is a folder (hidden entries skipped).
 * Entries that cannot be read without harm (FIFOs, devices, symlink
 * loops, folders nested deeper than TM_MAX_CORPUS_DEPTH) are left out;
 * tm_corpus_read() reports each as a problem.  Fails (TM_ERROR_IO) only
 * when @path does not exist.
 * transfer full: a NULL-terminated array; free with g_strfreev(). */
char **tm_corpus_list_files (const char *path, GError **error);

G_END_DECLS

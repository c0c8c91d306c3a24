/* tm-index.h — the persistent inverted index of both libraries.
 *
 * One file holds both libraries: a term dictionary, per-library postings
 * with per-field term frequencies (title, keywords, body), a document
 * table with the metadata filters use and the lengths and norms scoring
 * uses, and every record's stored fields, so that `show` and the reports
 * need no corpus.  The layout is specified above the writer in
 * tm-index-build.c.  The file is read through a memory map and validated
 * before use (TM_ERROR_CORRUPT_INDEX, never a crash).
 */
#pragma once

#include <glib.h>

#include "tm-analyzer.h"
#include "tm-reader.h"
#include "tm-record.h"

G_BEGIN_DECLS

/* The fields that are indexed. */
typedef enum {
  TM_IFIELD_TITLE,
  TM_IFIELD_KEYWORDS,
  TM_IFIELD_BODY,
} TmIndexField;

#define TM_N_IFIELDS 3

const char *tm_index_field_name (TmIndexField field);

typedef struct _TmIndex TmIndex;

/* ---- building ---- */

/* The postings a build holds in memory before it spills them, sorted, to
 * a temporary file beside the index (runs merged at the end): with the
 * rest of the build, 100,000 achievements and 10,000 demands stay under
 * 250 MB. */
#define TM_INDEX_DEFAULT_MEMORY (G_GUINT64_CONSTANT (64) << 20)

/* The latent layer's rank (singular triplets kept; why this value:
 * tm-index-latent.c). */
#define TM_DEFAULT_LATENT_RANK 128
/* A rank past this costs far more than it finds, and keeps a term's
 * entry and a query's scan small. */
#define TM_MAX_LATENT_RANK 1024

typedef struct {
  TmAnalyzerOptions analyzer; /* how every field is analyzed; kept in the index */
  guint jobs;                 /* analysis threads; 0 = one per core */
  gboolean skip_bad;          /* index the good records when some are bad */
  guint64 memory;             /* bytes of postings held before a run is spilled
                               * to a temporary file; 0 = TM_INDEX_DEFAULT_MEMORY */
  TmProblemFunc problem_func; /* corpus problems, as tm_corpus_read() reports them */
  gpointer user_data;
  /* Only the records of hash partition @partition of @n_partitions
   * (tm_partition_of(): both libraries); 0 or 1 partitions: all. */
  guint partition, n_partitions;
  /* The statistics of the whole corpus (struct _TmCollectionStats,
   * tm-stats.h), for idf, norms and bounds, or NULL for the index's own;
   * they must cover every one of the @n_partitions partitions, come from
   * the same analyzer settings, and hold every term of this partition. */
  const struct _TmCollectionStats *global_stats;
  /* The latent layer (tm-index-latent.c): its rank, 0 for
   * TM_DEFAULT_LATENT_RANK, at most TM_MAX_LATENT_RANK; @no_latent
   * builds none (queries are then lexical whatever their weight). */
  guint latent_rank;
  gboolean no_latent;
} TmIndexBuildOptions;

typedef struct {
  guint records[TM_N_LIBRARIES];
  guint bad_records;
  guint problems;
  guint64 terms;
  guint64 postings;
  guint64 file_size;
  double seconds;
} TmIndexBuildStats;

/* Reads the corpus under @corpus_paths, analyzes it and writes the index
 * to @path: to a temporary file beside it, fsync'd, then renamed over
 * @path, so that a reader sees the old index or the new one.  A lock file
 * (@path.lock) keeps two builds apart: the second fails with
 * TM_ERROR_LOCKED naming the holder's PID.  With problems in the corpus
 * the build fails (TM_ERROR_INVALID) and writes nothing, unless
 * @options->skip_bad.  */
gboolean tm_index_build (const char * const *corpus_paths, const char *path,
                         const TmIndexBuildOptions *options, TmIndexBuildStats *stats,
                         GError **error);

/* ---- reading ---- */

/* Opens and validates the index at @path: magic, version, checksum, and
 * the bounds of every section, table entry and string.  Errors:
 * TM_ERROR_IO when the file cannot be read,
 * TM_ERROR_CORRUPT_INDEX when it is not a valid index.  transfer full:
 * free with tm_index_free(). */
TmIndex    *tm_index_open (const char *path, GError **error);
void        tm_index_free (TmIndex *index);

/* The analyzer options the index was built with: mode and switches, no
 * file, and the word lists the build added to the built-in ones, carried
 * in the index (owned by the index). */
const TmAnalyzerOptions *tm_index_get_analyzer_options (const TmIndex *index);

guint       tm_index_get_n_docs (const TmIndex *index, TmLibrary library);
guint       tm_index_get_n_terms (const TmIndex *index);
guint64     tm_index_get_n_postings (const TmIndex *index);
guint64     tm_index_get_file_size (const TmIndex *index);
gint64      tm_index_get_build_time (const TmIndex *index);   /* Unix seconds */
double      tm_index_get_build_seconds (const TmIndex *index);

/* The fingerprint of the analyzer settings, word lists and weights the
 * index was built with (tm-stats.h); owned by the index. */
const char *tm_index_get_fingerprint (const TmIndex *index);
/* The hash partition the index holds: K of N, 1/1 for a whole corpus. */
void        tm_index_get_partition (const TmIndex *index, guint *k, guint *n);
/* The checksum of the statistics file the index was built with
 * (--global-stats), or NULL; owned by the index. */
const char *tm_index_get_global_stats (const TmIndex *index);

/* Documents are numbered per library, 0 .. n-1, in id order. */
gboolean    tm_index_find_doc (const TmIndex *index, TmLibrary library, const char *id,
                               guint32 *doc);

/* The record as stored.  transfer full: free with tm_record_free(). */
TmRecord   *tm_index_get_record (const TmIndex *index, TmLibrary library, guint32 doc);

/* Cheap accessors for scoring and output (owned by the index). */
const char *tm_index_doc_id (const TmIndex *index, TmLibrary library, guint32 doc);
const char *tm_index_doc_title (const TmIndex *index, TmLibrary library, guint32 doc);
const char *tm_index_doc_org (const TmIndex *index, TmLibrary library, guint32 doc);
const char *tm_index_doc_domain (const TmIndex *index, TmLibrary library, guint32 doc);
const char *tm_index_doc_region (const TmIndex *index, TmLibrary library, guint32 doc);
int         tm_index_doc_trl (const TmIndex *index, TmLibrary library, guint32 doc);
/* The IP types, joined by '\n' ("" when none). */
const char *tm_index_doc_ip (const TmIndex *index, TmLibrary library, guint32 doc);
/* Field lengths in terms. */
guint32     tm_index_doc_length (const TmIndex *index, TmLibrary library, guint32 doc,
                                 TmIndexField field);

/* The text of term number @term ("" when damaged).  Owned by the index. */
const char *tm_index_term_text (const TmIndex *index, guint32 term);

/* Damage found since the index was opened (blocks whose checksum failed,
 * entries out of bounds): accessors return empty values for damaged
 * data and record it here.  Returns FALSE with TM_ERROR_CORRUPT_INDEX
 * once anything was found. */
gboolean    tm_index_check (const TmIndex *index, GError **error);

/* Verifies the whole index, like SQLite's integrity check: the checksum
 * of every block (what open does for small indexes), then every term,
 * posting list, document, stored record and forward list decoded and
 * cross-checked (the dictionary and the documents in order, the postings
 * and the forward lists holding the same entries, the frequencies adding
 * up to the field lengths, the stored norms those of the postings).
 * What `techmatch stats --verify` runs.  FALSE with
 * TM_ERROR_CORRUPT_INDEX naming the first damage found. */
gboolean    tm_index_verify (const TmIndex *index, GError **error);

/* The weights the stored norms were computed with. */
const double *tm_index_get_norm_weights (const TmIndex *index);


G_DEFINE_AUTOPTR_CLEANUP_FUNC (TmIndex, tm_index_free)

G_END_DECLS

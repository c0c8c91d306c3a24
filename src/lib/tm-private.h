/* tm-private.h — helpers shared between engine files, one section per
 * module.  Not part of the engine's interface. */
#pragma once

#include <glib.h>

#include <gio/gio.h>
#include <math.h>
#include <string.h>

#include "tm-analyzer.h"
#include "tm-i18n.h"
#include "tm-index.h"
#include "tm-pretok.h"
#include "tm-record.h"

G_BEGIN_DECLS

/* ---- tm-resources.c (generated from techmatch.gresource.xml) ---- */

/* The files compiled into the program.  Owned by the program. */
GResource *tm_get_resource (void);

/* ---- tm-dict.c ---- */

/* A string by pointer and length, as a hash table key: lets tables of
 * words be probed with a slice of a larger text, without a copy. */
typedef struct {
  const char *text;
  gsize len;
} TmSpan;

guint    _tm_span_hash (gconstpointer span);
gboolean _tm_span_equal (gconstpointer a, gconstpointer b);

/* ---- tm-error.c ---- */

/* The named limits the engine enforces (tm-limits.h), as variables so
 * that a test can lower them with _tm_limits_set_for_test() and reach the
 * TM_ERROR_LIMIT paths without gigabytes of input.  Nothing else changes
 * them. */
typedef struct {
  guint32 records_per_library;   /* TM_MAX_RECORDS_PER_LIBRARY */
  guint64 strings_bytes;         /* TM_MAX_STRINGS_BYTES */
  guint64 terms;                 /* TM_MAX_TERMS */
} TmLimits;

extern TmLimits _tm_limits;

/* Sets the limits (0: leave that one), or with NULL restores tm-limits.h's.
 * For tests only; not thread-safe. */
void _tm_limits_set_for_test (const TmLimits *limits);

/* ---- a byte buffer past 4 GiB ---- */

/* GByteArray's length is a guint: the writer's big parts (postings,
 * stored records, forward lists) use this instead. */
typedef struct {
  guint8 *data;
  gsize len, alloc;
} TmBuf;

static inline void
_tm_buf_reserve (TmBuf *b, gsize extra)
{
  if (b->alloc - b->len < extra)
    {
      gsize want = MAX (b->alloc + b->alloc / 2, b->len + extra);

      want = MAX (want, 256);
      b->data = g_realloc (b->data, want);
      b->alloc = want;
    }
}

static inline void
_tm_buf_append (TmBuf *b, const void *data, gsize len)
{
  _tm_buf_reserve (b, len);
  if (len > 0)
    memcpy (b->data + b->len, data, len);
  b->len += len;
}

static inline void
_tm_buf_set_size (TmBuf *b, gsize len)
{
  if (len > b->len)
    _tm_buf_reserve (b, len - b->len);
  b->len = len;
}

static inline void
_tm_buf_clear (TmBuf *b)
{
  g_free (b->data);
  b->data = NULL;
  b->len = b->alloc = 0;
}

/* ---- tm-index.c ---- */

/* Variable-length integers: 7 bits a byte, low bits first, high bit set
 * on every byte but the last.  Writes at @p (at most 10 bytes) and
 * returns the end. */
static inline guint8 *
_tm_varint_write (guint8 *p, guint64 v)
{
  do
    {
      *p = (guint8) (v & 0x7F);
      v >>= 7;
      if (v != 0)
        *p |= 0x80;
      p++;
    }
  while (v != 0);
  return p;
}

static inline void
_tm_varint_put (GByteArray *out, guint64 v)
{
  guint8 buf[10];

  g_byte_array_append (out, buf, (guint) (_tm_varint_write (buf, v) - buf));
}

/* One entry of a posting list (and of a forward list): the delta, then
 * tf_body << 2 | title? | keywords? << 1, then the title and keywords
 * frequencies when not zero.  At most TM_POSTING_MAX bytes; the inverse is
 * _tm_posting_iter_next(). */
#define TM_POSTING_MAX 40

static inline guint8 *
_tm_posting_write (guint8 *p, guint64 delta, const guint32 *tf)
{
  p = _tm_varint_write (p, delta);
  p = _tm_varint_write (p, (guint64) tf[2] << 2 | (tf[0] > 0) | (tf[1] > 0) << 1);
  if (tf[0] > 0)
    p = _tm_varint_write (p, tf[0]);
  if (tf[1] > 0)
    p = _tm_varint_write (p, tf[1]);
  return p;
}

/* FALSE on a truncated or over-long integer. */
static inline gboolean
_tm_varint_get (const guint8 **p, const guint8 *end, guint64 *v)
{
  guint64 r = 0;

  for (guint shift = 0; shift < 64 && *p < end; shift += 7)
    {
      guint8 b = *(*p)++;

      r |= (guint64) (b & 0x7F) << shift;
      if (!(b & 0x80))
        {
          *v = r;
          return TRUE;
        }
    }
  return FALSE;
}

/* The log-scaled term frequency of TF-IDF: 1 + ln tf for tf >= 1, and
 * linear below (weighted frequencies can be fractional). */
static inline double
_tm_log_tf (double tf)
{
  return tf >= 1.0 ? 1.0 + log (tf) : tf;
}

/* Smoothed inverse document frequency: never zero, finite for df = 0. */
static inline double
_tm_idf (guint n_docs, guint df)
{
  return log ((1.0 + n_docs) / (1.0 + df)) + 1.0;
}

/* Per-document scoring data. */
float _tm_index_doc_norm (const TmIndex *index, TmLibrary library, guint32 doc);
/* Every document's stored norm, as doubles.  transfer full (g_free);
 * zeros when the table is damaged (tm_index_check() then fails). */
double *_tm_index_copy_norms (const TmIndex *index, TmLibrary library);

/* ---- tm-index.c: postings and forward lists ---- */

/* A term's postings in one library (or a document's forward list). */
typedef struct {
  guint32 term;           /* term number (the document, for a forward list) */
  guint32 df;             /* entries; 0 when not known (forward lists) */
  const guint8 *postings; /* encoded postings of that library */
  gsize postings_len;
  guint32 n_docs;         /* documents in the library: the bound of a doc */
  const TmIndex *index;   /* where damage is recorded; NULL while building */
  gboolean forward;       /* a forward list: for the damage message */
  /* For pruning (tm-match.c): the largest (1 + ln tf') / norm of the
   * list's documents, tf' and norm for the index's weights; and, for a
   * list of more than TM_POSTING_BLOCK postings, one entry per block
   * (tm-index-format.h: TmIndexSkip), checksummed but not yet validated;
   * NULL and 0 otherwise. */
  float max_weight;
  const guint8 *skips;
  guint32 n_skips;
  /* What idf is computed from: the library's documents and the term's
   * document frequency, the index's own or, for a partition built with
   * global statistics, the whole corpus's (tm-stats.h). */
  guint32 stats_n, stats_df;
} TmPostingList;

/* The postings of @term (@len bytes) in @library: found by binary search
 * over the sorted dictionary.  FALSE when the library does not hold it
 * (or the dictionary is damaged: recorded for tm_index_check()). */
gboolean _tm_index_lookup (const TmIndex *index, TmLibrary library,
                           const char *term, gsize len, TmPostingList *out);

/* The postings of term number @term in @library; FALSE when the library
 * does not hold it (or they are damaged: recorded). */
gboolean _tm_index_term_postings (const TmIndex *index, guint32 term, TmLibrary library,
                                  TmPostingList *out);

/* The local document frequencies of term @term, per library (0 for a
 * term of the global statistics that this partition lacks).  FALSE when
 * damaged. */
gboolean _tm_index_term_df (const TmIndex *index, guint32 term, guint32 *df);

/* The statistics scoring uses (see TmPostingList): a term's document
 * frequency (0 when damaged), the documents of a library, and the terms
 * of each field summed over them. */
guint32  _tm_index_stats_df (const TmIndex *index, guint32 term, TmLibrary library);
guint32  _tm_index_stats_n (const TmIndex *index, TmLibrary library);
void     _tm_index_stats_lengths (const TmIndex *index, TmLibrary library, guint64 *totals);

/* Iterating over postings: doc in increasing order, tf per field. */
typedef struct {
  const guint8 *p, *end;
  gint64 doc;
  guint32 n_docs;
  guint32 tf[TM_N_IFIELDS];
  gboolean bad;           /* set when the postings do not decode */
  guint32 left;           /* entries still expected; G_MAXUINT32: unknown */
  const TmIndex *index;   /* the list's, for damage */
  guint32 id;             /* the list's term (document, if forward) */
  gboolean forward;
} TmPostingIter;

void     _tm_posting_iter_init (TmPostingIter *iter, const TmPostingList *list);
/* FALSE at the end, or when the postings do not decode: iter->bad is set
 * and the damage recorded in the list's index (tm_index_check() then
 * fails).
 * Impossible values are damage: a zero delta, a document past the
 * library, a frequency of 0 or past 32 bits, a truncated integer, more
 * or fewer entries than df, bytes after the last entry. */
gboolean _tm_posting_iter_next (TmPostingIter *iter);

/* Moves @iter, on @list, to the start of block @block (>= 1) of
 * TM_POSTING_BLOCK postings, from the skip entry of the block before it:
 * the next posting read is the block's first.  Only forward.  FALSE, the
 * iterator bad and the damage recorded, when the entry is inconsistent. */
gboolean _tm_posting_iter_seek_block (TmPostingIter *iter, const TmPostingList *list, guint32 block);

/* A document's terms, from the forward lists: term numbers in increasing
 * order with their frequencies per field, as the postings have them. */
typedef TmPostingIter TmForwardIter;

/* FALSE when the document's list is damaged (recorded for
 * tm_index_check()); the iteration then yields nothing.  Use
 * _tm_posting_iter_next(): iter->doc is the term number. */
gboolean _tm_index_doc_terms (const TmIndex *index, TmLibrary library, guint32 doc,
                              TmForwardIter *iter);

/* Where _tm_norms_compute() finds a term's postings: FALSE when the
 * library does not hold the term. */
typedef gboolean (*TmPostingsFunc) (gconstpointer source, guint32 term, TmLibrary library,
                                    TmPostingList *out);

/* Each document's TF-IDF norm for the field @weights: the square root of
 * the sum of its squared term weights, (1 + ln tf) × idf, over the
 * postings of @n_terms terms that @postings_of finds in @source.  @norms
 * holds @n_docs zeros on entry.  The one computation of norms: the
 * index writer stores them, the matcher redoes it for other weights.
 * FALSE when a posting list does not decode. */
gboolean _tm_norms_compute (TmPostingsFunc postings_of, gconstpointer source, guint32 n_terms,
                            TmLibrary library, guint32 n_docs, const double *weights,
                            double *norms);

/* Every document's norm for @weights, from the index's postings.
 * transfer full (g_free); NULL when postings are damaged (recorded). */
double *_tm_index_compute_norms (const TmIndex *index, TmLibrary library, const double *weights);

/* ---- tm-index-build.c ---- */

/* The three indexed fields of a record through the analyzer, each term
 * with its TmIndexField as term->field: what the index stores and what a
 * query made from a record holds. */
gboolean _tm_index_analyze_record (const TmAnalyzer *analyzer, TmAnalysis *analysis,
                                   const TmRecord *record, TmTermFunc func,
                                   void (*field_done) (gpointer user_data),
                                   gpointer user_data, GError **error);

/* Documents analyzed between two looks at the memory budget (0 restores
 * the default, TM_INDEX_BATCH_DOCS): a test makes it small to spill runs
 * from a small corpus.  A multiple of TM_STORED_GROUP.  Not thread-safe. */
void _tm_index_build_set_batch_for_test (guint docs);

/* The bytes of forward lists the build inverts in one pass over the
 * postings (0 restores the default): a test makes it small to invert a
 * small corpus in many passes.  Not thread-safe. */
void _tm_index_build_set_forward_chunk_for_test (gsize bytes);

/* tm_matcher_prepare_docs() for the tests: the bytes a block's rows may
 * take (0: the default), so that a small library gets blocks of a few
 * queries; and how many queries of @matcher found their row in a block. */
struct _TmMatcher;
void  _tm_matcher_set_prepare_bytes_for_test (gsize bytes);
guint _tm_matcher_block_hits (const struct _TmMatcher *matcher);

/* exact_score() for the tests: decode a target library's forward lists
 * after @calls exact scores (-1: the default, DECODE_AFTER per document
 * of the library; G_MAXINT64: never); and how many scores of @matcher read
 * them decoded. */
void    _tm_matcher_set_decode_after_for_test (gint64 calls);
guint64 _tm_matcher_decoded_hits (const struct _TmMatcher *matcher);

/* ---- tm-index.c: the latent layer ---- */

/* The rank of the index's latent layer: 0 when it has none. */
guint         _tm_index_latent_rank (const TmIndex *index);
/* Library @library's document vectors, n × rank int8 in document order
 * (owned by the index), their checksums verified, with each one's scale
 * decoded into @scales (n floats).  NULL without a layer or when damaged
 * (recorded for tm_index_check()). */
const gint8  *_tm_index_latent_docs (const TmIndex *index, TmLibrary library, float *scales);
/* The layer's singular values, decreasing, into @sigma (rank doubles);
 * FALSE without a layer or when damaged (recorded). */
gboolean      _tm_index_latent_sigma (const TmIndex *index, double *sigma);
/* Term @term's projection (rank int8, owned by the index) and its scale;
 * FALSE when the term has none (held by one document) or it is damaged
 * (recorded). */
gboolean      _tm_index_latent_term (const TmIndex *index, guint32 term, const gint8 **vector,
                                     float *scale);

/* ---- tm-index-latent.c ---- */

/* What the latent layer is built from, all of it the build's: the
 * dictionary's document frequencies per library ([term][library]: the
 * vocabulary is chosen from them) and those idf takes (the global ones
 * of a partition, or the same), the forward lists with their offsets in
 * host order (the demands, then the achievements, then the end), the
 * norms and the field weights they were computed with. */
typedef struct {
  guint32 n_terms;
  const guint32 *df;
  const guint32 *stats_df;
  guint32 stats_n[TM_N_LIBRARIES];
  guint32 n_docs[TM_N_LIBRARIES];
  const guint8 *forward;
  const guint64 *forward_offsets;
  const double *norms[TM_N_LIBRARIES];
  const double *weights;
  guint rank;              /* 0: no layer (the LATENT head alone) */
  guint jobs;
  /* Called, when not NULL, once the forward lists and the norms are read
   * no more and before the factorization, the build's peak: the builder
   * may then move them out of memory.  FALSE with an error stops the
   * build. */
  gboolean (*read_done) (gpointer user_data, GError **error);
  gpointer user_data;
} TmLatentInput;

/* Fills the LATENT and LATENT_TERMS sections (tm-index-format.h) from
 * @in: the same bytes for the same input whatever @in->jobs.  FALSE when
 * LAPACK fails (TM_ERROR_FAILED). */
gboolean _tm_index_latent_build (const TmLatentInput *in, TmBuf *latent, TmBuf *terms, GError **error);

/* ---- tm-pretok.c ---- */

/* Lowers PCRE2's match limit for the scratch's matches: for the tests of
 * the matcher's failures. */
void _tm_pretok_scratch_set_match_limit (TmPretokScratch *scratch, guint32 limit);

/* ---- tm-reader.c ---- */

/* White space tidied as the reader stores field text; NULL when nothing
 * but white space.  transfer full */
char *_tm_tidy_text (const char *text);

/* Finds columns of start tags in one file, for messages: the 1-based
 * column, in characters, of the first <@element> on line @line; 0 when
 * not found.  Reads the file on from the line it last found, so asking
 * in file order reads the file once.  transfer full: free with
 * _tm_locator_free(). */
typedef struct _TmLocator TmLocator;

TmLocator *_tm_locator_new (const char *path);
guint      _tm_locator_column (TmLocator *locator, guint line, const char *element);
void       _tm_locator_free (TmLocator *locator);

G_END_DECLS

/* tm-match.c — the scorer (see tm-match.h).
 *
 * Two ways to the same top K, chosen per query by lexical_top():
 *
 * Exhaustive, term at a time: for each kept query term, its postings in
 * the target library add into an accumulator array (one slot per
 * document, owned by the matcher and reset through the list of touched
 * slots, so a query costs what its postings cost, not what the library's
 * size costs).  The candidates then go through the filters into a
 * bounded heap.  Every query can be run this way.
 *
 * Pruned (MaxScore, Turtle and Flood 1995, over windows of documents with
 * the per-block bounds of block-max indexes, the shape of Lucene's
 * MaxScoreBulkScorer): the index stores, per posting list and per block of
 * TM_POSTING_BLOCK postings, the largest (1 + ln tf') / norm of its
 * documents, so a term's share of any cosine is bounded by
 * q.weight × idf × that / |q|.  The documents are taken in windows of
 * WINDOW; in each, the terms are ordered by their bound there (the
 * largest of the blocks that overlap it), and once the top K is full its
 * worst score θ splits them: the weakest terms, whose bounds add up to
 * less than θ, cannot bring a document in on their own, so only the
 * others ("essential") are read in full, term at a time, into the
 * window's accumulators.  Each document found is then looked up in the
 * weak terms, strongest first, jumping over whole blocks with the skip
 * entries, and dropped as soon as its score so far plus the bounds of the
 * terms not yet looked at cannot reach θ.
 *
 * Exact: a document is dropped only when a bound of its score is below a
 * score already in the top K (ties, broken by id, are never dropped; the
 * bounds are floats rounded up, with a margin for the sums' rounding), and
 * a document kept gets its score from its forward list, summed in query
 * term order as the exhaustive run sums it, so both give the same results
 * to the last bit (tests/unit/test-match compares them on thousands of
 * queries).  It needs the stored norms and bounds, so it runs for TF-IDF
 * with the weights the index was built with, a K, and no single-document
 * restriction; anything else is exhaustive.
 */
#include "config.h"

#include <math.h>
#include <string.h>

#include "tm-error.h"
#include "tm-index-format.h"
#include "tm-lsa.h"
#include "tm-match.h"
#include "tm-private.h"

typedef struct {
  const char *text;        /* in the matcher's strings */
  double tf;               /* field-weighted, in the query */
  double weight;           /* query weight */
  double idf;
  TmPostingList list;
  gboolean added;          /* brought in by the query feedback */
} QueryTerm;

struct _TmMatcher {
  const TmIndex *index;
  const TmAnalyzer *analyzer;
  TmAnalysis *analysis;
  GHashTable *qtf;                 /* term → double * (field-weighted tf) */
  GStringChunk *strings;
  GArray *terms;                   /* QueryTerm */
  /* Query terms the target library lacks but the dictionary holds: no
   * lexical share, but a latent projection (QueryTerm: list.term and
   * weight only), strongest first. */
  GArray *extra;
  double *acc[TM_N_LIBRARIES];
  GArray *touched;                 /* guint32 */
  GArray *fed;                     /* QueryTerm: the fed-back query being built */
  GHashTable *fed_at;              /* term number + 1 → its place in fed + 1 */
  GArray *doc_weights;             /* double: one feedback document's term weights */
  /* The index's stored norms, copied at first use: read for every
   * candidate of every query. */
  double *stored_norms[TM_N_LIBRARIES];
  /* Norms and average lengths for weights other than the index's. */
  double *norms[TM_N_LIBRARIES];
  double norm_weights[TM_N_LIBRARIES][TM_N_IFIELDS];
  double avg_length[TM_N_LIBRARIES];
  double avg_weights[TM_N_LIBRARIES][TM_N_IFIELDS];
  const TmScoreParams *params;     /* of the query being run */
  guint32 source_doc;              /* the query's document, or G_MAXUINT32 */
  /* log-tf of the weighted frequency for small frequencies (title < 4,
   * keywords < 4, body < 16: nearly every posting), for the weights in
   * table_weights: a table lookup instead of a log() per posting. */
  double log_table[4][4][16];
  double table_weights[TM_N_IFIELDS];
  gboolean have_table;
  /* The pruned run's working memory, grown to the longest query. */
  struct _Cursor *cursors;
  guint *order;                    /* cursors by bound in the window */
  double *cum;                     /* their bounds added up */
  double *contrib;                 /* per query term: its share of a document */
  guint8 *has;                     /* per query term: the document holds it */
  guint32 *slots;                  /* term number + 1 → query term, open addressing */
  guint32 *slot_terms;
  /* The same terms, one bit each by term number: most of a document's
   * terms are not the query's, and a bit says so with no branch the
   * processor mispredicts (the probes did, at 30% of a batch a2d). */
  guint64 *slot_bits;
  guint n_alloc, slot_mask;
  double *wacc;                    /* the window's accumulators */
  guint64 *wbits;                  /* the window's documents found */
  /* The target libraries' forward lists decoded for exact_score(), once
   * it has been asked for DECODE_AFTER scores per document of the
   * library, if they fit in DECODED_BYTES: a batch a2d at 100,000 x
   * 10,000 scores each demand about 650 times, a batch d2a each
   * achievement about 9 (where decoding them measured slower). */
  struct {
    guint64 *start;                /* n_docs + 1 entries */
    guint32 *term;
    double *ltf;                   /* log_tf_of() at weights */
    double weights[TM_N_IFIELDS];
    guint64 calls;                 /* exact scores asked for before */
    gboolean none;                 /* too large or damaged: not again */
  } decoded[TM_N_LIBRARIES];
  guint64 decoded_hits;
  /* The latent layer: each library's vectors in the index and their
   * scales (decoded at first use), the query's latent cosine with each
   * document, the query's vector, and the documents already in the heap
   * (one bit each) for the latent pass. */
  const gint8 *latent_docs[TM_N_LIBRARIES];
  float *latent_scales[TM_N_LIBRARIES];
  float *latent[TM_N_LIBRARIES];
  guint64 *in_heap[TM_N_LIBRARIES];
  double *qlatent;
  gint8 *qlatent8;
  gint16 *qlatent16;
  /* tm_matcher_prepare_docs(): the latent cosines of a block of queries
   * with every document of block_target, one row each (n floats),
   * found again by the query's vector and scale. */
  float *block;
  gsize block_alloc;               /* floats in block */
  gint16 *block_q;
  float *block_qscale;
  guint block_len, block_cap;      /* queries held, and room for */
  TmLibrary block_target;
  guint block_hits;
};

void
tm_match_options_init (TmMatchOptions *o)
{
  memset (o, 0, sizeof *o);
  tm_score_params_init (&o->score);
  o->top = TM_DEFAULT_TOP;
  /* In words mode quality rises with the terms kept up to about 50 and
   * is flat after (tests/eval, quick: nDCG@10 0.923 at 30, 0.933 at 40,
   * 0.937 at 50, 60 and 100; category agreement 0.626 at 50, 0.633 at
   * 100), while batch time grows with every term: 50. */
  o->max_terms = TM_DEFAULT_TERMS;
  o->only_doc = G_MAXUINT32;
  o->feedback = TM_DEFAULT_FEEDBACK;
  o->feedback_beta = TM_FEEDBACK_BETA;
  o->feedback_terms = TM_FEEDBACK_TERMS;
  o->semantic = TM_DEFAULT_SEMANTIC;
}

/* transfer full */
TmMatcher *
tm_matcher_new (const TmIndex *index, const TmAnalyzer *analyzer)
{
  TmMatcher *m = g_new0 (TmMatcher, 1);

  m->index = index;
  m->analyzer = analyzer;
  m->analysis = tm_analysis_new (analyzer);
  m->qtf = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, g_free);
  m->strings = g_string_chunk_new (4096);
  m->terms = g_array_new (FALSE, FALSE, sizeof (QueryTerm));
  m->extra = g_array_new (FALSE, FALSE, sizeof (QueryTerm));
  m->touched = g_array_new (FALSE, FALSE, sizeof (guint32));
  m->fed = g_array_new (FALSE, FALSE, sizeof (QueryTerm));
  m->fed_at = g_hash_table_new (NULL, NULL);
  m->doc_weights = g_array_new (FALSE, FALSE, sizeof (double));
  for (int l = 0; l < TM_N_LIBRARIES; l++)
    m->avg_length[l] = -1;
  return m;
}

static void
decoded_clear (TmMatcher *m, TmLibrary l)
{
  g_clear_pointer (&m->decoded[l].start, g_free);
  g_clear_pointer (&m->decoded[l].term, g_free);
  g_clear_pointer (&m->decoded[l].ltf, g_free);
}

void
tm_matcher_free (TmMatcher *m)
{
  if (m == NULL)
    return;
  tm_analysis_free (m->analysis);
  g_hash_table_unref (m->qtf);
  g_string_chunk_free (m->strings);
  g_array_unref (m->terms);
  g_array_unref (m->extra);
  g_array_unref (m->touched);
  g_array_unref (m->fed);
  g_hash_table_unref (m->fed_at);
  g_array_unref (m->doc_weights);
  for (int l = 0; l < TM_N_LIBRARIES; l++)
    {
      g_free (m->acc[l]);
      g_free (m->norms[l]);
      g_free (m->stored_norms[l]);
      g_free (m->latent_scales[l]);
      g_free (m->latent[l]);
      g_free (m->in_heap[l]);
    }
  g_free (m->qlatent);
  g_free (m->qlatent8);
  g_free (m->qlatent16);
  g_free (m->block);
  g_free (m->block_q);
  g_free (m->block_qscale);
  g_free (m->cursors);
  g_free (m->order);
  g_free (m->cum);
  g_free (m->contrib);
  g_free (m->has);
  g_free (m->slots);
  g_free (m->slot_terms);
  g_free (m->slot_bits);
  g_free (m->wacc);
  g_free (m->wbits);
  for (int l = 0; l < TM_N_LIBRARIES; l++)
    decoded_clear (m, (TmLibrary) l);
  g_free (m);
}

void
tm_results_free (TmResults *r)
{
  if (r == NULL)
    return;
  for (guint i = 0; i < r->results->len; i++)
    {
      TmResult *res = &g_array_index (r->results, TmResult, i);
      if (res->contributions != NULL)
        g_array_unref (res->contributions);
      if (res->missing != NULL)
        g_ptr_array_unref (res->missing);
      if (res->neighbours != NULL)
        g_array_unref (res->neighbours);
    }
  g_array_unref (r->results);
  if (r->feedback != NULL)
    g_array_unref (r->feedback);
  g_string_chunk_free (r->strings);
  g_free (r);
}

/* ---- the query ------------------------------------------------------------- */

static void
add_query_term (const TmTerm *term, gpointer data)
{
  TmMatcher *m = data;
  g_autofree char *key = g_strndup (term->text, term->len);
  double *tf = g_hash_table_lookup (m->qtf, key);

  if (tf == NULL)
    {
      tf = g_new0 (double, 1);
      g_hash_table_insert (m->qtf, g_string_chunk_insert (m->strings, key), tf);
    }
  *tf += m->params->weights[term->field];
}

/* Strongest first; ties in term order, which is the byte order of the
 * terms' text (the dictionary is sorted). */
static int
compare_query_terms (gconstpointer a, gconstpointer b)
{
  const QueryTerm *x = a, *y = b;

  if (x->weight != y->weight)
    return x->weight > y->weight ? -1 : 1;
  return x->list.term < y->list.term ? -1 : x->list.term > y->list.term;
}

static double
bm25_idf (guint n, guint df)
{
  return log (1.0 + (n - df + 0.5) / (df + 0.5));
}

/* A query term that the target library lacks, for the latent layer:
 * weighted as a term of df 0 there. */
static void
add_extra (TmMatcher *m, TmLibrary target, guint32 term, double tf)
{
  guint32 n = _tm_index_stats_n (m->index, target);
  QueryTerm q;

  memset (&q, 0, sizeof q);
  q.list.term = term;
  q.tf = tf;
  q.idf = m->params->model == TM_MODEL_BM25 ? bm25_idf (n, 0) : _tm_idf (n, 0);
  q.weight = _tm_log_tf (tf) * q.idf;
  g_array_append_val (m->extra, q);
}

/* Weighs the collected query terms against @target, strongest first. */
static void
weigh_terms (TmMatcher *m, TmLibrary target)
{
  GHashTableIter iter;
  gpointer key, value;

  g_array_set_size (m->terms, 0);
  g_array_set_size (m->extra, 0);
  g_hash_table_iter_init (&iter, m->qtf);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      QueryTerm q;

      memset (&q, 0, sizeof q);
      q.text = key;
      q.tf = *(double *) value;
      if (!_tm_index_lookup (m->index, target, q.text, strlen (q.text), &q.list))
        {
          /* Only the other library holds it: latent only. */
          if (_tm_index_lookup (m->index, (target == TM_LIBRARY_DEMAND ? TM_LIBRARY_ACHIEVEMENT : TM_LIBRARY_DEMAND), q.text, strlen (q.text), &q.list))
            add_extra (m, target, q.list.term, q.tf);
          continue;
        }
      q.idf = m->params->model == TM_MODEL_BM25 ? bm25_idf (q.list.stats_n, q.list.stats_df)
                                                : _tm_idf (q.list.stats_n, q.list.stats_df);
      q.weight = _tm_log_tf (q.tf) * q.idf;
      g_array_append_val (m->terms, q);
    }
  g_array_sort (m->terms, compare_query_terms);
  g_array_sort (m->extra, compare_query_terms);
}

/* ---- document norms and lengths for the weights in use ------------------------ */

static gboolean
same_weights (const double *a, const double *b)
{
  return a[0] == b[0] && a[1] == b[1] && a[2] == b[2];
}

static double
weighted_tf (const TmMatcher *m, const guint32 *tf)
{
  return m->params->weights[0] * tf[0] + m->params->weights[1] * tf[1] + m->params->weights[2] * tf[2];
}

static void
ensure_log_table (TmMatcher *m)
{
  if (m->have_table && same_weights (m->params->weights, m->table_weights))
    return;
  memcpy (m->table_weights, m->params->weights, sizeof m->table_weights);
  for (guint32 a = 0; a < 4; a++)
    for (guint32 b = 0; b < 4; b++)
      for (guint32 c = 0; c < 16; c++)
        {
          guint32 tf[3] = { a, b, c };
          m->log_table[a][b][c] = _tm_log_tf (weighted_tf (m, tf));
        }
  m->have_table = TRUE;
}

static inline double
log_tf_of (const TmMatcher *m, const guint32 *tf)
{
  if (tf[0] < 4 && tf[1] < 4 && tf[2] < 16)
    return m->log_table[tf[0]][tf[1]][tf[2]];
  return _tm_log_tf (weighted_tf (m, tf));
}

/* Norms for weights other than those the index was built with: one pass
 * over the library's postings, kept for the next query. */
static const double *
norms_for (TmMatcher *m, TmLibrary target)
{
  if (same_weights (m->params->weights, tm_index_get_norm_weights (m->index)))
    {
      if (m->stored_norms[target] == NULL)
        m->stored_norms[target] = _tm_index_copy_norms (m->index, target);
      return m->stored_norms[target];
    }
  if (m->norms[target] != NULL && same_weights (m->params->weights, m->norm_weights[target]))
    return m->norms[target];
  g_free (m->norms[target]);
  m->norms[target] = _tm_index_compute_norms (m->index, target, m->params->weights);
  memcpy (m->norm_weights[target], m->params->weights, sizeof m->norm_weights[target]);
  return m->norms[target];
}

static double
doc_length (const TmMatcher *m, TmLibrary target, guint32 doc)
{
  double l = 0;

  for (int f = 0; f < TM_N_IFIELDS; f++)
    l += m->params->weights[f] * tm_index_doc_length (m->index, target, doc, f);
  return l;
}

/* From the summed field lengths, integers: a partition built with the
 * global statistics gets the whole corpus's average to the last bit. */
static double
average_length (TmMatcher *m, TmLibrary target)
{
  guint n = _tm_index_stats_n (m->index, target);
  guint64 totals[TM_N_IFIELDS];

  if (m->avg_length[target] >= 0 && same_weights (m->params->weights, m->avg_weights[target]))
    return m->avg_length[target];
  _tm_index_stats_lengths (m->index, target, totals);
  m->avg_length[target] = 0;
  for (int f = 0; f < TM_N_IFIELDS; f++)
    m->avg_length[target] += m->params->weights[f] * (double) totals[f];
  m->avg_length[target] = n > 0 ? m->avg_length[target] / n : 1;
  if (m->avg_length[target] <= 0)
    m->avg_length[target] = 1;
  memcpy (m->avg_weights[target], m->params->weights, sizeof m->avg_weights[target]);
  return m->avg_length[target];
}

/* The weight of a term in a document, and its share of the score. */
static double
term_score (const TmMatcher *m, const QueryTerm *q, const guint32 *tf, double *doc_weight,
            double bm25_norm)
{
  if (m->params->model == TM_MODEL_BM25)
    {
      double tfw = weighted_tf (m, tf);
      double k1 = m->params->k1;
      double s = tfw * (k1 + 1) / (tfw + k1 * bm25_norm);

      *doc_weight = s;
      return q->weight * s;   /* q->weight is ln-tf × idf, or fed back */
    }
  *doc_weight = log_tf_of (m, tf) * q->idf;
  return q->weight * *doc_weight;
}

static double
bm25_norm_of (TmMatcher *m, TmLibrary target, guint32 doc, double avg)
{
  return 1 - m->params->b + m->params->b * doc_length (m, target, doc) / avg;
}

/* ---- the latent layer ------------------------------------------------------------ */

/* The default weight, measured with make eval (tests/eval, BENCHMARKS.md;
 * TF-IDF words +syn at rank 128, against the layer off): w 0.2 gives
 * nDCG@10 0.9381 (0.9365), title queries 0.8697 (0.8335), keyword queries
 * 0.8884 (0.8614), cat@10 0.6518 (0.6345), MRR@10 0.9860 (0.9880).  w 0.1
 * gains half as much on short queries; 0.3 gains more on them (0.8826,
 * 0.8925) but loses three times as much on the known-item task (MRR@10
 * 0.9823); ranks 64 and 192 gain less at every weight.  BM25 scores are
 * not in 0-1, so the blend there is all but BM25: its rows barely move.
 * Query feedback on top (K 3) gains category agreement and short queries
 * again but loses nDCG@10 (0.9317): it stays off. */

/* Whether @target has a latent layer, its vectors decoded at the first
 * call (FALSE, recorded, when damaged). */
static gboolean
latent_ready (TmMatcher *m, TmLibrary target)
{
  guint32 n = tm_index_get_n_docs (m->index, target);

  if (_tm_index_latent_rank (m->index) == 0 || n == 0)
    return FALSE;
  if (m->latent_docs[target] == NULL)
    {
      if (m->latent_scales[target] == NULL)
        m->latent_scales[target] = g_new (float, n);
      m->latent_docs[target] = _tm_index_latent_docs (m->index, target, m->latent_scales[target]);
      if (m->latent_docs[target] == NULL)
        return FALSE;
      m->latent[target] = g_new (float, n);
      m->in_heap[target] = g_new0 (guint64, n / 64 + 1);
    }
  return TRUE;
}

/* The query terms run() keeps: its @max_terms strongest, or all. */
static guint
kept_terms (const TmMatcher *m, const TmMatchOptions *o)
{
  return o->max_terms > 0 ? MIN (o->max_terms, m->terms->len) : m->terms->len;
}

/* The query's latent vector, into m->qlatent16 with its scale in
 * *@qscale: the @n_used kept terms, then the strongest of the terms only
 * the other library holds (as many), folded in with their query weights
 * in that order (the same query, the same bits, whatever the thread),
 * made unit and quantized as the documents are, then widened.  FALSE
 * for a query none of whose terms has a projection (its cosines are all
 * 0). */
static gboolean
latent_query (TmMatcher *m, guint n_used, guint max_terms, float *qscale)
{
  guint k = _tm_index_latent_rank (m->index);
  guint n_extra = MIN (m->extra->len, max_terms > 0 ? max_terms : m->extra->len);
  double len = 0;

  if (m->qlatent == NULL)
    {
      m->qlatent = g_new (double, k);
      m->qlatent8 = g_new (gint8, k);
      m->qlatent16 = g_new (gint16, k);
    }
  memset (m->qlatent, 0, k * sizeof *m->qlatent);
  for (guint i = 0; i < n_used + n_extra; i++)
    {
      const QueryTerm *q = i < n_used ? &g_array_index (m->terms, QueryTerm, i)
                                      : &g_array_index (m->extra, QueryTerm, i - n_used);
      const gint8 *v;
      float scale;
      double f;

      if (q->list.term == G_MAXUINT32 || !_tm_index_latent_term (m->index, q->list.term, &v, &scale))
        continue;
      f = q->weight * scale;
      for (guint j = 0; j < k; j++)
        m->qlatent[j] += f * v[j];
    }
  for (guint j = 0; j < k; j++)
    len += m->qlatent[j] * m->qlatent[j];
  if (!(len > 0) || !isfinite (len))
    return FALSE;
  len = sqrt (len);
  {
    g_autofree float *unit = g_new (float, k);

    for (guint j = 0; j < k; j++)
      unit[j] = (float) (m->qlatent[j] / len);
    *qscale = tm_lsa_quantize (unit, k, m->qlatent8);
  }
  for (guint j = 0; j < k; j++)
    m->qlatent16[j] = m->qlatent8[j];
  return TRUE;
}

/* The query's latent cosine with every document of @target: the @n_used
 * kept terms, then the strongest of the terms only the other library
 * holds (see latent_query()), then one pass over the library's
 * contiguous vectors (n × rank bytes), unless the block prepared for
 * the batch (tm_matcher_prepare_docs()) holds the row of this very
 * vector: then that row, the same floats.  NULL when the index has no
 * layer or it is damaged (recorded); zeros for a query none of whose
 * terms has a projection. */
static const float *
latent_scores (TmMatcher *m, TmLibrary target, guint n_used, guint max_terms)
{
  guint k = _tm_index_latent_rank (m->index);
  guint32 n = tm_index_get_n_docs (m->index, target);
  float qscale;

  if (!latent_ready (m, target))
    return NULL;
  if (!latent_query (m, n_used, max_terms, &qscale))
    {
      memset (m->latent[target], 0, n * sizeof (float));
      return m->latent[target];
    }
  if (m->block_target == target)
    for (guint j = 0; j < m->block_len; j++)
      if (memcmp (&m->block_qscale[j], &qscale, sizeof qscale) == 0
          && memcmp (m->block_q + (gsize) j * k, m->qlatent16, k * sizeof (gint16)) == 0)
        {
          m->block_hits++;
          return m->block + (gsize) j * n;
        }
  tm_lsa_score_all (m->qlatent16, qscale, m->latent_docs[target], m->latent_scales[target], n, k,
                    m->latent[target]);
  return m->latent[target];
}

/* The blended score of a document (see tm-match.h), its latent part
 * taken at most 1: quantization can put a cosine a hair above. */
static inline double
blend (double lexical, const float *latent, double w, guint32 doc)
{
  if (latent == NULL)
    return lexical;
  return tm_lsa_blend (lexical, MIN (latent[doc], 1.0f), w);
}

/* ---- filters and the heap ------------------------------------------------------- */

static gboolean
passes (const TmMatcher *m, TmLibrary target, guint32 doc, const TmMatchOptions *o)
{
  const TmIndex *idx = m->index;

  if (o->min_trl > 0 && tm_index_doc_trl (idx, target, doc) < o->min_trl)
    return FALSE;
  for (const char * const *p = o->domains; p != NULL && *p != NULL; p++)
    if (strcmp (tm_index_doc_domain (idx, target, doc), *p) != 0)
      return FALSE;
  for (const char * const *p = o->regions; p != NULL && *p != NULL; p++)
    if (strstr (tm_index_doc_region (idx, target, doc), *p) == NULL)
      return FALSE;
  for (const char * const *p = o->ips; p != NULL && *p != NULL; p++)
    {
      const char *ip = tm_index_doc_ip (idx, target, doc);
      gboolean found = FALSE;
      gsize len = strlen (*p);

      for (const char *s = ip; *s != '\0' && !found; s = strchr (s, '\n') ? strchr (s, '\n') + 1 : s + strlen (s))
        found = strncmp (s, *p, len) == 0 && (s[len] == '\n' || s[len] == '\0');
      if (!found)
        return FALSE;
    }
  return TRUE;
}

typedef struct {
  double score;
  guint32 doc;
} Hit;

/* Worse: lower score, or the same score and a later id (documents are
 * numbered in id order). */
static inline gboolean
worse (const Hit *a, const Hit *b)
{
  return a->score < b->score || (a->score == b->score && a->doc > b->doc);
}

static void
sift_down (Hit *h, guint n, guint i)
{
  for (;;)
    {
      guint l = 2 * i + 1, r = l + 1, w = i;
      Hit t;

      if (l < n && worse (&h[l], &h[w]))
        w = l;
      if (r < n && worse (&h[r], &h[w]))
        w = r;
      if (w == i)
        return;
      t = h[i];
      h[i] = h[w];
      h[w] = t;
      i = w;
    }
}

static int
compare_hits (gconstpointer a, gconstpointer b)
{
  const Hit *x = a, *y = b;

  if (worse (x, y))
    return 1;
  if (worse (y, x))
    return -1;
  return 0;
}

/* ---- explanation ------------------------------------------------------------- */

static int
compare_contributions (gconstpointer a, gconstpointer b)
{
  const TmContribution *x = a, *y = b;

  if (x->contribution != y->contribution)
    return x->contribution > y->contribution ? -1 : 1;
  return strcmp (x->term, y->term);
}

static void
explain (TmMatcher *m, TmResults *results, guint n_used, TmLibrary target, double qnorm,
         const double *norms, double avg, double lexical_share)
{
  g_autoptr(GHashTable) at = g_hash_table_new (NULL, NULL);

  for (guint i = 0; i < results->results->len; i++)
    {
      TmResult *r = &g_array_index (results->results, TmResult, i);

      r->contributions = g_array_new (FALSE, FALSE, sizeof (TmContribution));
      r->missing = g_ptr_array_new ();
      g_hash_table_insert (at, GUINT_TO_POINTER (r->doc + 1), r);
    }
  for (guint t = 0; t < n_used; t++)
    {
      const QueryTerm *q = &g_array_index (m->terms, QueryTerm, t);
      const char *term = g_string_chunk_insert_const (results->strings,
                                                      q->text ? q->text : tm_index_term_text (m->index, q->list.term));
      TmPostingIter it;
      g_autoptr(GHashTable) seen = g_hash_table_new (NULL, NULL);

      _tm_posting_iter_init (&it, &q->list);
      while (_tm_posting_iter_next (&it))
        {
          TmResult *r = g_hash_table_lookup (at, GUINT_TO_POINTER ((guint32) it.doc + 1));
          TmContribution c;
          double dnorm;

          if (r == NULL)
            continue;
          memset (&c, 0, sizeof c);
          c.term = term;
          memcpy (c.tf, it.tf, sizeof c.tf);
          c.idf = q->idf;
          c.query_weight = q->weight;
          if (m->params->model == TM_MODEL_BM25)
            c.contribution = term_score (m, q, it.tf, &c.doc_weight,
                                         bm25_norm_of (m, target, (guint32) it.doc, avg));
          else
            {
              dnorm = norms ? norms[it.doc] : _tm_index_doc_norm (m->index, target, (guint32) it.doc);
              c.contribution = term_score (m, q, it.tf, &c.doc_weight, 0)
                / (qnorm * (dnorm > 0 ? dnorm : 1));
            }
          c.contribution *= lexical_share;
          g_array_append_val (r->contributions, c);
          g_hash_table_add (seen, r);
        }
      /* A strong term the result lacks: among the ten strongest. */
      if (t < 10)
        for (guint i = 0; i < results->results->len; i++)
          {
            TmResult *r = &g_array_index (results->results, TmResult, i);
            if (!g_hash_table_contains (seen, r))
              g_ptr_array_add (r->missing, (gpointer) term);
          }
    }
  for (guint i = 0; i < results->results->len; i++)
    g_array_sort (g_array_index (results->results, TmResult, i).contributions, compare_contributions);
}

/* The number of neighbours named per query term, the query terms looked
 * at (the strongest the result lacks), and the least cosine of two
 * terms' projections that counts as a neighbour: below it the pairs read
 * as noise. */
#define NEIGHBOURS_PER_TERM 2
#define NEIGHBOUR_QUERY_TERMS 5
#define NEIGHBOUR_MIN_SIMILARITY 0.3

static int
compare_neighbours (gconstpointer a, gconstpointer b)
{
  const TmNeighbour *x = a, *y = b;

  if (x->similarity != y->similarity)
    return x->similarity > y->similarity ? -1 : 1;
  return strcmp (x->term, y->term);
}

/* A term's projection times Σ (its coordinates in the space where
 * documents are compared), as doubles, and its length; FALSE when the
 * term has none. */
static gboolean
term_point (const TmMatcher *m, guint32 term, const double *sigma, guint k, double *out, double *len)
{
  const gint8 *v;
  float scale;

  if (term == G_MAXUINT32 || !_tm_index_latent_term (m->index, term, &v, &scale))
    return FALSE;
  *len = 0;
  for (guint j = 0; j < k; j++)
    {
      out[j] = scale * v[j] * sigma[j];
      *len += out[j] * out[j];
    }
  *len = sqrt (*len);
  return *len > 0;
}

/* For each result: the strongest query terms it lacks (kept terms, then
 * those only the other library holds), each with the terms of the
 * result closest to it in the latent space. */
static void
explain_latent (TmMatcher *m, TmResults *results, guint n_used, TmLibrary target)
{
  guint k = _tm_index_latent_rank (m->index);
  g_autofree double *sigma = g_new (double, k);
  g_autofree double *qp = g_new (double, k);
  g_autofree double *dp = g_new (double, k);
  g_autoptr(GArray) found = g_array_new (FALSE, FALSE, sizeof (TmNeighbour));

  if (!_tm_index_latent_sigma (m->index, sigma))
    return;
  for (guint i = 0; i < results->results->len; i++)
    {
      TmResult *r = &g_array_index (results->results, TmResult, i);
      guint looked = 0;

      r->neighbours = g_array_new (FALSE, FALSE, sizeof (TmNeighbour));
      for (guint t = 0; t < n_used + m->extra->len && looked < NEIGHBOUR_QUERY_TERMS; t++)
        {
          const QueryTerm *q = t < n_used ? &g_array_index (m->terms, QueryTerm, t)
                                          : &g_array_index (m->extra, QueryTerm, t - n_used);
          const char *qtext = tm_index_term_text (m->index, q->list.term);
          gboolean held = FALSE;
          double qlen, dlen;
          TmForwardIter it;

          if (q->list.term == G_MAXUINT32 || !term_point (m, q->list.term, sigma, k, qp, &qlen))
            continue;
          g_array_set_size (found, 0);
          if (!_tm_index_doc_terms (m->index, target, r->doc, &it))
            return;             /* recorded: tm_index_check() fails */
          while (_tm_posting_iter_next (&it))
            {
              TmNeighbour nb;
              double dot = 0;

              if ((guint32) it.doc == q->list.term)
                {
                  held = TRUE;
                  break;
                }
              if (!term_point (m, (guint32) it.doc, sigma, k, dp, &dlen))
                continue;
              for (guint j = 0; j < k; j++)
                dot += qp[j] * dp[j];
              nb.similarity = dot / (qlen * dlen);
              if (nb.similarity < NEIGHBOUR_MIN_SIMILARITY)
                continue;
              nb.query_term = NULL;
              nb.term = tm_index_term_text (m->index, (guint32) it.doc);
              g_array_append_val (found, nb);
            }
          if (held)
            continue;
          looked++;
          g_array_sort (found, compare_neighbours);
          for (guint j = 0; j < found->len && j < NEIGHBOURS_PER_TERM; j++)
            {
              TmNeighbour nb = g_array_index (found, TmNeighbour, j);

              nb.query_term = g_string_chunk_insert_const (results->strings, qtext);
              nb.term = g_string_chunk_insert_const (results->strings, nb.term);
              g_array_append_val (r->neighbours, nb);
            }
        }
    }
}

/* ---- running a query ------------------------------------------------------------ */

/* Keeps @h if it is among the best @k so far: @heap is a min-heap (the
 * worst on top) once it holds k hits.  TRUE when the heap is full, with
 * the worst score kept in *worst. */
static gboolean
heap_offer (GArray *heap, guint k, const Hit *h, double *worst)
{
  if (heap->len < k)
    {
      g_array_append_val (heap, *h);
      if (heap->len == k)
        for (guint j = k / 2; j-- > 0;)
          sift_down ((Hit *) heap->data, heap->len, j);
    }
  else if (worse (&g_array_index (heap, Hit, 0), h))
    {
      g_array_index (heap, Hit, 0) = *h;
      sift_down ((Hit *) heap->data, heap->len, 0);
    }
  if (heap->len < k)
    return FALSE;
  *worst = g_array_index (heap, Hit, 0).score;
  return TRUE;
}

/* What the lexical scorers need of a query. */
typedef struct {
  TmLibrary target;
  guint n_used;            /* the query terms kept */
  double qnorm;            /* TF-IDF: |q| */
  const double *norms;     /* TF-IDF: the documents' norms */
  double avg;              /* BM25: the average weighted length */
  guint k;                 /* G_MAXUINT: every document */
  /* The latent layer: each document's latent cosine and the weight w,
   * or NULL and 0. */
  const float *latent;
  double w;
} Lexical;

/* The latent pass, after a lexical scorer has filled @heap: every
 * document whose latent part alone, w × max(latent, 0), reaches the
 * heap's worst score (or any that scores while the heap is not full) and
 * that the heap does not hold is scored in full (exact_score() and the
 * norms, or @lexical for a document known to share no term) and
 * offered.  A document that shares no term with the query is found only
 * here; one that does and was left out by the lexical scorer was bounded
 * below a score already kept, so offering it again changes nothing.
 * Declared here, defined after exact_score(). */
static gboolean latent_pass (TmMatcher *m, const TmMatchOptions *o, const Lexical *lx, GArray *heap,
                             gboolean exhaustive);

/* The exhaustive scorer: the heap of the best K lexical hits. */
static void
lexical_exhaustive (TmMatcher *m, const TmMatchOptions *o, const Lexical *lx, GArray *heap)
{
  TmLibrary target = lx->target;
  guint n = tm_index_get_n_docs (m->index, target);
  gboolean bm25 = o->score.model == TM_MODEL_BM25;
  double *acc, worst;

  if (m->acc[target] == NULL)
    m->acc[target] = g_new0 (double, n);
  acc = m->acc[target];

  /* Accumulate: the hot loop of batch.  TF-IDF computes what
   * term_score() does, q->weight * (log-tf × idf), inline. */
  g_array_set_size (m->touched, 0);
  for (guint t = 0; t < lx->n_used; t++)
    {
      const QueryTerm *q = &g_array_index (m->terms, QueryTerm, t);
      TmPostingIter it;

      _tm_posting_iter_init (&it, &q->list);
      while (_tm_posting_iter_next (&it))
        {
          double dw, s;
          guint32 doc = (guint32) it.doc;

          if (bm25)
            s = term_score (m, q, it.tf, &dw, bm25_norm_of (m, target, doc, lx->avg));
          else
            s = q->weight * (log_tf_of (m, it.tf) * q->idf);
          if (acc[doc] == 0)
            g_array_append_val (m->touched, doc);
          acc[doc] += s;
        }
      if (it.bad)
        break;              /* recorded: tm_index_check() fails */
    }

  /* Filter and keep the best K. */
  for (guint i = 0; i < m->touched->len; i++)
    {
      guint32 doc = g_array_index (m->touched, guint32, i);
      Hit h = { acc[doc], doc };

      acc[doc] = 0;
      if (lx->latent != NULL)
        m->in_heap[target][doc / 64] |= G_GUINT64_CONSTANT (1) << (doc % 64);
      if (o->only_doc != G_MAXUINT32 && doc != o->only_doc)
        continue;
      if (!bm25)
        {
          double dnorm = lx->norms ? lx->norms[doc] : _tm_index_doc_norm (m->index, target, doc);
          h.score = h.score / (lx->qnorm * (dnorm > 0 ? dnorm : 1));
          if (h.score > 1.0)
            h.score = 1.0;  /* rounding: a cosine is at most 1 */
        }
      h.score = blend (h.score, lx->latent, lx->w, doc);
      /* Whatever the weights and the index hold, no score is NaN or
       * infinite: such a pair does not match (and never reaches a
       * ranking, a histogram or an output). */
      if (!isfinite (h.score))
        continue;
      if (h.score < o->min_score || h.score <= 0 || !passes (m, target, doc, o))
        continue;
      if (o->exclude != NULL && o->exclude (target, m->source_doc, doc, o->exclude_data))
        continue;
      heap_offer (heap, lx->k, &h, &worst);
    }
  /* The documents that share no term: marked above as touched. */
  if (lx->latent != NULL)
    latent_pass (m, o, lx, heap, TRUE);
}

/* ---- the pruned scorer (see the top) ------------------------------------------- */

#define END_DOC G_MAXUINT32

/* A bound's safety margin: the stored bounds are floats rounded up, the
 * scores sums of doubles in another order; this covers the rounding of
 * both with room to spare, and costs nothing measurable in pruning. */
#define BOUND_SLACK (1 + 1e-6)

/* Documents per window: the essential terms are chosen afresh in each,
 * from the bounds of the blocks there, so that a common term whose bound
 * is high in a few places only is read there and looked up elsewhere.
 * 4096 accumulators and their bitmap stay in the first-level cache. */
#define WINDOW 4096

typedef struct _Cursor {
  TmPostingIter it;
  const QueryTerm *q;
  guint t;                 /* the term's place in the query */
  double scale;            /* q.weight × idf / |q|: a weight's share of the cosine */
  double bound;            /* the largest share in the list, with the slack */
  double wbound;           /* the largest share in the window */
  guint32 df, n_skips, pos;/* pos: postings read so far */
  guint32 wblock;          /* the first block not before the window */
  guint32 doc;             /* the current document, END_DOC after the last */
} Cursor;

static inline void
cursor_next (Cursor *c)
{
  if (_tm_posting_iter_next (&c->it))
    {
      c->pos++;
      c->doc = (guint32) c->it.doc;
    }
  else
    c->doc = END_DOC;
}

static inline void
cursor_skip_at (const Cursor *c, guint32 b, TmIndexSkip *skip)
{
  _tm_index_skip_decode (c->q->list.skips + (gsize) b * TM_INDEX_SKIP_SIZE, skip);
}

/* Moves to the first document >= @target, jumping over the blocks that
 * end before it.  An inconsistent skip entry ends the list, recorded as
 * damage (they are checksummed: only a writer's bug or a crafted file
 * gets there). */
static void
cursor_advance (Cursor *c, guint32 target)
{
  if (c->doc >= target)
    return;
  if (c->n_skips > 0)
    {
      guint32 b = c->pos > 0 ? (c->pos - 1) / TM_POSTING_BLOCK : 0;
      guint32 j = b;
      TmIndexSkip skip;

      for (;;)
        {
          if (j >= c->n_skips)
            {
              c->doc = END_DOC;
              return;
            }
          cursor_skip_at (c, j, &skip);
          if (skip.last_doc >= target)
            break;
          j++;
        }
      if (j > b)
        {
          if (!_tm_posting_iter_seek_block (&c->it, &c->q->list, j))
            {
              c->doc = END_DOC;
              return;
            }
          c->pos = j * TM_POSTING_BLOCK;
        }
    }
  do
    cursor_next (c);
  while (c->doc < target);
}

/* The bound of the cursor's share over the documents [@w0, @w1): the
 * largest of the bounds of the blocks that overlap them; 0 when the list
 * has nothing there. */
static double
cursor_window_bound (Cursor *c, guint32 w0, guint32 w1)
{
  TmIndexSkip skip, prev;
  double bound = 0;

  if (c->doc >= w1)
    return 0;
  if (c->n_skips == 0)
    return c->bound;
  /* The first block that ends at or after w0 (kept: windows only move
   * forward). */
  for (; c->wblock < c->n_skips; c->wblock++)
    {
      cursor_skip_at (c, c->wblock, &skip);
      if (skip.last_doc >= w0)
        break;
    }
  for (guint32 b = c->wblock; b < c->n_skips; b++)
    {
      if (b > 0)
        {
          cursor_skip_at (c, b - 1, &prev);
          if (prev.last_doc + 1 >= w1)
            break;
        }
      cursor_skip_at (c, b, &skip);
      bound = MAX (bound, c->scale * skip.max_weight * BOUND_SLACK);
      if (skip.last_doc >= w1)
        break;
    }
  return MIN (bound, c->bound);
}

/* The bits of the terms in the slots, cleared (whole words: every set
 * bit is a slot's). */
static void
slot_bits_clear (TmMatcher *m)
{
  guint32 n_terms = tm_index_get_n_terms (m->index);

  for (guint32 j = 0; j <= m->slot_mask; j++)
    if (m->slots[j] != 0 && m->slot_terms[j] < n_terms)
      m->slot_bits[m->slot_terms[j] / 64] = 0;
}

static void
ensure_working_memory (TmMatcher *m, guint n)
{
  if (m->wacc == NULL)
    {
      m->wacc = g_new0 (double, WINDOW);
      m->wbits = g_new0 (guint64, WINDOW / 64);
      m->slot_bits = g_new0 (guint64, tm_index_get_n_terms (m->index) / 64 + 1);
    }
  if (m->n_alloc >= n)
    return;
  /* The slots are about to be lost: their bits with them. */
  if (m->slots != NULL)
    slot_bits_clear (m);
  m->n_alloc = MAX (n, 64);
  m->cursors = g_renew (Cursor, m->cursors, m->n_alloc);
  m->order = g_renew (guint, m->order, m->n_alloc);
  m->cum = g_renew (double, m->cum, m->n_alloc);
  m->contrib = g_renew (double, m->contrib, m->n_alloc);
  g_free (m->has);
  m->has = g_new0 (guint8, m->n_alloc);
  for (m->slot_mask = 1; m->slot_mask < 4 * m->n_alloc; m->slot_mask *= 2)
    ;
  m->slot_mask--;
  g_free (m->slots);
  g_free (m->slot_terms);
  m->slots = g_new0 (guint32, m->slot_mask + 1);
  m->slot_terms = g_new0 (guint32, m->slot_mask + 1);
}

/* The query terms by term number, for exact_score(). */
static void
slots_fill (TmMatcher *m, guint n)
{
  guint32 n_terms = tm_index_get_n_terms (m->index);

  slot_bits_clear (m);
  memset (m->slots, 0, (m->slot_mask + 1) * sizeof *m->slots);
  for (guint t = 0; t < n; t++)
    {
      guint32 term = g_array_index (m->terms, QueryTerm, t).list.term;
      guint32 j = (term * 2654435761u) & m->slot_mask;

      while (m->slots[j] != 0)
        j = (j + 1) & m->slot_mask;
      m->slots[j] = t + 1;
      m->slot_terms[j] = term;
      /* A forward list's terms are the index's (checked as they are
       * read): a query term past them (a partition's, from another
       * index's dictionary) is in none. */
      if (term < n_terms)
        m->slot_bits[term / 64] |= G_GUINT64_CONSTANT (1) << (term % 64);
    }
}

#define DECODED_BYTES ((gsize) 32 << 20)
#define DECODE_AFTER 16         /* exact scores per document of the library */

static gint64 decode_after = -1;

void
_tm_matcher_set_decode_after_for_test (gint64 calls)
{
  decode_after = calls;
}

guint64
_tm_matcher_decoded_hits (const TmMatcher *m)
{
  return m->decoded_hits;
}

/* Decodes @target's forward lists into m->decoded[target], for the
 * weights of the query; nothing (and never again) past DECODED_BYTES or
 * at a damaged list, which exact_score() then meets and records. */
static void
decode_forward (TmMatcher *m, TmLibrary target)
{
  guint32 n = tm_index_get_n_docs (m->index, target);
  g_autoptr(GArray) term = g_array_new (FALSE, FALSE, sizeof (guint32));
  g_autoptr(GArray) ltf = g_array_new (FALSE, FALSE, sizeof (double));
  g_autofree guint64 *start = g_new (guint64, (gsize) n + 1);

  for (guint32 doc = 0; doc < n; doc++)
    {
      TmForwardIter it;

      start[doc] = term->len;
      if (!_tm_index_doc_terms (m->index, target, doc, &it))
        goto none;
      while (_tm_posting_iter_next (&it))
        {
          guint32 t = (guint32) it.doc;
          double v = log_tf_of (m, it.tf);

          g_array_append_val (term, t);
          g_array_append_val (ltf, v);
        }
      if (it.bad || (gsize) term->len * (sizeof (guint32) + sizeof (double)) > DECODED_BYTES)
        goto none;
    }
  start[n] = term->len;
  m->decoded[target].start = g_steal_pointer (&start);
  m->decoded[target].term = (guint32 *) (gpointer) g_array_free (g_steal_pointer (&term), FALSE);
  m->decoded[target].ltf = (double *) (gpointer) g_array_free (g_steal_pointer (&ltf), FALSE);
  memcpy (m->decoded[target].weights, m->params->weights, sizeof m->decoded[target].weights);
  return;

none:
  m->decoded[target].none = TRUE;
}

/* Whether m->decoded[target] holds @target's forward lists for the
 * query's weights: not until they are worth it, nor when they are not to
 * be had. */
static gboolean
decoded_for (TmMatcher *m, TmLibrary target)
{
  guint64 after = decode_after >= 0 ? (guint64) decode_after
                                    : (guint64) DECODE_AFTER * tm_index_get_n_docs (m->index, target);

  if (m->decoded[target].none)
    return FALSE;
  if (m->decoded[target].start != NULL)
    {
      if (same_weights (m->params->weights, m->decoded[target].weights))
        return TRUE;
      decoded_clear (m, target);
      m->decoded[target].calls = 0;
    }
  if (m->decoded[target].calls++ < after)
    return FALSE;
  decode_forward (m, target);
  return m->decoded[target].start != NULL;
}

/* Records the share of @term, at log-tf @ltf, if the query holds it. */
static inline void
take_share (TmMatcher *m, guint32 term, double ltf)
{
  if (!(m->slot_bits[term / 64] & (G_GUINT64_CONSTANT (1) << (term % 64))))
    return;
  for (guint32 j = (term * 2654435761u) & m->slot_mask; m->slots[j] != 0; j = (j + 1) & m->slot_mask)
    if (m->slot_terms[j] == term)
      {
        const QueryTerm *q = &g_array_index (m->terms, QueryTerm, m->slots[j] - 1);

        m->contrib[m->slots[j] - 1] = q->weight * (ltf * q->idf);
        m->has[m->slots[j] - 1] = 1;
        return;
      }
}

/* The raw score of @doc (before the norms) exactly as lexical_exhaustive()
 * sums it: each query term's share, in query term order.  The shares come
 * from the document's forward list, whose frequencies are the postings',
 * decoded (decoded_for()) or read from the index.  FALSE when that list
 * is damaged (recorded). */
static gboolean
exact_score (TmMatcher *m, TmLibrary target, guint32 doc, guint n, double *score)
{
  gboolean ok = TRUE;
  double sum = 0;

  if (decoded_for (m, target))
    {
      const guint32 *terms = m->decoded[target].term;
      const double *ltf = m->decoded[target].ltf;

      m->decoded_hits++;
      for (guint64 e = m->decoded[target].start[doc]; e < m->decoded[target].start[doc + 1]; e++)
        take_share (m, terms[e], ltf[e]);
    }
  else
    {
      TmForwardIter it;

      if (!_tm_index_doc_terms (m->index, target, doc, &it))
        return FALSE;
      while (_tm_posting_iter_next (&it))
        take_share (m, (guint32) it.doc, log_tf_of (m, it.tf));
      ok = !it.bad;
    }
  for (guint t = 0; t < n; t++)
    if (m->has[t])
      {
        sum += m->contrib[t];
        m->has[t] = 0;
      }
  *score = sum;
  return ok;
}

/* A latent cosine below which a document's latent part w × max(latent,
 * 0) is surely below @part: (float) (part / w) two steps down, which
 * rounding cannot cross.  The scans over every document test it first,
 * one float compare, and work out the part only for those above. */
static float
latent_floor (double part, double w)
{
  float f;

  if (!(part > 0) || !(w > 0))
    return 0;
  f = (float) (part / w);
  return nextafterf (nextafterf (f, -INFINITY), -INFINITY);
}

static gboolean
latent_pass (TmMatcher *m, const TmMatchOptions *o, const Lexical *lx, GArray *heap, gboolean exhaustive)
{
  TmLibrary target = lx->target;
  guint32 n = tm_index_get_n_docs (m->index, target);
  guint64 *mark = m->in_heap[target];
  gboolean full = heap->len >= lx->k, ok = TRUE;
  double worst = full ? g_array_index (heap, Hit, 0).score : 0;
  float floor = latent_floor (MAX (full ? worst : 0, o->min_score), lx->w);

  if (!exhaustive)
    for (guint i = 0; i < heap->len; i++)
      {
        guint32 doc = g_array_index (heap, Hit, i).doc;
        mark[doc / 64] |= G_GUINT64_CONSTANT (1) << (doc % 64);
      }
  for (guint32 doc = 0; doc < n && ok; doc++)
    {
      double part;
      Hit h;

      if (lx->latent[doc] < floor)
        continue;
      part = blend (0, lx->latent, lx->w, doc);
      if (mark[doc / 64] & (G_GUINT64_CONSTANT (1) << (doc % 64)))
        continue;
      if (part <= 0 || part < o->min_score || (full && part < worst))
        continue;
      if (o->only_doc != G_MAXUINT32 && doc != o->only_doc)
        continue;
      if (!passes (m, target, doc, o))
        continue;
      if (o->exclude != NULL && o->exclude (target, m->source_doc, doc, o->exclude_data))
        continue;
      h.doc = doc;
      h.score = part;
      if (!exhaustive)
        {
          double raw, dnorm = lx->norms[doc], lexical;

          if (!exact_score (m, target, doc, lx->n_used, &raw))
            {
              ok = FALSE;
              break;
            }
          lexical = raw / (lx->qnorm * (dnorm > 0 ? dnorm : 1));
          h.score = blend (lexical > 1.0 ? 1.0 : lexical, lx->latent, lx->w, doc);
        }
      if (!isfinite (h.score) || h.score <= 0 || h.score < o->min_score)
        continue;
      if ((full = heap_offer (heap, lx->k, &h, &worst)))
        floor = latent_floor (MAX (worst, o->min_score), lx->w);
    }
  memset (mark, 0, (n / 64 + 1) * sizeof *mark);
  return ok;
}

/* With the latent layer, the pruned run starts from the K documents whose
 * latent part w × max(latent, 0) is largest, among those that pass the
 * filters and the exclusions: each is scored in full (exact_score()) and
 * offered, and marked so that no window offers it again.  θ is then at
 * least the least of their parts, returned as @c: no other document's
 * latent part is above it.  0 when fewer than K documents have a part
 * (the others then have none).  FALSE in *bad when a forward list is
 * damaged. */
static double
seed_latent (TmMatcher *m, const TmMatchOptions *o, const Lexical *lx, GArray *heap, double *theta,
             gboolean *bad)
{
  TmLibrary target = lx->target;
  guint32 n = tm_index_get_n_docs (m->index, target);
  guint64 *mark = m->in_heap[target];
  g_autoptr(GArray) best = g_array_new (FALSE, FALSE, sizeof (Hit));
  gboolean full = FALSE;
  double worst = 0, c;
  float floor = 0;

  for (guint32 doc = 0; doc < n; doc++)
    {
      Hit h;

      if (lx->latent[doc] < floor)
        continue;
      h.score = blend (0, lx->latent, lx->w, doc);
      h.doc = doc;
      if (h.score <= 0 || (full && !worse (&g_array_index (best, Hit, 0), &h)))
        continue;
      if (!passes (m, target, doc, o)
          || (o->exclude != NULL && o->exclude (target, m->source_doc, doc, o->exclude_data)))
        continue;
      if ((full = heap_offer (best, lx->k, &h, &worst)))
        floor = latent_floor (worst, lx->w);
    }
  c = full ? worst : 0;
  for (guint i = 0; i < best->len; i++)
    {
      guint32 doc = g_array_index (best, Hit, i).doc;
      double raw, dnorm = lx->norms[doc], lexical;
      Hit h;

      mark[doc / 64] |= G_GUINT64_CONSTANT (1) << (doc % 64);
      if (!exact_score (m, target, doc, lx->n_used, &raw))
        {
          *bad = TRUE;
          return c;
        }
      lexical = raw / (lx->qnorm * (dnorm > 0 ? dnorm : 1));
      h.doc = doc;
      h.score = blend (lexical > 1.0 ? 1.0 : lexical, lx->latent, lx->w, doc);
      if (!isfinite (h.score) || h.score <= 0 || h.score < o->min_score)
        continue;
      if (heap_offer (heap, lx->k, &h, &worst) && worst > *theta)
        *theta = worst;
    }
  return c;
}

/* The pruned scorer: the same heap lexical_exhaustive() fills.  With the
 * latent layer the bounds are on the blend: a document d can still enter
 * only if (1 − w) × its lexical bound + w × max(latent_d, 0) reaches θ.
 * The seeds (seed_latent()) come first; every other document's latent
 * part is at most c, so the essential terms of a window are chosen
 * against the lexical threshold (θ − c) / (1 − w), and each document
 * found against its own; the documents no essential term reaches are
 * then bounded below θ, and any that share no term and could still
 * reach it are the latent pass's. */
static void
lexical_pruned (TmMatcher *m, const TmMatchOptions *o, const Lexical *lx, GArray *heap)
{
  guint n = lx->n_used;
  guint32 n_docs = tm_index_get_n_docs (m->index, lx->target);
  Cursor *cur;
  guint *ord;              /* the cursors by window bound, smallest first */
  double *cum;             /* cum[i]: the window bounds of ord[0..i] added up */
  double *wacc;
  guint64 *wbits;
  double theta = o->min_score, worst;
  gboolean bad = FALSE;
  guint32 w0 = 0;
  const float *lat = lx->latent;
  double w = lx->latent != NULL ? lx->w : 0;
  double c_latent = 0;     /* no unmarked document's latent part is above it */
  const guint64 *mark = m->in_heap[lx->target];
  /* The lexical threshold: θ less a latent part, over 1 − w, with a
   * margin for the rounding of the blend (ties are never dropped). */
#define LEXICAL_THETA(latent_part) \
  (w > 0 ? (theta - (latent_part)) / (1 - w) - 1e-12 : theta)

  ensure_working_memory (m, n);
  slots_fill (m, n);
  if (lat != NULL)
    c_latent = seed_latent (m, o, lx, heap, &theta, &bad);
  cur = m->cursors;
  ord = m->order;
  cum = m->cum;
  wacc = m->wacc;
  wbits = m->wbits;
  for (guint t = 0; t < n; t++)
    {
      const QueryTerm *q = &g_array_index (m->terms, QueryTerm, t);
      Cursor *c = &cur[t];

      _tm_posting_iter_init (&c->it, &q->list);
      c->q = q;
      c->t = t;
      c->scale = q->weight * q->idf / lx->qnorm;
      c->bound = c->scale * q->list.max_weight * BOUND_SLACK;
      c->df = q->list.df;
      c->n_skips = q->list.n_skips;
      c->pos = 0;
      c->wblock = 0;
      cursor_next (c);
    }

  while (w0 < n_docs && !bad)
    {
      guint32 w1, first = END_DOC;
      guint e = 0;         /* ord[e..n-1] are the essential cursors */
      double wtheta;       /* the window's lexical threshold */

      /* The window starts at the first document any list still holds. */
      for (guint i = 0; i < n; i++)
        first = MIN (first, cur[i].doc);
      if (first == END_DOC)
        break;
      w0 = MAX (w0, first);
      w1 = w0 + MIN (WINDOW, n_docs - w0);

      /* The window's bounds, in increasing order (insertion: a few dozen
       * terms), and the essential ones. */
      for (guint i = 0; i < n; i++)
        {
          guint j = i;

          cur[i].wbound = cursor_window_bound (&cur[i], w0, w1);
          while (j > 0 && cur[ord[j - 1]].wbound > cur[i].wbound)
            {
              ord[j] = ord[j - 1];
              j--;
            }
          ord[j] = i;
        }
      for (guint i = 0; i < n; i++)
        cum[i] = (i > 0 ? cum[i - 1] : 0) + cur[ord[i]].wbound;
      wtheta = lat != NULL ? LEXICAL_THETA (c_latent) : theta;
      while (e < n && cum[e] < wtheta)
        e++;

      /* The essential terms, term at a time, into the window. */
      for (guint i = e; i < n; i++)
        {
          Cursor *c = &cur[ord[i]];

          /* In locals: the stores into wacc could alias them. */
          double qw = c->q->weight, qidf = c->q->idf;

          cursor_advance (c, w0);
          while (c->doc < w1)
            {
              guint32 d = c->doc - w0;

              wacc[d] += qw * (log_tf_of (m, c->it.tf) * qidf);
              wbits[d / 64] |= G_GUINT64_CONSTANT (1) << (d % 64);
              cursor_next (c);
            }
        }

      /* Each document found, in order: the other terms while they can
       * still matter, then its exact score. */
      for (guint32 word = 0; word < WINDOW / 64; word++)
        while (wbits[word] != 0)
          {
            guint32 bit = (guint32) __builtin_ctzll (wbits[word]);
            guint32 doc = w0 + word * 64 + bit;
            double partial = wacc[word * 64 + bit], dnorm, qd, dtheta;
            gboolean pruned = FALSE;
            Hit h;

            wbits[word] &= wbits[word] - 1;
            wacc[word * 64 + bit] = 0;
            if (lat != NULL && (mark[doc / 64] & (G_GUINT64_CONSTANT (1) << (doc % 64))))
              continue;     /* a seed: scored already */
            if (!passes (m, lx->target, doc, o))
              continue;
            dtheta = lat != NULL ? LEXICAL_THETA (blend (0, lat, w, doc)) : theta;
            /* The bound partial / qd + cum[i] against dtheta, with
             * no division: qd > 0, and BOUND_SLACK covers the
             * rounding either way. */
            dnorm = lx->norms[doc];
            qd = lx->qnorm * (dnorm > 0 ? dnorm : 1);
            for (guint i = e; i-- > 0;)
              {
                Cursor *c = &cur[ord[i]];

                if (partial * BOUND_SLACK < (dtheta - cum[i]) * qd)
                  {
                    pruned = TRUE;
                    break;
                  }
                cursor_advance (c, doc);
                if (c->doc == doc)
                  partial += c->q->weight * (log_tf_of (m, c->it.tf) * c->q->idf);
              }
            if (pruned || partial * BOUND_SLACK < dtheta * qd)
              continue;
            if (!exact_score (m, lx->target, doc, n, &h.score))
              {
                bad = TRUE;
                break;
              }
            h.doc = doc;
            h.score = h.score / (lx->qnorm * (dnorm > 0 ? dnorm : 1));
            if (h.score > 1.0)
              h.score = 1.0;
            h.score = blend (h.score, lat, w, doc);
            if (h.score < o->min_score || h.score <= 0)
              continue;
            if (o->exclude != NULL && o->exclude (lx->target, m->source_doc, doc, o->exclude_data))
              continue;
            if (heap_offer (heap, lx->k, &h, &worst) && worst > theta)
              theta = worst;
          }
      /* What a damaged list left behind: the window's documents are
       * otherwise each cleared as they are taken, and clearing all of
       * it for every window cost a tenth of a batch a2d, three windows
       * over 10,000 demands for each of 100,000 queries. */
      if (bad)
        {
          memset (wacc, 0, WINDOW * sizeof *wacc);
          memset (wbits, 0, WINDOW / 64 * sizeof *wbits);
        }
      w0 = w1;
      for (guint i = 0; i < n; i++)
        bad |= cur[i].it.bad;
    }
#undef LEXICAL_THETA
  if (lat != NULL && bad)
    memset (m->in_heap[lx->target], 0, (n_docs / 64 + 1) * sizeof (guint64));
  else if (lat != NULL && heap->len >= lx->k && g_array_index (heap, Hit, 0).score > c_latent)
    /* No document outside the heap and the seeds has a latent part
     * above c_latent, below θ now: the pass would offer nothing. */
    memset (m->in_heap[lx->target], 0, (n_docs / 64 + 1) * sizeof (guint64));
  else if (lat != NULL && !latent_pass (m, o, lx, heap, FALSE))
    bad = TRUE;
  if (bad)
    tm_index_check (m->index, NULL);
}

/* Whether lexical_pruned() can answer @o: it needs the stored norms and
 * bounds (TF-IDF with the index's weights) and a K. */
static gboolean
can_prune (const TmMatcher *m, const TmMatchOptions *o, const Lexical *lx)
{
  return o->score.model == TM_MODEL_TFIDF && !o->exhaustive && o->top > 0
    && o->only_doc == G_MAXUINT32 && lx->qnorm > 0 && lx->w < 1
    && same_weights (o->score.weights, tm_index_get_norm_weights (m->index));
}

/* The best K hits, best first: the one place where the scorers are
 * chosen.  The latent layer is blended in by both (lx->latent): the
 * pruned one bounds the blend (see lexical_pruned()), and both end with
 * the latent pass for the documents that share no term. */
static GArray *
lexical_top (TmMatcher *m, const TmMatchOptions *o, const Lexical *lx)
{
  GArray *heap = g_array_new (FALSE, FALSE, sizeof (Hit));

  if (can_prune (m, o, lx))
    lexical_pruned (m, o, lx, heap);
  else
    lexical_exhaustive (m, o, lx, heap);
  g_array_sort (heap, compare_hits);
  return heap;
}

static TmResults *
run (TmMatcher *m, TmLibrary target, const TmMatchOptions *o, GError **error)
{
  g_autoptr(TmResults) results = g_new0 (TmResults, 1);
  guint n = tm_index_get_n_docs (m->index, target);
  Lexical lx;
  GArray *heap;

  memset (&lx, 0, sizeof lx);
  lx.target = target;
  lx.avg = 1;
  results->target = target;
  results->results = g_array_new (FALSE, FALSE, sizeof (TmResult));
  results->strings = g_string_chunk_new (1024);
  ensure_log_table (m);
  results->n_query_terms = m->terms->len;
  lx.n_used = kept_terms (m, o);
  results->n_used_terms = lx.n_used;
  if (n > 0 && o->semantic > 0 && (lx.n_used > 0 || m->extra->len > 0))
    {
      lx.latent = latent_scores (m, target, lx.n_used, o->max_terms);
      lx.w = lx.latent != NULL ? MIN (o->semantic, 1.0) : 0;
      results->semantic = lx.w;
    }
  if ((lx.n_used == 0 && lx.latent == NULL) || n == 0)
    return tm_index_check (m->index, error) ? g_steal_pointer (&results) : NULL;

  if (o->score.model == TM_MODEL_BM25)
    lx.avg = average_length (m, target);
  else
    {
      lx.norms = norms_for (m, target);
      for (guint t = 0; t < lx.n_used; t++)
        {
          double w = g_array_index (m->terms, QueryTerm, t).weight;
          lx.qnorm += w * w;
        }
      lx.qnorm = sqrt (lx.qnorm);
    }
  lx.k = o->top > 0 ? o->top : G_MAXUINT;

  heap = lexical_top (m, o, &lx);
  for (guint i = 0; i < heap->len; i++)
    {
      TmResult r;

      memset (&r, 0, sizeof r);
      r.doc = g_array_index (heap, Hit, i).doc;
      r.score = g_array_index (heap, Hit, i).score;
      if (lx.latent != NULL)
        {
          r.latent = MIN (lx.latent[r.doc], 1.0f);
          r.latent_share = blend (0, lx.latent, lx.w, r.doc);
        }
      g_array_append_val (results->results, r);
    }
  g_array_unref (heap);

  if (o->explain)
    {
      explain (m, results, lx.n_used, target, lx.qnorm, lx.norms, lx.avg, 1 - lx.w);
      if (lx.latent != NULL)
        explain_latent (m, results, lx.n_used, target);
    }
  if (!tm_index_check (m->index, error))
    return NULL;
  return g_steal_pointer (&results);
}

/* ---- query feedback (see tm-match.h) ------------------------------------------- */

/* The constants, measured with tests/eval/tm-eval --quick --no-peers
 * (--feedback-beta, --feedback-terms) over β 0.25, 0.5, 1 and 5 to 100
 * terms added, K 3, 5 and 10, TF-IDF words +syn (no feedback: nDCG@10
 * 0.9365, title queries 0.8335, keyword queries 0.8614, MRR@10 0.9891):
 * β 0.5 with 40 terms and K 3 gives 0.9367, 0.8523, 0.8776, 0.9851.  A
 * smaller β gains less on short queries (0.25: 0.842, 0.871); a larger
 * one drifts from the query (1: MRR@10 0.973, nDCG@10 0.931 at K 5).
 * From 20 terms up the figures are flat within a few thousandths (a
 * query that already keeps --terms terms gains none: the cut-off still
 * applies); 5 or 10 gain less.  Feedback stays off by default: it gains
 * on short queries only, and costs a second run. */

/* Adds @w to the fed-back query's weight of @term, which enters it (with
 * @q's postings and idf, or looked up) the first time. */
static void
fed_add (TmMatcher *m, TmLibrary target, guint32 term, const QueryTerm *q, double w)
{
  guint i = GPOINTER_TO_UINT (g_hash_table_lookup (m->fed_at, GUINT_TO_POINTER (term + 1)));
  QueryTerm f;

  if (i > 0)
    {
      g_array_index (m->fed, QueryTerm, i - 1).weight += w;
      return;
    }
  if (q != NULL)
    f = *q;
  else
    {
      guint n = tm_index_get_n_docs (m->index, target);

      memset (&f, 0, sizeof f);
      if (!_tm_index_term_postings (m->index, term, target, &f.list))
        return;             /* damaged (recorded): tm_index_check() fails */
      f.idf = m->params->model == TM_MODEL_BM25 ? bm25_idf (n, f.list.df) : _tm_idf (n, f.list.df);
      f.added = TRUE;
    }
  f.weight = w;
  g_array_append_val (m->fed, f);
  g_hash_table_insert (m->fed_at, GUINT_TO_POINTER (term + 1), GUINT_TO_POINTER (m->fed->len));
}

/* Replaces the query (m->terms, whose first @n_used were run) by
 * α q/|q| + β mean(d/|d|) over the documents of @first, each document
 * weighted as the scorer weighs it (TF-IDF: ln-tf × idf; BM25: the
 * saturated tf × idf), strongest first, n_used + feedback_terms terms
 * kept.  Sums in a fixed order (the query's terms, then the documents
 * best first, each in term order): the same query gives the same result
 * to the last bit, whatever the thread. */
static void
feed_back (TmMatcher *m, TmLibrary target, const TmMatchOptions *o, const TmResults *first)
{
  guint n_used = first->n_used_terms;
  guint k = first->results->len;
  /* A β the caller got wrong is no weight: none below 0 (the pruning
   * bounds need positive weights), none so large the sums overflow. */
  double beta = isfinite (o->feedback_beta) ? CLAMP (o->feedback_beta, 0, TM_MAX_FEEDBACK_BETA) : 0;
  double qnorm = 0, avg = 1;
  GArray *swap;

  if (o->score.model == TM_MODEL_BM25)
    avg = average_length (m, target);
  g_array_set_size (m->fed, 0);
  g_hash_table_remove_all (m->fed_at);
  for (guint t = 0; t < n_used; t++)
    {
      double w = g_array_index (m->terms, QueryTerm, t).weight;
      qnorm += w * w;
    }
  qnorm = qnorm > 0 ? sqrt (qnorm) : 1;
  for (guint t = 0; t < n_used; t++)
    {
      const QueryTerm *q = &g_array_index (m->terms, QueryTerm, t);
      fed_add (m, target, q->list.term, q, q->weight / qnorm);
    }

  for (guint i = 0; i < k; i++)
    {
      guint32 doc = g_array_index (first->results, TmResult, i).doc;
      guint n = tm_index_get_n_docs (m->index, target);
      double bm25_norm = o->score.model == TM_MODEL_BM25 ? bm25_norm_of (m, target, doc, avg) : 0;
      double dnorm = 0;
      TmForwardIter it;
      guint j = 0;

      /* Two passes over the forward list: the weights and |d|, then the
       * shares. */
      g_array_set_size (m->doc_weights, 0);
      if (!_tm_index_doc_terms (m->index, target, doc, &it))
        return;             /* recorded: tm_index_check() fails */
      while (_tm_posting_iter_next (&it))
        {
          TmPostingList list;
          double idf, w;

          if (!_tm_index_term_postings (m->index, (guint32) it.doc, target, &list))
            w = 0;
          else
            {
              idf = o->score.model == TM_MODEL_BM25 ? bm25_idf (n, list.df) : _tm_idf (n, list.df);
              if (o->score.model == TM_MODEL_BM25)
                {
                  double tfw = weighted_tf (m, it.tf);
                  w = idf * tfw * (o->score.k1 + 1) / (tfw + o->score.k1 * bm25_norm);
                }
              else
                w = log_tf_of (m, it.tf) * idf;
            }
          g_array_append_val (m->doc_weights, w);
          dnorm += w * w;
        }
      if (it.bad || dnorm <= 0 || !isfinite (dnorm))
        continue;
      dnorm = sqrt (dnorm);
      _tm_index_doc_terms (m->index, target, doc, &it);
      while (_tm_posting_iter_next (&it) && j < m->doc_weights->len)
        {
          double w = g_array_index (m->doc_weights, double, j++);

          if (w > 0)
            fed_add (m, target, (guint32) it.doc, NULL, beta * w / (dnorm * k));
        }
    }

  g_array_sort (m->fed, compare_query_terms);
  if (m->fed->len - n_used > o->feedback_terms)   /* fed holds the n_used terms */
    g_array_set_size (m->fed, n_used + o->feedback_terms);
  swap = m->terms;
  m->terms = m->fed;
  m->fed = swap;
}

/* The kept terms the feedback added, for explain. */
static void
list_added (TmMatcher *m, TmResults *results)
{
  results->feedback = g_array_new (FALSE, FALSE, sizeof (TmFeedbackTerm));
  for (guint t = 0; t < results->n_used_terms; t++)
    {
      const QueryTerm *q = &g_array_index (m->terms, QueryTerm, t);
      TmFeedbackTerm f;

      if (!q->added)
        continue;
      f.term = g_string_chunk_insert_const (results->strings, tm_index_term_text (m->index, q->list.term));
      f.weight = q->weight;
      g_array_append_val (results->feedback, f);
    }
}

/* The query in m->terms, fed back if asked: the one entry to the scorer
 * of match, explain and batch. */
static TmResults *
run_query (TmMatcher *m, TmLibrary target, const TmMatchOptions *o, GError **error)
{
  g_autoptr(TmResults) first = NULL;
  TmMatchOptions fo;
  TmResults *results;

  if (o->feedback == 0)
    return run (m, target, o, error);

  /* The first run: the scoring alone (see TmMatchOptions). */
  fo = *o;
  fo.top = MIN (o->feedback, TM_MAX_FEEDBACK);
  fo.min_score = 0;
  fo.domains = fo.regions = fo.ips = NULL;
  fo.min_trl = 0;
  fo.explain = FALSE;
  fo.only_doc = G_MAXUINT32;
  fo.exclude = NULL;
  fo.feedback = 0;
  if ((first = run (m, target, &fo, error)) == NULL)
    return NULL;
  if (first->results->len > 0)
    feed_back (m, target, o, first);
  if ((results = run (m, target, o, error)) == NULL)
    return NULL;
  results->n_feedback_docs = first->results->len;
  if (o->explain)
    list_added (m, results);
  return results;
}

static void
begin_query (TmMatcher *m, const TmMatchOptions *o)
{
  g_hash_table_remove_all (m->qtf);
  g_string_chunk_clear (m->strings);
  m->params = &o->score;
  m->source_doc = G_MAXUINT32;
}

TmResults *
tm_matcher_run_record (TmMatcher *m, const TmRecord *record, TmLibrary target,
                       const TmMatchOptions *o, GError **error)
{
  begin_query (m, o);
  if (!_tm_index_analyze_record (m->analyzer, m->analysis, record, add_query_term, NULL, m, error))
    return NULL;
  if (g_hash_table_size (m->qtf) == 0)
    {
      g_set_error (error, TM_ERROR, TM_ERROR_BAD_QUERY, _("%s has no term to match on"), record->id);
      return NULL;
    }
  weigh_terms (m, target);
  return run_query (m, target, o, error);
}

/* A posting list with no entry: a query term the target partition lacks. */
static const guint8 no_postings[1];

/* The query from the forward list of a stored document: the same terms
 * and frequencies analysis would give, without analysis.  The terms and
 * their weights come from @source_index, whose statistics for @target
 * are the target's own or, for partitions, the global ones both were
 * built with: the query is the same whichever partition it runs
 * against, and the same as the whole index's.  Its terms are then found
 * in the matcher's index, by number when it is @source_index, by text
 * otherwise. */
static gboolean
doc_query (TmMatcher *m, const TmIndex *source_index, TmLibrary source, guint32 doc, TmLibrary target,
           const TmMatchOptions *o, GError **error)
{
  guint32 n = _tm_index_stats_n (source_index, target);
  TmForwardIter it;

  begin_query (m, o);
  m->source_doc = source_index == m->index ? doc : G_MAXUINT32;
  g_array_set_size (m->terms, 0);
  g_array_set_size (m->extra, 0);
  if (!_tm_index_doc_terms (source_index, source, doc, &it))
    {
      tm_index_check (source_index, error);
      return FALSE;
    }
  while (_tm_posting_iter_next (&it))
    {
      QueryTerm q;
      guint32 df;

      memset (&q, 0, sizeof q);
      q.tf = weighted_tf (m, it.tf);
      if (q.tf <= 0)
        continue;
      if ((df = _tm_index_stats_df (source_index, (guint32) it.doc, target)) == 0)
        {
          if (source_index == m->index)
            add_extra (m, target, (guint32) it.doc, q.tf);
          continue;
        }
      q.list.term = (guint32) it.doc;
      q.idf = o->score.model == TM_MODEL_BM25 ? bm25_idf (n, df) : _tm_idf (n, df);
      q.weight = _tm_log_tf (q.tf) * q.idf;
      g_array_append_val (m->terms, q);
    }
  if (!tm_index_check (source_index, error))
    return FALSE;
  /* Ties in the source's term order: the byte order of the terms, the
   * same in every partition. */
  g_array_sort (m->terms, compare_query_terms);
  g_array_sort (m->extra, compare_query_terms);
  for (guint t = 0; t < m->terms->len; t++)
    {
      QueryTerm *q = &g_array_index (m->terms, QueryTerm, t);
      guint32 term = q->list.term;
      gboolean found;

      if (source_index == m->index)
        found = _tm_index_term_postings (m->index, term, target, &q->list);
      else
        {
          /* The text is the source's, looked up in the target. */
          q->text = tm_index_term_text (source_index, term);
          found = _tm_index_lookup (m->index, target, q->text, strlen (q->text), &q->list);
          term = G_MAXUINT32;
        }
      if (!found)
        {
          memset (&q->list, 0, sizeof q->list);
          q->list.term = term;
          q->list.postings = no_postings;
          q->list.n_docs = tm_index_get_n_docs (m->index, target);
        }
    }
  return tm_index_check (m->index, error);
}

static TmResults *
run_doc (TmMatcher *m, const TmIndex *source_index, TmLibrary source, guint32 doc, TmLibrary target,
         const TmMatchOptions *o, GError **error)
{
  if (!doc_query (m, source_index, source, doc, target, o, error))
    return NULL;
  return run_query (m, target, o, error);
}

/* The blocks of documents the prepared scan goes through at a time:
 * 1,024 vectors of 128 bytes stay in the second-level cache while every
 * query of the block passes over them. */
#define PREPARE_TILE 1024
/* At most this many queries a block, and the rows at most this many
 * bytes (8 queries at 10^6 documents). */
#define PREPARE_QUERIES 16
#define PREPARE_BYTES (32u << 20)

static gsize prepare_bytes = PREPARE_BYTES;

void
_tm_matcher_set_prepare_bytes_for_test (gsize bytes)
{
  prepare_bytes = bytes > 0 ? bytes : PREPARE_BYTES;
}

guint
_tm_matcher_block_hits (const TmMatcher *m)
{
  return m->block_hits;
}

guint
tm_matcher_prepare_docs (TmMatcher *m, TmLibrary source, const guint32 *docs, guint n_docs,
                         TmLibrary target, const TmMatchOptions *o)
{
  guint k = _tm_index_latent_rank (m->index);
  guint32 n = tm_index_get_n_docs (m->index, target);
  guint cap, taken;

  m->block_len = 0;
  if (n_docs == 0)
    return 0;
  if (o->semantic <= 0 || !latent_ready (m, target))
    return n_docs;
  cap = (guint) MAX (1, MIN (PREPARE_QUERIES, prepare_bytes / ((gsize) n * sizeof (float))));
  taken = MIN (n_docs, cap);
  /* The rows' room depends on the target's size as well as on cap. */
  if (m->block_alloc < (gsize) cap * n)
    {
      g_free (m->block);
      m->block_alloc = (gsize) cap * n;
      m->block = g_new (float, m->block_alloc);
    }
  if (m->block_cap < cap)
    {
      m->block_q = g_renew (gint16, m->block_q, (gsize) cap * k);
      m->block_qscale = g_renew (float, m->block_qscale, cap);
      m->block_cap = cap;
    }
  m->block_target = target;
  /* Each query as run_doc() and run() will make it; one that cannot be
   * made is left to them, which say why. */
  for (guint i = 0; i < taken; i++)
    {
      guint n_used;
      float qscale;

      begin_query (m, o);
      if (!doc_query (m, m->index, source, docs[i], target, o, NULL))
        continue;
      n_used = kept_terms (m, o);
      if ((n_used == 0 && m->extra->len == 0) || !latent_query (m, n_used, o->max_terms, &qscale))
        continue;
      memcpy (m->block_q + (gsize) m->block_len * k, m->qlatent16, k * sizeof (gint16));
      m->block_qscale[m->block_len++] = qscale;
    }
  for (guint32 d0 = 0; d0 < n; d0 += PREPARE_TILE)
    {
      guint32 count = MIN (PREPARE_TILE, n - d0);

      for (guint j = 0; j < m->block_len; j++)
        tm_lsa_score_all (m->block_q + (gsize) j * k, m->block_qscale[j],
                          m->latent_docs[target] + (gsize) d0 * k, m->latent_scales[target] + d0, count, k,
                          m->block + (gsize) j * n + d0);
    }
  return taken;
}

TmResults *
tm_matcher_run_doc (TmMatcher *m, TmLibrary source, guint32 doc, TmLibrary target,
                    const TmMatchOptions *o, GError **error)
{
  return run_doc (m, m->index, source, doc, target, o, error);
}

TmResults *
tm_matcher_run_doc_from (TmMatcher *m, const TmIndex *source_index, TmLibrary source, guint32 doc,
                         TmLibrary target, const TmMatchOptions *o, GError **error)
{
  return run_doc (m, source_index, source, doc, target, o, error);
}

TmResults *
tm_matcher_run_text (TmMatcher *m, const char *text, gssize len, TmLibrary target,
                     const TmMatchOptions *o, GError **error)
{
  begin_query (m, o);
  if (!tm_analyzer_analyze (m->analyzer, m->analysis, TM_IFIELD_BODY, text, len, add_query_term, m, error))
    return NULL;
  if (g_hash_table_size (m->qtf) == 0)
    {
      g_set_error (error, TM_ERROR, TM_ERROR_BAD_QUERY, _("the query text has no term to match on"));
      return NULL;
    }
  weigh_terms (m, target);
  return run_query (m, target, o, error);
}

/* tm-match.c — the scorer (see tm-match.h).
 *
 * Term at a time: for each kept query term, its postings in the target
 * library add into an accumulator array (one slot per document, owned by
 * the matcher and reset through the list of touched slots, so a query
 * costs what its postings cost, not what the library's size costs).  The
 * candidates then go through the filters into a bounded heap.
 */
#include "config.h"

#include <math.h>
#include <string.h>

#include "tm-error.h"
#include "tm-match.h"
#include "tm-private.h"

typedef struct {
  const char *text;        /* in the matcher's strings */
  double tf;               /* field-weighted, in the query */
  double weight;           /* query weight */
  double idf;
  TmPostingList list;
} QueryTerm;

struct _TmMatcher {
  const TmIndex *index;
  const TmAnalyzer *analyzer;
  TmAnalysis *analysis;
  GHashTable *qtf;                 /* term → double * (field-weighted tf) */
  GStringChunk *strings;
  GArray *terms;                   /* QueryTerm */
  double *acc[TM_N_LIBRARIES];
  GArray *touched;                 /* guint32 */
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
  m->touched = g_array_new (FALSE, FALSE, sizeof (guint32));
  for (int l = 0; l < TM_N_LIBRARIES; l++)
    m->avg_length[l] = -1;
  return m;
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
  g_array_unref (m->touched);
  for (int l = 0; l < TM_N_LIBRARIES; l++)
    {
      g_free (m->acc[l]);
      g_free (m->norms[l]);
      g_free (m->stored_norms[l]);
    }
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
    }
  g_array_unref (r->results);
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

/* Weighs the collected query terms against @target, strongest first. */
static void
weigh_terms (TmMatcher *m, TmLibrary target)
{
  guint n = tm_index_get_n_docs (m->index, target);
  GHashTableIter iter;
  gpointer key, value;

  g_array_set_size (m->terms, 0);
  g_hash_table_iter_init (&iter, m->qtf);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      QueryTerm q;

      memset (&q, 0, sizeof q);
      q.text = key;
      q.tf = *(double *) value;
      if (!_tm_index_lookup (m->index, target, q.text, strlen (q.text), &q.list))
        continue;
      q.idf = m->params->model == TM_MODEL_BM25 ? bm25_idf (n, q.list.df) : _tm_idf (n, q.list.df);
      q.weight = _tm_log_tf (q.tf) * q.idf;
      g_array_append_val (m->terms, q);
    }
  g_array_sort (m->terms, compare_query_terms);
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

static double
average_length (TmMatcher *m, TmLibrary target)
{
  guint n = tm_index_get_n_docs (m->index, target);

  if (m->avg_length[target] >= 0 && same_weights (m->params->weights, m->avg_weights[target]))
    return m->avg_length[target];
  m->avg_length[target] = 0;
  for (guint32 d = 0; d < n; d++)
    m->avg_length[target] += doc_length (m, target, d);
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
      return _tm_log_tf (q->tf) * q->idf * s;
    }
  *doc_weight = log_tf_of (m, tf) * q->idf;
  return q->weight * *doc_weight;
}

static double
bm25_norm_of (TmMatcher *m, TmLibrary target, guint32 doc, double avg)
{
  return 1 - m->params->b + m->params->b * doc_length (m, target, doc) / avg;
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
         const double *norms, double avg)
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

/* ---- running a query ------------------------------------------------------------ */

static TmResults *
run (TmMatcher *m, TmLibrary target, const TmMatchOptions *o, GError **error)
{
  g_autoptr(TmResults) results = g_new0 (TmResults, 1);
  guint n = tm_index_get_n_docs (m->index, target);
  guint n_used;
  double qnorm = 0, avg = 1;
  const double *norms = NULL;
  double *acc;
  GArray *heap;
  guint k;

  results->target = target;
  results->results = g_array_new (FALSE, FALSE, sizeof (TmResult));
  results->strings = g_string_chunk_new (1024);
  ensure_log_table (m);
  results->n_query_terms = m->terms->len;
  n_used = o->max_terms > 0 ? MIN (o->max_terms, m->terms->len) : m->terms->len;
  results->n_used_terms = n_used;
  if (n_used == 0 || n == 0)
    return tm_index_check (m->index, error) ? g_steal_pointer (&results) : NULL;

  if (m->acc[target] == NULL)
    m->acc[target] = g_new0 (double, n);
  acc = m->acc[target];
  if (o->score.model == TM_MODEL_BM25)
    avg = average_length (m, target);
  else
    {
      norms = norms_for (m, target);
      for (guint t = 0; t < n_used; t++)
        {
          double w = g_array_index (m->terms, QueryTerm, t).weight;
          qnorm += w * w;
        }
      qnorm = sqrt (qnorm);
    }

  /* Accumulate: the hot loop of batch.  TF-IDF computes what
   * term_score() does, q->weight * (log-tf × idf), inline. */
  g_array_set_size (m->touched, 0);
  for (guint t = 0; t < n_used; t++)
    {
      const QueryTerm *q = &g_array_index (m->terms, QueryTerm, t);
      gboolean bm25 = o->score.model == TM_MODEL_BM25;
      TmPostingIter it;

      _tm_posting_iter_init (&it, &q->list);
      while (_tm_posting_iter_next (&it))
        {
          double dw, s;
          guint32 doc = (guint32) it.doc;

          if (bm25)
            s = term_score (m, q, it.tf, &dw, bm25_norm_of (m, target, doc, avg));
          else
            s = q->weight * (log_tf_of (m, it.tf) * q->idf);
          if (acc[doc] == 0)
            g_array_append_val (m->touched, doc);
          acc[doc] += s;
        }
      if (it.bad)
        break;              /* recorded: tm_index_check() below fails */
    }

  /* Filter and keep the best K. */
  k = o->top > 0 ? o->top : G_MAXUINT;
  heap = g_array_new (FALSE, FALSE, sizeof (Hit));
  for (guint i = 0; i < m->touched->len; i++)
    {
      guint32 doc = g_array_index (m->touched, guint32, i);
      Hit h = { acc[doc], doc };

      acc[doc] = 0;
      if (o->only_doc != G_MAXUINT32 && doc != o->only_doc)
        continue;
      if (o->score.model == TM_MODEL_TFIDF)
        {
          double dnorm = norms ? norms[doc] : _tm_index_doc_norm (m->index, target, doc);
          h.score = h.score / (qnorm * (dnorm > 0 ? dnorm : 1));
          if (h.score > 1.0)
            h.score = 1.0;  /* rounding: a cosine is at most 1 */
        }
      /* Whatever the weights and the index hold, no score is NaN or
       * infinite: such a pair does not match (and never reaches a
       * ranking, a histogram or an output). */
      if (!isfinite (h.score))
        continue;
      if (h.score < o->min_score || h.score <= 0 || !passes (m, target, doc, o))
        continue;
      if (o->exclude != NULL && o->exclude (target, m->source_doc, doc, o->exclude_data))
        continue;
      if (heap->len < k)
        {
          g_array_append_val (heap, h);
          if (heap->len == k)
            for (guint j = k / 2; j-- > 0;)
              sift_down ((Hit *) heap->data, heap->len, j);
        }
      else if (worse (&g_array_index (heap, Hit, 0), &h))
        {
          g_array_index (heap, Hit, 0) = h;
          sift_down ((Hit *) heap->data, heap->len, 0);
        }
    }
  g_array_sort (heap, compare_hits);
  for (guint i = 0; i < heap->len; i++)
    {
      TmResult r = { g_array_index (heap, Hit, i).doc, g_array_index (heap, Hit, i).score, NULL, NULL };
      g_array_append_val (results->results, r);
    }
  g_array_unref (heap);

  if (o->explain)
    explain (m, results, n_used, target, qnorm, norms, avg);
  if (!tm_index_check (m->index, error))
    return NULL;
  return g_steal_pointer (&results);
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
      g_set_error (error, TM_ERROR, TM_ERROR_BAD_QUERY, "%s has no term to match on", record->id);
      return NULL;
    }
  weigh_terms (m, target);
  return run (m, target, o, error);
}

/* The query from the forward list of a stored document: the same terms
 * and frequencies analysis would give, without analysis. */
TmResults *
tm_matcher_run_doc (TmMatcher *m, TmLibrary source, guint32 doc, TmLibrary target,
                    const TmMatchOptions *o, GError **error)
{
  guint n = tm_index_get_n_docs (m->index, target);
  TmForwardIter it;

  begin_query (m, o);
  m->source_doc = doc;
  g_array_set_size (m->terms, 0);
  if (!_tm_index_doc_terms (m->index, source, doc, &it))
    {
      tm_index_check (m->index, error);
      return NULL;
    }
  while (_tm_posting_iter_next (&it))
    {
      QueryTerm q;

      memset (&q, 0, sizeof q);
      q.tf = weighted_tf (m, it.tf);
      if (q.tf <= 0 || !_tm_index_term_postings (m->index, (guint32) it.doc, target, &q.list))
        continue;
      /* The text is looked up only to explain. */
      q.idf = o->score.model == TM_MODEL_BM25 ? bm25_idf (n, q.list.df) : _tm_idf (n, q.list.df);
      q.weight = _tm_log_tf (q.tf) * q.idf;
      g_array_append_val (m->terms, q);
    }
  if (!tm_index_check (m->index, error))
    return NULL;
  g_array_sort (m->terms, compare_query_terms);
  return run (m, target, o, error);
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
      g_set_error (error, TM_ERROR, TM_ERROR_BAD_QUERY, "the query text has no term to match on");
      return NULL;
    }
  weigh_terms (m, target);
  return run (m, target, o, error);
}

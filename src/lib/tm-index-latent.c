/* tm-index-latent.c — the latent layer of an index: one truncated SVD
 * (tm-lsa.h) of both libraries' weighted document × term matrix, and the
 * two sections it leaves (tm-index-format.h: LATENT, LATENT_TERMS).
 *
 * One space for both libraries, not one per library: a demand is worded
 * by an engineer and an achievement by an academic, and only documents
 * of both kinds in one matrix tie the one's words to the other's (a term
 * that no achievement holds, 违章, still has a projection learnt from
 * the demands that hold it beside words the achievements share).  The
 * query side then needs one projection per term, whatever the target.
 *
 * The matrix: a row per document (the demands, then the achievements),
 * its entries the weights the lexical scorer gives the document's terms,
 * (1 + ln tf') × idf / norm with the document's own library's idf and its
 * stored norm, so each row is the document's unit TF-IDF vector.  Its
 * columns are the terms held by at least two documents: a term of one
 * document ties nothing to anything, and at 10^5 records those are about
 * half the dictionary.
 *
 * A ≈ U Σ Vᵀ.  A document's latent vector is its row of U Σ (= A V, what
 * folding its own terms in gives), a term's projection its row of V: a
 * query folds in as Σ w_t V_t over its kept terms with their query
 * weights, and is compared with the documents by cosine.  Both are
 * stored as int8 with one scale per vector (each coordinate within half
 * a step of 1/127 of the vector's largest): a quarter of float32, and a
 * query's scan, the cost the layer adds to every query, reads n × k
 * bytes (12.8 MB at 100,000 × 128).  A float32 layer was not measured
 * against it.
 *
 * The rank, TM_DEFAULT_LATENT_RANK (128), and one power pass were chosen
 * on tests/eval (BENCHMARKS.md): at 64 and at 192 or 256 the short
 * queries gain less, and without the power pass (4 s less at 100,000
 * records) they gain about half as much.  The seed is tm-lsa.c's.
 */
#include "config.h"

#include <math.h>
#include <string.h>

#include "tm-error.h"
#include "tm-index-format.h"
#include "tm-lsa.h"
#include "tm-private.h"

/* The entries of document row @r's forward list. */
static guint64
count_entries (const TmLatentInput *in, guint32 r)
{
  TmPostingList list;
  TmPostingIter it;
  guint64 n = 0;

  memset (&list, 0, sizeof list);
  list.postings = in->forward + in->forward_offsets[r];
  list.postings_len = in->forward_offsets[r + 1] - in->forward_offsets[r];
  list.n_docs = in->n_terms;
  list.forward = TRUE;
  _tm_posting_iter_init (&it, &list);
  while (_tm_posting_iter_next (&it))
    n++;
  return n;
}

gboolean
_tm_index_latent_build (const TmLatentInput *in, TmBuf *latent, TmBuf *terms, GError **error)
{
  guint32 n_docs = in->n_docs[TM_LIBRARY_DEMAND] + in->n_docs[TM_LIBRARY_ACHIEVEMENT];
  g_autofree guint32 *col_of = g_new (guint32, MAX (in->n_terms, 1));
  g_autofree guint32 *term_of = NULL;
  g_autofree guint64 *row_start = g_new0 (guint64, (gsize) n_docs + 1);
  g_autofree double *idf = NULL;
  g_autofree gint8 *qv = NULL;
  GArray *cols, *vals;
  g_autoptr(TmLsa) lsa = NULL;
  TmLsaOptions lo;
  TmSparse a;
  guint32 n_cols = 0;
  guint k;
  gsize scales, vectors;
  guint8 *head;

  _tm_buf_set_size (latent, TM_INDEX_LATENT_HEAD);
  memset (latent->data, 0, TM_INDEX_LATENT_HEAD);
  _tm_buf_set_size (terms, 0);
  if (in->rank == 0 || n_docs == 0)
    return TRUE;

  /* The vocabulary: terms of two documents or more, in term order. */
  for (guint32 t = 0; t < in->n_terms; t++)
    {
      guint64 df = (guint64) in->df[2 * t] + in->df[2 * t + 1];

      col_of[t] = df >= 2 ? n_cols++ : G_MAXUINT32;
    }
  if (n_cols == 0)
    return TRUE;
  term_of = g_new (guint32, n_cols);
  idf = g_new (double, (gsize) n_cols * TM_N_LIBRARIES);
  for (guint32 t = 0; t < in->n_terms; t++)
    if (col_of[t] != G_MAXUINT32)
      {
        term_of[col_of[t]] = t;
        for (int l = 0; l < TM_N_LIBRARIES; l++)
          idf[(gsize) col_of[t] * 2 + l] = _tm_idf (in->stats_n[l], in->stats_df[2 * t + l]);
      }

  /* The rows, from the forward lists (term order: columns increase),
   * the arrays sized from the lists' entries (at most one each). */
  {
    guint64 entries = 0;

    for (guint32 r = 0; r < n_docs; r++)
      entries += count_entries (in, r);
    cols = g_array_sized_new (FALSE, FALSE, sizeof (guint32), (guint) MAX (entries, 1));
    vals = g_array_sized_new (FALSE, FALSE, sizeof (float), (guint) MAX (entries, 1));
  }
  for (guint32 r = 0; r < n_docs; r++)
    {
      TmLibrary l = r < in->n_docs[TM_LIBRARY_DEMAND] ? TM_LIBRARY_DEMAND : TM_LIBRARY_ACHIEVEMENT;
      guint32 doc = l == TM_LIBRARY_DEMAND ? r : r - in->n_docs[TM_LIBRARY_DEMAND];
      double norm = (double) (float) in->norms[l][doc];
      TmPostingList list;
      TmPostingIter it;

      memset (&list, 0, sizeof list);
      list.postings = in->forward + in->forward_offsets[r];
      list.postings_len = in->forward_offsets[r + 1] - in->forward_offsets[r];
      list.n_docs = in->n_terms;
      list.forward = TRUE;
      _tm_posting_iter_init (&it, &list);
      while (_tm_posting_iter_next (&it))
        {
          guint32 c = col_of[it.doc];
          const double *w = in->weights;
          float v;

          if (c == G_MAXUINT32)
            continue;
          v = (float) (_tm_log_tf (w[0] * it.tf[0] + w[1] * it.tf[1] + w[2] * it.tf[2])
                       * idf[(gsize) c * 2 + l] / (norm > 0 ? norm : 1));
          if (v == 0)
            continue;
          g_array_append_val (cols, c);
          g_array_append_val (vals, v);
        }
      /* The lists were written by this build: not decoding is a bug. */
      g_assert (!it.bad);
      row_start[r + 1] = cols->len;
    }
  if (in->read_done != NULL && !in->read_done (in->user_data, error))
    {
      g_array_unref (cols);
      g_array_unref (vals);
      return FALSE;
    }
  a.n_rows = n_docs;
  a.n_cols = n_cols;
  a.row_start = row_start;
  a.col = (const guint32 *) cols->data;
  a.val = (const float *) vals->data;

  tm_lsa_options_init (&lo);
  lo.rank = in->rank;
  lo.jobs = in->jobs;
  if (a.row_start[n_docs] > 0)
    lsa = tm_lsa_compute (&a, &lo, error);
  g_array_unref (cols);
  g_array_unref (vals);
  if (a.row_start[n_docs] == 0)
    return TRUE;
  if (lsa == NULL)
    return FALSE;
  k = lsa->rank;

  head = latent->data;
  _tm_put_le32 (head, k);
  _tm_put_le32 (head + 4, n_cols);
  _tm_put_le32 (head + 8, in->n_docs[TM_LIBRARY_DEMAND]);
  _tm_put_le32 (head + 12, in->n_docs[TM_LIBRARY_ACHIEVEMENT]);
  _tm_put_le64 (head + 16, lo.seed);
  _tm_put_le32 (head + 24, lo.oversample);
  _tm_put_le32 (head + 28, lo.power_iterations);
  _tm_put_lef64 (head + 32, k > 0 ? lsa->sigma[0] : 0);

  /* Σ, then the documents: U Σ, unit length, quantized. */
  scales = _tm_index_latent_scales_offset (n_docs, k);
  vectors = _tm_index_latent_vectors_offset (k);
  _tm_buf_set_size (latent, scales + (gsize) n_docs * 4);
  memset (latent->data + TM_INDEX_LATENT_HEAD, 0, scales - TM_INDEX_LATENT_HEAD);
  for (guint j = 0; j < k; j++)
    _tm_put_lef64 (latent->data + TM_INDEX_LATENT_HEAD + 8 * j, lsa->sigma[j]);
  {
    g_autofree float *v = g_new (float, k);

    for (guint32 r = 0; r < n_docs; r++)
      {
        const float *u = lsa->u + (gsize) r * k;
        double len = 0;
        float scale;

        for (guint j = 0; j < k; j++)
          {
            v[j] = (float) (u[j] * lsa->sigma[j]);
            len += (double) v[j] * v[j];
          }
        len = sqrt (len);
        for (guint j = 0; j < k; j++)
          v[j] = len > 0 ? (float) (v[j] / len) : 0;
        scale = tm_lsa_quantize (v, k, (gint8 *) latent->data + vectors + (gsize) r * k);
        _tm_put_lef32 (latent->data + scales + (gsize) r * 4, scale);
      }
  }

  /* Terms: their rows of V. */
  _tm_buf_set_size (terms, (gsize) n_cols * (TM_INDEX_LATENT_TERM_HEAD + k));
  for (guint32 c = 0; c < n_cols; c++)
    {
      guint8 *e = terms->data + (gsize) c * (TM_INDEX_LATENT_TERM_HEAD + k);
      float scale;

      _tm_put_le32 (e, term_of[c]);
      scale = tm_lsa_quantize (lsa->v + (gsize) c * k, k, (gint8 *) e + TM_INDEX_LATENT_TERM_HEAD);
      _tm_put_lef32 (e + 4, scale);
    }
  return TRUE;
}

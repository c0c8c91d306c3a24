/* tm-lsa.h — latent semantic analysis: a truncated SVD of a sparse
 * matrix by a randomized range finder, and the small vector arithmetic
 * the scorer does with its factors.
 *
 * The index builder hands tm_lsa_compute() the weighted document × term
 * matrix of both libraries; it keeps the term factors (how each term
 * projects into the latent space) and each document's projection.  A
 * query is projected the same way and compared by cosine.  The module
 * knows nothing of terms or documents: rows and columns only.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* A sparse matrix in compressed rows: the entries of row r are
 * col[row_start[r] .. row_start[r + 1]) with their values, columns
 * increasing.  Borrowed: the caller owns the arrays. */
typedef struct {
  guint32 n_rows, n_cols;
  const guint64 *row_start;  /* n_rows + 1 */
  const guint32 *col;
  const float *val;
} TmSparse;

typedef struct {
  guint rank;                /* k: singular triplets wanted */
  guint oversample;          /* p: extra columns of the sketch */
  guint power_iterations;    /* q: passes that sharpen the spectrum */
  guint64 seed;              /* of the Gaussian test matrix */
  guint jobs;                /* threads for the sparse products; 0 = one per core */
} TmLsaOptions;

void tm_lsa_options_init (TmLsaOptions *options);

typedef struct {
  guint rank;                /* computed: at most min(rows, cols, options->rank) */
  guint32 n_rows, n_cols;
  double *sigma;             /* rank singular values, decreasing */
  float *u;                  /* n_rows × rank, row-major: left vectors (documents) */
  float *v;                  /* n_cols × rank, row-major: right vectors (terms) */
} TmLsa;

/* Computes A ≈ U diag(sigma) Vᵀ for the @rank largest singular values
 * of @a (Halko, Martinsson and Tropp's randomized range finder with
 * @power_iterations power passes, then a QR and a small SVD).  The
 * result depends only on @a and @options minus @jobs: the same bytes
 * for any number of threads.  Errors: TM_ERROR_INVALID when the matrix
 * is empty or the rank 0, TM_ERROR_FAILED when LAPACK fails or LAPACKE
 * cannot be loaded (the first call loads it).  transfer full: free with
 * tm_lsa_free(). */
TmLsa *tm_lsa_compute (const TmSparse *a, const TmLsaOptions *options, GError **error);
void   tm_lsa_free (TmLsa *lsa);

/* Call at the start of the program, before any thread (it may set an
 * environment variable), for factors with the same bytes on every
 * processor: OpenBLAS picks its kernels for the processor when it loads,
 * and those of AVX-512 round differently from those of AVX2.  Where the
 * processor can run OpenBLAS's Haswell kernels and OPENBLAS_CORETYPE is
 * unset, it asks for those. */
void   tm_lsa_prepare (void);

/* The products A·X for a dense row-major X of @n_cols × @width:
 * @out (a->n_rows × @width) is overwritten.  Row sums in a fixed order,
 * whatever @jobs. */
void tm_lsa_sparse_times (const TmSparse *a, const float *x, guint width, float *out, guint jobs);

/* The products Aᵀ·X for a dense row-major X of a->n_rows × @width:
 * @out (a->n_cols × @width) is overwritten, each row summed over A's
 * rows in increasing order, whatever @jobs: the bytes a product over an
 * explicit transpose gives. */
void tm_lsa_sparse_times_transposed (const TmSparse *a, const float *x, guint width, float *out, guint jobs);

/* ---- vectors as the index stores them ---- */

/* Quantizes @v (@k floats) to int8 with one scale: out[i] × scale ≈
 * v[i].  Returns the scale (0 for a zero vector). */
float tm_lsa_quantize (const float *v, guint k, gint8 *out);

/* Σ a[i] × b[i] over @k int8 entries, exactly (an integer). */
gint32 tm_lsa_dot_i8 (const gint8 *a, const gint8 *b, guint k);

/* The dot product of the query @q with each of @n contiguous int8
 * document vectors @docs (n × k), each scaled by its @scales entry and
 * by @q_scale: out[d] = q_scale × scales[d] × (q · docs[d]).  @q holds
 * the query's int8 entries (tm_lsa_quantize()) widened to 16 bits: the
 * products then pair up in the processor's 16-bit multiply-add. */
void tm_lsa_score_all (const gint16 *q, float q_scale, const gint8 *docs, const float *scales,
                       guint32 n, guint k, float *out);

/* The blended score: (1 − w) × lexical + w × max(latent, 0), in 0–1 when
 * both parts are.  At w = 0 it is @lexical exactly. */
static inline double
tm_lsa_blend (double lexical, double latent, double w)
{
  if (w <= 0)
    return lexical;
  return (1 - w) * lexical + w * (latent > 0 ? latent : 0);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TmLsa, tm_lsa_free)

G_END_DECLS

/* tm-lsa.c — truncated SVD by a randomized range finder (see tm-lsa.h).
 *
 * For the n × m matrix A and l = k + p columns (Halko, Martinsson and
 * Tropp 2011, algorithms 4.4 and 5.1):
 *
 *   Ω  m × l Gaussian, from our own PRNG (the same seed, the same Ω)
 *   Y = A Ω, Q = orth(Y)                      n × l
 *   q times: Z = orth(Aᵀ Q), Q = orth(A Z)    the power passes
 *   Bᵀ = Aᵀ Q                                 m × l  (B = Qᵀ A)
 *   Bᵀ = Q₂ R, R = Uᵣ S Wᵣᵀ                   QR, then the SVD of l × l
 *   A ≈ Q B = (Q Wᵣ) S (Q₂ Uᵣ)ᵀ               U = Q Wᵣ, V = Q₂ Uᵣ
 *
 * The sparse products are written here: A·X by ranges of rows, Aᵀ·X by
 * ranges of columns over A's own rows (no transpose is held), each
 * entry summed in the same order whatever the thread count; the
 * dense steps (QR, the small SVD, dense products) are LAPACK and BLAS,
 * run on one thread so that the build gives the same bytes every time.
 * LAPACKE and the BLAS are loaded at the first factorization (see
 * dense_load()), not linked: no other command pays for them.
 */
#include "config.h"

#include <dlfcn.h>
#include <math.h>
#include <string.h>

#include <cblas.h>
#include <lapacke.h>

#include "tm-error.h"
#include "tm-i18n.h"
#include "tm-lsa.h"

void
tm_lsa_options_init (TmLsaOptions *o)
{
  memset (o, 0, sizeof *o);
  o->rank = 128;
  /* Halko et al. advise p = 5–10 for a sharp spectrum; a text matrix's
   * spectrum decays slowly, and more columns cost little here. */
  o->oversample = 16;
  /* One power pass already brings a slowly decaying spectrum close to
   * the exact truncated SVD; each further pass costs two sparse passes. */
  o->power_iterations = 1;
  o->seed = 20251;
  o->jobs = 0;
}

void
tm_lsa_free (TmLsa *lsa)
{
  if (lsa == NULL)
    return;
  g_free (lsa->sigma);
  g_free (lsa->u);
  g_free (lsa->v);
  g_free (lsa);
}

/* The two hot loops (the sparse products of the build, the int8 scan of
 * every query) are plain loops over a row that GCC vectorizes only with
 * its full cost model, which -O2 leaves out: asked for here.  Neither
 * changes a result: the product's vector lanes are distinct columns,
 * each summed in the same order, and the int8 sums are exact. */
#if defined(__GNUC__) && !defined(__clang__)
#define TM_VECTORIZE __attribute__ ((optimize ("tree-vectorize", "vect-cost-model=dynamic")))
#else
#define TM_VECTORIZE
#endif
/* The query's scan, once per query over n × k bytes, also in an AVX2
 * version chosen at load time where the processor has it; the integer
 * sums are exact, so both give the same scores.  For 100,000 × 128 here:
 * 1.5 ms with an int8 query and no AVX2, 1.0 ms with AVX2, 0.54 ms with
 * the query widened to 16 bits (one vpmaddwd per 16 entries where the
 * int8 × int8 products took a multiply and two widenings). */
#if defined(__GNUC__) && !defined(__clang__) && defined(__x86_64__) && defined(__GLIBC__)
#define TM_SCAN_CLONES __attribute__ ((target_clones ("avx2", "default")))
#else
#define TM_SCAN_CLONES
#endif

/* ---- the dense routines, loaded ------------------------------------------------ */

static struct {
  __typeof__ (cblas_dsyrk) *dsyrk;
  __typeof__ (cblas_strsm) *strsm;
  __typeof__ (cblas_sgemm) *sgemm;
  __typeof__ (LAPACKE_dpotrf) *dpotrf;
  __typeof__ (LAPACKE_sgeqrf) *sgeqrf;
  __typeof__ (LAPACKE_sorgqr) *sorgqr;
  __typeof__ (LAPACKE_dgesdd) *dgesdd;
  char *error;             /* why they could not be loaded, or NULL */
} dense;

/* Loads $TECHMATCH_LAPACKE_LIBRARY or, unset, TM_LAPACKE_LIBRARY (which
 * brings the BLAS in) and finds the routines, once; OpenBLAS is then
 * told to use one thread: it splits work in ways that can change the
 * order of float sums, and one thread keeps the factors' bytes fixed.
 * The handle is never closed. */
static gpointer
dense_load_once (gpointer data)
{
  const char *name = g_getenv ("TECHMATCH_LAPACKE_LIBRARY");
  void *lib;
  void (*set_threads) (int);

  (void) data;
  if (name == NULL || *name == '\0')
    name = TM_LAPACKE_LIBRARY;
  if ((lib = dlopen (name, RTLD_NOW | RTLD_LOCAL)) == NULL)
    {
      dense.error = g_strdup (dlerror ());
      return NULL;
    }
#define FIND(field, symbol) \
  if ((*(void **) &dense.field = dlsym (lib, symbol)) == NULL) \
    { \
      dense.error = g_strdup (dlerror ()); \
      return NULL; \
    }
  FIND (dsyrk, "cblas_dsyrk");
  FIND (strsm, "cblas_strsm");
  FIND (sgemm, "cblas_sgemm");
  FIND (dpotrf, "LAPACKE_dpotrf");
  FIND (sgeqrf, "LAPACKE_sgeqrf");
  FIND (sorgqr, "LAPACKE_sorgqr");
  FIND (dgesdd, "LAPACKE_dgesdd");
#undef FIND
  if ((*(void **) &set_threads = dlsym (lib, "openblas_set_num_threads")) != NULL)
    set_threads (1);
  return NULL;
}

static gboolean
dense_load (GError **error)
{
  static GOnce once = G_ONCE_INIT;

  g_once (&once, dense_load_once, NULL);
  if (dense.error == NULL)
    return TRUE;
  g_set_error (error, TM_ERROR, TM_ERROR_FAILED,
               _("latent layer: LAPACKE and a BLAS cannot be loaded (%s); install them "
                 "(Debian: liblapacke, libopenblas0) or index with --latent-rank 0"),
               dense.error);
  return FALSE;
}

/* ---- the random test matrix ------------------------------------------------ */

/* SplitMix64: small, fast, and the same sequence on every machine. */
static guint64
splitmix64 (guint64 *state)
{
  guint64 z = (*state += 0x9E3779B97F4A7C15ull);

  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

/* A uniform double in (0, 1): 53 random bits, never 0. */
static double
uniform (guint64 *state)
{
  return ((splitmix64 (state) >> 11) + 0.5) * (1.0 / 9007199254740992.0);
}

/* Standard normal deviates by Box–Muller, two at a time. */
static void
fill_gaussian (float *out, gsize n, guint64 seed)
{
  guint64 state = seed;

  for (gsize i = 0; i < n; i += 2)
    {
      double r = sqrt (-2.0 * log (uniform (&state)));
      double t = 2.0 * G_PI * uniform (&state);

      out[i] = (float) (r * cos (t));
      if (i + 1 < n)
        out[i + 1] = (float) (r * sin (t));
    }
}

/* ---- sparse products ---------------------------------------------------------- */

typedef struct {
  const TmSparse *a;
  const float *x;
  guint width;
  float *out;
  guint32 begin, end;           /* rows of A, or its columns for Aᵀ·X */
} Product;

static gpointer TM_VECTORIZE
product_rows (gpointer data)
{
  Product *p = data;
  const TmSparse *a = p->a;
  guint w = p->width;

  for (guint32 r = p->begin; r < p->end; r++)
    {
      float *restrict y = p->out + (gsize) r * w;

      memset (y, 0, w * sizeof *y);
      for (guint64 e = a->row_start[r]; e < a->row_start[r + 1]; e++)
        {
          const float *restrict x = p->x + (gsize) a->col[e] * w;
          float v = a->val[e];

          for (guint j = 0; j < w; j++)
            y[j] += v * x[j];
        }
    }
  return NULL;
}

/* Runs @fn on each of the @n parts, the first on this thread. */
static void
run_products (Product *parts, guint n, GThreadFunc fn)
{
  g_autofree GThread **threads = g_new0 (GThread *, n);

  for (guint k = 1; k < n; k++)
    threads[k] = g_thread_new ("tm-lsa", fn, &parts[k]);
  fn (&parts[0]);
  for (guint k = 1; k < n; k++)
    g_thread_join (threads[k]);
}

void
tm_lsa_sparse_times (const TmSparse *a, const float *x, guint width, float *out, guint jobs)
{
  guint n = jobs > 0 ? jobs : g_get_num_processors ();
  g_autofree Product *parts = NULL;

  n = MAX (1, MIN (n, a->n_rows / 256 + 1));
  parts = g_new0 (Product, n);
  for (guint k = 0; k < n; k++)
    parts[k] = (Product) { a, x, width, out,
                           (guint32) ((guint64) a->n_rows * k / n),
                           (guint32) ((guint64) a->n_rows * (k + 1) / n) };
  run_products (parts, n, product_rows);
}

/* Aᵀ·X without Aᵀ: each thread owns a range of A's columns (the rows
 * of the result) and walks every row of A, adding the entries that fall
 * in its range.  Each result row is summed over A's rows in increasing
 * order, as a product over the transpose would sum it, so the bytes are
 * the same for any number of threads; and A's entries are not held a
 * second time (12 million entries, 96 MB, at 110,000 documents). */
static gpointer TM_VECTORIZE
product_cols (gpointer data)
{
  Product *p = data;
  const TmSparse *a = p->a;
  guint w = p->width;

  memset (p->out + (gsize) p->begin * w, 0, (gsize) (p->end - p->begin) * w * sizeof *p->out);
  for (guint32 r = 0; r < a->n_rows; r++)
    {
      const float *restrict x = p->x + (gsize) r * w;
      guint64 e = a->row_start[r], stop = a->row_start[r + 1];

      /* Columns increase along a row: skip to the range, stop past it. */
      if (p->begin > 0)
        {
          guint64 lo = e, hi = stop;

          while (lo < hi)
            {
              guint64 mid = lo + (hi - lo) / 2;

              if (a->col[mid] < p->begin)
                lo = mid + 1;
              else
                hi = mid;
            }
          e = lo;
        }
      for (; e < stop && a->col[e] < p->end; e++)
        {
          float *restrict y = p->out + (gsize) a->col[e] * w;
          float v = a->val[e];

          for (guint j = 0; j < w; j++)
            y[j] += v * x[j];
        }
    }
  return NULL;
}

void
tm_lsa_sparse_times_transposed (const TmSparse *a, const float *x, guint width, float *out, guint jobs)
{
  guint n = jobs > 0 ? jobs : g_get_num_processors ();
  guint64 nnz = a->row_start[a->n_rows];
  g_autofree guint64 *per_col = NULL;
  g_autofree Product *parts = NULL;
  guint64 sum = 0;
  guint32 c = 0;

  n = MAX (1, MIN (n, a->n_cols / 256 + 1));
  parts = g_new0 (Product, n);
  /* Ranges of about equal entries: the work is in the entries. */
  per_col = g_new0 (guint64, MAX (a->n_cols, 1));
  for (guint64 e = 0; e < nnz; e++)
    per_col[a->col[e]]++;
  for (guint k = 0; k < n; k++)
    {
      guint32 begin = c;

      if (k + 1 == n)
        c = a->n_cols;
      else
        while (c < a->n_cols && sum < nnz * (k + 1) / n)
          sum += per_col[c++];
      parts[k] = (Product) { a, x, width, out, begin, c };
    }
  run_products (parts, n, product_cols);
}

/* ---- dense steps ------------------------------------------------------------------ */

static gboolean householder (float *y, guint32 rows, guint cols, GError **error);

/* Rows of Y converted to double at a time for the Gram matrix. */
#define GRAM_BLOCK 2048

/* Cholesky QR, twice (Fukaya, Nakatsukasa et al.'s CholeskyQR2): G = YᵀY
 * summed in double by blocks of rows, G = RᵀR, Y ← Y R⁻¹, and again, so
 * that Y's columns are orthonormal to float precision; @r (cols × cols,
 * row-major, or NULL) gets the product of both R.  Three BLAS-3 passes
 * over Y each time where Householder's QR and the forming of Q make many
 * narrow ones: 0.3 s against 0.8 s for 110,000 × 144 here.  FALSE when G
 * is not positive definite (Y of deficient rank): the caller then takes
 * Householder's way. */
static gboolean
cholesky_qr2 (float *y, guint32 rows, guint cols, double *r)
{
  g_autofree double *g = g_new (double, (gsize) cols * cols);
  g_autofree double *block = g_new (double, (gsize) GRAM_BLOCK * cols);
  g_autofree float *rf = g_new (float, (gsize) cols * cols);
  g_autofree double *acc = r != NULL ? g_new0 (double, (gsize) cols * cols) : NULL;

  for (int pass = 0; pass < 2; pass++)
    {
      memset (g, 0, (gsize) cols * cols * sizeof *g);
      for (guint32 r0 = 0; r0 < rows; r0 += GRAM_BLOCK)
        {
          guint32 nb = MIN (GRAM_BLOCK, rows - r0);

          for (gsize i = 0; i < (gsize) nb * cols; i++)
            block[i] = y[(gsize) r0 * cols + i];
          dense.dsyrk (CblasRowMajor, CblasUpper, CblasTrans, cols, nb, 1.0, block, cols, 1.0, g, cols);
        }
      if (dense.dpotrf (LAPACK_ROW_MAJOR, 'U', cols, g, cols) != 0)
        return FALSE;
      for (guint i = 0; i < cols; i++)
        for (guint j = 0; j < cols; j++)
          {
            rf[i * cols + j] = j >= i ? (float) g[i * cols + j] : 0;
            if (!isfinite (rf[i * cols + j]) || (j == i && rf[i * cols + j] <= 0))
              return FALSE;
          }
      dense.strsm (CblasRowMajor, CblasRight, CblasUpper, CblasNoTrans, CblasNonUnit, rows, cols, 1.0f,
                   rf, cols, y, cols);
      if (r != NULL)
        {
          /* acc = R₂ R₁: the first pass's R kept, then multiplied. */
          if (pass == 0)
            for (guint i = 0; i < cols; i++)
              for (guint j = 0; j < cols; j++)
                acc[i * cols + j] = j >= i ? g[i * cols + j] : 0;
          else
            for (guint i = 0; i < cols; i++)
              for (guint j = 0; j < cols; j++)
                {
                  double sum = 0;

                  for (guint t = i; t <= j; t++)
                    sum += g[i * cols + t] * acc[t * cols + j];
                  r[i * cols + j] = sum;
                }
        }
    }
  return TRUE;
}

/* Replaces the @rows × @cols row-major @y by an orthonormal basis of its
 * columns: CholeskyQR2, or Householder's QR when that fails.  @y is
 * changed by a failed CholeskyQR2, but its column space is not. */
static gboolean
orthonormalize (float *y, guint32 rows, guint cols, GError **error)
{
  if (cholesky_qr2 (y, rows, cols, NULL))
    return TRUE;
  return householder (y, rows, cols, error);
}

/* Householder's QR, Q formed in place. */
static gboolean
householder (float *y, guint32 rows, guint cols, GError **error)
{
  g_autofree float *tau = g_new (float, cols);
  lapack_int info;

  info = dense.sgeqrf (LAPACK_ROW_MAJOR, rows, cols, y, cols, tau);
  if (info == 0)
    info = dense.sorgqr (LAPACK_ROW_MAJOR, rows, cols, cols, y, cols, tau);
  if (info != 0)
    {
      g_set_error (error, TM_ERROR, TM_ERROR_FAILED, _("latent layer: LAPACK's QR failed (info %d)"), (int) info);
      return FALSE;
    }
  return TRUE;
}

/* Rows multiplied at a time by times_in_place(). */
#define PRODUCT_BLOCK 1024

/* @q (@rows × @l) times @w (@l × @k, k <= l), written over @q's memory,
 * which is then shrunk to @rows × @k: the product's rows of a block land
 * before the next block's start, as k <= l.  transfer full (takes @q). */
static float *
times_in_place (float *q, guint32 rows, guint l, const float *w, guint k)
{
  g_autofree float *tmp = g_new (float, (gsize) PRODUCT_BLOCK * k);

  for (guint32 r0 = 0; r0 < rows; r0 += PRODUCT_BLOCK)
    {
      guint32 nb = MIN (PRODUCT_BLOCK, rows - r0);

      dense.sgemm (CblasRowMajor, CblasNoTrans, CblasNoTrans, nb, k, l,
                   1.0f, q + (gsize) r0 * l, l, w, k, 0.0f, tmp, k);
      memcpy (q + (gsize) r0 * k, tmp, (gsize) nb * k * sizeof *tmp);
    }
  return g_realloc (q, MAX ((gsize) rows * k, 1) * sizeof *q);
}

void
tm_lsa_prepare (void)
{
#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
  if (g_getenv ("OPENBLAS_CORETYPE") == NULL && __builtin_cpu_supports ("avx2")
      && __builtin_cpu_supports ("fma"))
    g_setenv ("OPENBLAS_CORETYPE", "Haswell", FALSE);
#endif
}

TmLsa *
tm_lsa_compute (const TmSparse *a, const TmLsaOptions *o, GError **error)
{
  g_autoptr(TmLsa) lsa = NULL;
  g_autofree float *omega = NULL, *y = NULL, *z = NULL, *r = NULL;
  g_autofree double *rd = NULL, *s = NULL, *ur = NULL, *wrt = NULL;
  g_autofree float *urk = NULL, *wrk = NULL;
  gint64 t0;
  guint k, l;
  lapack_int info;

  if (a->n_rows == 0 || a->n_cols == 0 || a->row_start[a->n_rows] == 0 || o->rank == 0)
    {
      g_set_error (error, TM_ERROR, TM_ERROR_INVALID,
                   _("latent layer: nothing to factorize (%u × %u, rank %u)"), a->n_rows, a->n_cols, o->rank);
      return NULL;
    }
  if (!dense_load (error))
    return NULL;
  t0 = g_get_monotonic_time ();
  l = MIN (o->rank + o->oversample, MIN (a->n_rows, a->n_cols));
  k = MIN (o->rank, l);

  omega = g_new (float, (gsize) a->n_cols * l);
  fill_gaussian (omega, (gsize) a->n_cols * l, o->seed);
  y = g_new (float, (gsize) a->n_rows * l);
  z = g_steal_pointer (&omega);        /* Ω is Z's first content */
  g_debug ("lsa: %u x %u, %" G_GUINT64_FORMAT " entries, sketch %u: omega in %.2f s",
           a->n_rows, a->n_cols, a->row_start[a->n_rows], l, (g_get_monotonic_time () - t0) / 1e6);
  tm_lsa_sparse_times (a, z, l, y, o->jobs);
  g_debug ("lsa: A omega at %.2f s", (g_get_monotonic_time () - t0) / 1e6);
  if (!orthonormalize (y, a->n_rows, l, error))
    return NULL;
  g_debug ("lsa: QR at %.2f s", (g_get_monotonic_time () - t0) / 1e6);
  for (guint i = 0; i < o->power_iterations; i++)
    {
      tm_lsa_sparse_times_transposed (a, y, l, z, o->jobs);
      if (!orthonormalize (z, a->n_cols, l, error))
        return NULL;
      tm_lsa_sparse_times (a, z, l, y, o->jobs);
      if (!orthonormalize (y, a->n_rows, l, error))
        return NULL;
    }

  g_debug ("lsa: power passes at %.2f s", (g_get_monotonic_time () - t0) / 1e6);
  /* Bᵀ = Aᵀ Q, then Bᵀ = Q₂ R. */
  tm_lsa_sparse_times_transposed (a, y, l, z, o->jobs);
  rd = g_new (double, (gsize) l * l);
  if (!cholesky_qr2 (z, a->n_cols, l, rd))
  {
    g_autofree float *tau = g_new (float, l);

    /* Bᵀ again: the failed CholeskyQR2 left Z changed. */
    tm_lsa_sparse_times_transposed (a, y, l, z, o->jobs);
    info = dense.sgeqrf (LAPACK_ROW_MAJOR, a->n_cols, l, z, l, tau);
    r = g_new0 (float, (gsize) l * l);
    for (guint i = 0; info == 0 && i < l; i++)
      for (guint j = i; j < l; j++)
        r[i * l + j] = z[(gsize) i * l + j];
    if (info == 0)
      info = dense.sorgqr (LAPACK_ROW_MAJOR, a->n_cols, l, l, z, l, tau);
    if (info != 0)
      {
        g_set_error (error, TM_ERROR, TM_ERROR_FAILED, _("latent layer: LAPACK's QR failed (info %d)"), (int) info);
        return NULL;
      }
    for (gsize i = 0; i < (gsize) l * l; i++)
      rd[i] = r[i];
  }

  g_debug ("lsa: B and its QR at %.2f s", (g_get_monotonic_time () - t0) / 1e6);
  /* R = Uᵣ S Wᵣᵀ, in double: l × l is small. */
  s = g_new (double, l);
  ur = g_new (double, (gsize) l * l);
  wrt = g_new (double, (gsize) l * l);
  info = dense.dgesdd (LAPACK_ROW_MAJOR, 'A', l, l, rd, l, s, ur, l, wrt, l);
  if (info != 0)
    {
      g_set_error (error, TM_ERROR, TM_ERROR_FAILED, _("latent layer: LAPACK's SVD failed (info %d)"), (int) info);
      return NULL;
    }

  /* Wᵣ's and Uᵣ's first k columns, as floats: l × k each.  Each pair of
   * singular vectors gets one sign, the one that makes the largest
   * entry of the term vector positive, so that factors compare across
   * LAPACK versions. */
  urk = g_new (float, (gsize) l * k);
  wrk = g_new (float, (gsize) l * k);
  for (guint i = 0; i < l; i++)
    for (guint j = 0; j < k; j++)
      {
        urk[i * k + j] = (float) ur[i * l + j];
        wrk[i * k + j] = (float) wrt[j * l + i];
      }

  lsa = g_new0 (TmLsa, 1);
  lsa->rank = k;
  lsa->n_rows = a->n_rows;
  lsa->n_cols = a->n_cols;
  lsa->sigma = g_new (double, k);
  memcpy (lsa->sigma, s, k * sizeof (double));
  /* U = Q Wᵣ (n × k), V = Q₂ Uᵣ (m × k), each made in the memory of
   * its Q. */
  lsa->u = times_in_place (g_steal_pointer (&y), a->n_rows, l, wrk, k);
  lsa->v = times_in_place (g_steal_pointer (&z), a->n_cols, l, urk, k);
  g_debug ("lsa: factors at %.2f s", (g_get_monotonic_time () - t0) / 1e6);
  for (guint j = 0; j < k; j++)
    {
      float best = 0;
      guint32 at_best = 0;

      for (guint32 i = 0; i < a->n_cols; i++)
        if (fabsf (lsa->v[(gsize) i * k + j]) > best)
          best = fabsf (lsa->v[(gsize) i * k + j]), at_best = i;
      if (lsa->v[(gsize) at_best * k + j] < 0)
        {
          for (guint32 i = 0; i < a->n_cols; i++)
            lsa->v[(gsize) i * k + j] = -lsa->v[(gsize) i * k + j];
          for (guint32 i = 0; i < a->n_rows; i++)
            lsa->u[(gsize) i * k + j] = -lsa->u[(gsize) i * k + j];
        }
    }
  return g_steal_pointer (&lsa);
}

/* ---- vectors ------------------------------------------------------------------------- */

float
tm_lsa_quantize (const float *v, guint k, gint8 *out)
{
  float max = 0, scale;

  for (guint i = 0; i < k; i++)
    max = MAX (max, fabsf (v[i]));
  if (max == 0)
    {
      memset (out, 0, k);
      return 0;
    }
  scale = max / 127.0f;
  for (guint i = 0; i < k; i++)
    out[i] = (gint8) lrintf (v[i] / scale);
  return scale;
}

gint32 TM_VECTORIZE
tm_lsa_dot_i8 (const gint8 *a, const gint8 *b, guint k)
{
  gint32 s = 0;

  for (guint i = 0; i < k; i++)
    s += (gint32) a[i] * b[i];
  return s;
}

void TM_VECTORIZE TM_SCAN_CLONES
tm_lsa_score_all (const gint16 *q, float q_scale, const gint8 *docs, const float *scales,
                  guint32 n, guint k, float *out)
{
  for (guint32 d = 0; d < n; d++)
    {
      const gint8 *v = docs + (gsize) d * k;
      gint32 s = 0;

      for (guint i = 0; i < k; i++)
        s += (gint32) q[i] * (gint16) v[i];
      out[d] = q_scale * scales[d] * (float) s;
    }
}

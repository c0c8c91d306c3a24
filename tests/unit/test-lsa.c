/* test-lsa.c — the truncated SVD against a known decomposition, its
 * determinism, int8 vectors, and the latent layer as the index and the
 * scorer use it: the blend at w = 0 is today's score, a damaged latent
 * section is a corrupt index. */
#include "config.h"

#include <math.h>
#include <string.h>

#include "tm-error.h"
#include "tm-lsa.h"
#include "tm-test.h"

/* A dense matrix as a TmSparse (its zeros left out). */
typedef struct {
  TmSparse a;
  GArray *start, *col, *val;
} Built;

static void
built_from_dense (Built *b, const double *m, guint32 rows, guint32 cols)
{
  guint64 zero = 0;

  b->start = g_array_new (FALSE, FALSE, sizeof (guint64));
  b->col = g_array_new (FALSE, FALSE, sizeof (guint32));
  b->val = g_array_new (FALSE, FALSE, sizeof (float));
  g_array_append_val (b->start, zero);
  for (guint32 r = 0; r < rows; r++)
    {
      for (guint32 c = 0; c < cols; c++)
        if (m[r * cols + c] != 0)
          {
            float v = (float) m[r * cols + c];
            g_array_append_val (b->col, c);
            g_array_append_val (b->val, v);
          }
      {
        guint64 end = b->col->len;
        g_array_append_val (b->start, end);
      }
    }
  b->a.n_rows = rows;
  b->a.n_cols = cols;
  b->a.row_start = (const guint64 *) b->start->data;
  b->a.col = (const guint32 *) b->col->data;
  b->a.val = (const float *) b->val->data;
}

static void
built_clear (Built *b)
{
  g_array_unref (b->start);
  g_array_unref (b->col);
  g_array_unref (b->val);
}

/* Sylvester's Hadamard matrix of order 8: its columns over √8 are
 * orthonormal. */
static double
hadamard (guint i, guint j)
{
  return (__builtin_popcount (i & j) % 2 ? -1.0 : 1.0);
}

/* A = 5 u₁v₁ᵀ + 3 u₂v₂ᵀ + 1 u₃v₃ᵀ, with u the columns 1, 2, 3 of the
 * order-8 Hadamard matrix over √8 and v the columns 1, 2, 3 of the
 * order-4 one over 2: its SVD is known exactly. */
static const double known_sigma[3] = { 5, 3, 1 };

static void
known_matrix (double *m)
{
  for (guint i = 0; i < 8; i++)
    for (guint j = 0; j < 4; j++)
      {
        m[i * 4 + j] = 0;
        for (guint s = 0; s < 3; s++)
          m[i * 4 + j] += known_sigma[s] * hadamard (i, s + 1) / sqrt (8) * hadamard (j, s + 1) / 2;
      }
}

static void
test_known_decomposition (void)
{
  double m[32];
  Built b;
  TmLsaOptions o;
  g_autoptr(GError) error = NULL;
  g_autoptr(TmLsa) lsa = NULL;
  double err = 0, total = 0;

  known_matrix (m);
  built_from_dense (&b, m, 8, 4);
  tm_lsa_options_init (&o);
  o.rank = 3;
  lsa = tm_lsa_compute (&b.a, &o, &error);
  CU_ASSERT_PTR_NOT_NULL_FATAL (lsa);
  CU_ASSERT_EQUAL (lsa->rank, 3);
  for (guint s = 0; s < 3; s++)
    CU_ASSERT_DOUBLE_EQUAL (lsa->sigma[s], known_sigma[s], 1e-4);
  /* Orthonormal factors, equal to the known ones up to sign. */
  for (guint s = 0; s < 3; s++)
    for (guint t = 0; t < 3; t++)
      {
        double uu = 0, vv = 0;

        for (guint i = 0; i < 8; i++)
          uu += lsa->u[i * 3 + s] * lsa->u[i * 3 + t];
        for (guint j = 0; j < 4; j++)
          vv += lsa->v[j * 3 + s] * lsa->v[j * 3 + t];
        CU_ASSERT_DOUBLE_EQUAL (uu, s == t, 1e-5);
        CU_ASSERT_DOUBLE_EQUAL (vv, s == t, 1e-5);
      }
  for (guint s = 0; s < 3; s++)
    {
      double dot = 0;

      for (guint i = 0; i < 8; i++)
        dot += lsa->u[i * 3 + s] * hadamard (i, s + 1) / sqrt (8);
      CU_ASSERT_DOUBLE_EQUAL (fabs (dot), 1.0, 1e-5);
    }
  /* Reconstruction. */
  for (guint i = 0; i < 8; i++)
    for (guint j = 0; j < 4; j++)
      {
        double r = 0;

        for (guint s = 0; s < 3; s++)
          r += lsa->u[i * 3 + s] * lsa->sigma[s] * lsa->v[j * 3 + s];
        err += (r - m[i * 4 + j]) * (r - m[i * 4 + j]);
        total += m[i * 4 + j] * m[i * 4 + j];
      }
  CU_ASSERT (sqrt (err / total) < 1e-5);
  built_clear (&b);
}

/* Truncation: the rank-2 approximation of the same matrix drops the
 * third triplet, and its error is exactly that singular value (Eckart–
 * Young). */
static void
test_truncation (void)
{
  double m[32], err = 0;
  Built b;
  TmLsaOptions o;
  g_autoptr(TmLsa) lsa = NULL;

  known_matrix (m);
  built_from_dense (&b, m, 8, 4);
  tm_lsa_options_init (&o);
  o.rank = 2;
  o.oversample = 0;
  o.power_iterations = 3;
  lsa = tm_lsa_compute (&b.a, &o, NULL);
  CU_ASSERT_PTR_NOT_NULL_FATAL (lsa);
  CU_ASSERT_EQUAL (lsa->rank, 2);
  CU_ASSERT_DOUBLE_EQUAL (lsa->sigma[0], 5, 1e-3);
  CU_ASSERT_DOUBLE_EQUAL (lsa->sigma[1], 3, 1e-3);
  for (guint i = 0; i < 8; i++)
    for (guint j = 0; j < 4; j++)
      {
        double r = 0;

        for (guint s = 0; s < 2; s++)
          r += lsa->u[i * 2 + s] * lsa->sigma[s] * lsa->v[j * 2 + s];
        err += (r - m[i * 4 + j]) * (r - m[i * 4 + j]);
      }
  CU_ASSERT_DOUBLE_EQUAL (sqrt (err), 1.0, 1e-3);
  built_clear (&b);
}

/* A random sparse matrix large enough that the products run in threads:
 * the factors have the same bytes for one thread and for four, and for
 * a second run; another seed gives other bytes. */
/* Aᵀ·X over A's own rows: the bytes of the product over an explicit
 * transpose, for any number of threads, empty rows and columns
 * included. */
static void
test_transposed_product (void)
{
  guint32 rows = 300, cols = 1100;
  guint width = 7;
  g_autofree double *m = g_new0 (double, (gsize) rows * cols);
  g_autofree double *mt = g_new0 (double, (gsize) cols * rows);
  g_autofree float *x = g_new (float, (gsize) rows * width);
  g_autofree float *want = g_new (float, (gsize) cols * width);
  g_autofree float *got = g_new (float, (gsize) cols * width);
  g_autoptr(GRand) rand = g_rand_new_with_seed (11);
  Built b, t;

  for (guint32 r = 0; r < rows; r++)
    if (r % 17 != 0)   /* some rows empty */
      for (guint n = 0; n < 40; n++)
        {
          /* Columns 500–599 never used; the first ones often. */
          guint32 c = g_rand_boolean (rand) ? (guint32) g_rand_int_range (rand, 0, 50)
                                            : (guint32) g_rand_int_range (rand, 600, (gint32) cols);

          m[r * cols + c] += g_rand_double_range (rand, -1, 1);
        }
  for (guint32 r = 0; r < rows; r++)
    for (guint32 c = 0; c < cols; c++)
      mt[(gsize) c * rows + r] = m[(gsize) r * cols + c];
  for (gsize i = 0; i < (gsize) rows * width; i++)
    x[i] = (float) g_rand_double_range (rand, -1, 1);
  built_from_dense (&b, m, rows, cols);
  built_from_dense (&t, mt, cols, rows);
  tm_lsa_sparse_times (&t.a, x, width, want, 1);
  for (guint jobs = 1; jobs <= 5; jobs++)
    {
      memset (got, 0xAB, (gsize) cols * width * sizeof *got);
      tm_lsa_sparse_times_transposed (&b.a, x, width, got, jobs);
      CU_ASSERT (memcmp (want, got, (gsize) cols * width * sizeof *got) == 0);
    }
  /* And the product itself, against sums in double. */
  for (guint32 c = 0; c < cols; c++)
    for (guint j = 0; j < width; j++)
      {
        double sum = 0;

        for (guint32 r = 0; r < rows; r++)
          sum += (double) (float) m[(gsize) r * cols + c] * x[(gsize) r * width + j];
        CU_ASSERT_DOUBLE_EQUAL (got[(gsize) c * width + j], sum, 1e-4);
      }
  built_clear (&b);
  built_clear (&t);
}

static void
test_determinism (void)
{
  guint32 rows = 1500, cols = 400;
  g_autofree double *m = g_new0 (double, (gsize) rows * cols);
  g_autoptr(GRand) rand = g_rand_new_with_seed (7);
  Built b;
  TmLsaOptions o;
  g_autoptr(TmLsa) one = NULL, four = NULL, again = NULL, other = NULL;

  for (guint32 r = 0; r < rows; r++)
    for (guint n = 0; n < 12; n++)
      m[r * cols + g_rand_int_range (rand, 0, (gint32) cols)] += g_rand_double_range (rand, 0.1, 1);
  built_from_dense (&b, m, rows, cols);
  tm_lsa_options_init (&o);
  o.rank = 20;
  o.jobs = 1;
  one = tm_lsa_compute (&b.a, &o, NULL);
  again = tm_lsa_compute (&b.a, &o, NULL);
  o.jobs = 4;
  four = tm_lsa_compute (&b.a, &o, NULL);
  o.seed++;
  other = tm_lsa_compute (&b.a, &o, NULL);
  CU_ASSERT_PTR_NOT_NULL_FATAL (one);
  CU_ASSERT_PTR_NOT_NULL_FATAL (four);
  CU_ASSERT_PTR_NOT_NULL_FATAL (again);
  CU_ASSERT_PTR_NOT_NULL_FATAL (other);
  CU_ASSERT (memcmp (one->u, four->u, (gsize) rows * 20 * sizeof (float)) == 0);
  CU_ASSERT (memcmp (one->v, four->v, (gsize) cols * 20 * sizeof (float)) == 0);
  CU_ASSERT (memcmp (one->sigma, four->sigma, 20 * sizeof (double)) == 0);
  CU_ASSERT (memcmp (one->u, again->u, (gsize) rows * 20 * sizeof (float)) == 0);
  CU_ASSERT (memcmp (one->u, other->u, (gsize) rows * 20 * sizeof (float)) != 0);
  /* Different sketches, nearly the same leading singular value. */
  CU_ASSERT_DOUBLE_EQUAL (one->sigma[0], other->sigma[0], 1e-2 * one->sigma[0]);
  for (guint s = 1; s < 20; s++)
    CU_ASSERT (one->sigma[s] <= one->sigma[s - 1]);
  built_clear (&b);
}

static void
test_bad_input (void)
{
  guint64 start[2] = { 0, 0 };
  TmSparse empty = { 1, 5, start, NULL, NULL };
  TmLsaOptions o;
  g_autoptr(GError) error = NULL;

  tm_lsa_options_init (&o);
  CU_ASSERT_PTR_NULL (tm_lsa_compute (&empty, &o, &error));
  CU_ASSERT (g_error_matches (error, TM_ERROR, TM_ERROR_INVALID));
}

static void
test_quantize (void)
{
  float v[5] = { 0.5f, -0.25f, 0.0f, 0.125f, -0.5f }, z[5] = { 0 };
  gint8 q[5], w[5];
  float scale = tm_lsa_quantize (v, 5, q);

  CU_ASSERT_DOUBLE_EQUAL (scale, 0.5 / 127, 1e-9);
  CU_ASSERT_EQUAL (q[0], 127);
  CU_ASSERT_EQUAL (q[4], -127);
  CU_ASSERT_EQUAL (q[2], 0);
  for (guint i = 0; i < 5; i++)
    CU_ASSERT_DOUBLE_EQUAL (q[i] * scale, v[i], scale / 2);
  CU_ASSERT_EQUAL (tm_lsa_quantize (z, 5, w), 0);
  CU_ASSERT_EQUAL (tm_lsa_dot_i8 (q, q, 5), 127 * 127 * 2 + 64 * 64 + 32 * 32);
}

static void
test_blend (void)
{
  /* w = 0 is the lexical score, to the bit. */
  double lex[] = { 0, 1e-300, 0.1234567890123, 0.5, 1 };

  for (guint i = 0; i < G_N_ELEMENTS (lex); i++)
    {
      CU_ASSERT (tm_lsa_blend (lex[i], 0.9, 0) == lex[i]);
      CU_ASSERT (tm_lsa_blend (lex[i], -0.9, 0) == lex[i]);
    }
  CU_ASSERT_DOUBLE_EQUAL (tm_lsa_blend (0.5, 0.9, 0.25), 0.75 * 0.5 + 0.25 * 0.9, 1e-15);
  /* A negative latent cosine takes nothing away, and the score stays in 0–1. */
  CU_ASSERT_DOUBLE_EQUAL (tm_lsa_blend (0.5, -0.9, 0.25), 0.375, 1e-15);
  CU_ASSERT (tm_lsa_blend (1, 1, 0.7) <= 1.0);
}

int
main (void)
{
  CU_pSuite s;

  if (CU_initialize_registry () != CUE_SUCCESS)
    return 1;
  s = CU_add_suite ("lsa", NULL, NULL);
  CU_add_test (s, "known decomposition", test_known_decomposition);
  CU_add_test (s, "truncation", test_truncation);
  CU_add_test (s, "transposed product", test_transposed_product);
  CU_add_test (s, "determinism", test_determinism);
  CU_add_test (s, "bad input", test_bad_input);
  CU_add_test (s, "quantize", test_quantize);
  CU_add_test (s, "blend", test_blend);
  return tm_test_run ();
}

/* test-index.c — the index writer and reader: round trip, every kind of
 * damage, the lock, bad corpora. */
#include "config.h"

#include <fcntl.h>
#include <glib/gstdio.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

#include "tm-error.h"
#include "tm-index-format.h"
#include "tm-index-mutate.h"
#include "tm-index.h"
#include "tm-match.h"
#include "tm-private.h"
#include "tm-test.h"

static void
build_options (TmIndexBuildOptions *o)
{
  memset (o, 0, sizeof *o);
  tm_analyzer_options_init (&o->analyzer);
  o->jobs = 2;
}

/* Builds the index of tests/data/good at @name in the temporary folder. */
static char *
build_good (const char *name)
{
  g_autofree char *good = tm_test_path ("tests/data/good");
  const char *paths[] = { good, NULL };
  char *path = tm_test_file (name);
  g_autoptr(GError) error = NULL;
  TmIndexBuildOptions o;
  TmIndexBuildStats stats;

  build_options (&o);
  CU_ASSERT_FATAL (tm_index_build (paths, path, &o, &stats, &error));
  CU_ASSERT_EQUAL (stats.records[TM_LIBRARY_ACHIEVEMENT], 3);
  CU_ASSERT_EQUAL (stats.records[TM_LIBRARY_DEMAND], 2);
  return path;
}

static void
test_round_trip (void)
{
  g_autofree char *path = build_good ("good.idx");
  g_autoptr(GError) error = NULL;
  g_autoptr(TmIndex) idx = tm_index_open (path, &error);
  g_autoptr(TmRecord) r = NULL;
  TmPostingList list;
  TmPostingIter it;
  guint32 doc;
  guint n = 0;

  CU_ASSERT_PTR_NOT_NULL_FATAL (idx);
  CU_ASSERT_EQUAL (tm_index_get_n_docs (idx, TM_LIBRARY_ACHIEVEMENT), 3);
  CU_ASSERT_EQUAL (tm_index_get_n_docs (idx, TM_LIBRARY_DEMAND), 2);
  CU_ASSERT (tm_index_get_n_terms (idx) > 10);
  CU_ASSERT_EQUAL (tm_index_get_analyzer_options (idx)->mode, TM_MODE_WORDS);

  /* Documents are in id order. */
  CU_ASSERT_STRING_EQUAL (tm_index_doc_id (idx, TM_LIBRARY_ACHIEVEMENT, 0), "A-T001");
  CU_ASSERT_STRING_EQUAL (tm_index_doc_id (idx, TM_LIBRARY_ACHIEVEMENT, 2), "A-T003");
  CU_ASSERT (tm_index_find_doc (idx, TM_LIBRARY_DEMAND, "D-T002", &doc));
  CU_ASSERT_EQUAL (doc, 1);
  CU_ASSERT_FALSE (tm_index_find_doc (idx, TM_LIBRARY_DEMAND, "A-T001", &doc));

  /* The record as stored is the record as read. */
  CU_ASSERT (tm_index_find_doc (idx, TM_LIBRARY_ACHIEVEMENT, "A-T001", &doc));
  r = tm_index_get_record (idx, TM_LIBRARY_ACHIEVEMENT, doc);
  CU_ASSERT_STRING_EQUAL (r->title, "PEM电解水制氢用钛基阳极扩散层");
  CU_ASSERT_STRING_EQUAL (r->org, "西北有色金属研究院");
  CU_ASSERT_STRING_EQUAL (r->updated, "2025-10-17");
  CU_ASSERT_EQUAL (r->keywords->len, 3);
  CU_ASSERT_EQUAL (r->ip->len, 2);
  CU_ASSERT_STRING_EQUAL (r->ip->pdata[1], "技术秘密");
  CU_ASSERT_EQUAL (r->trl, 6);
  CU_ASSERT_STRING_EQUAL (r->transfer, "技术许可");
  CU_ASSERT (g_str_has_prefix (r->body, "采用梯度孔隙钛纤维毡"));
  g_clear_pointer (&r, tm_record_free);
  CU_ASSERT (tm_index_find_doc (idx, TM_LIBRARY_DEMAND, "D-T001", &doc));
  r = tm_index_get_record (idx, TM_LIBRARY_DEMAND, doc);
  CU_ASSERT_DOUBLE_EQUAL (r->budget, 200, 1e-9);
  CU_ASSERT_STRING_EQUAL (r->budget_unit, "万元");
  CU_ASSERT_STRING_EQUAL (r->deadline, "2026-06-30");

  /* Postings: 质子交换膜 (PEM's canonical term) is in A-T001's title and
   * D-T001's keywords. */
  CU_ASSERT (_tm_index_lookup (idx, TM_LIBRARY_ACHIEVEMENT, "质子交换膜", strlen ("质子交换膜"), &list));
  CU_ASSERT_EQUAL (list.df, 1);
  _tm_posting_iter_init (&it, &list);
  while (_tm_posting_iter_next (&it))
    {
      n++;
      CU_ASSERT_EQUAL (it.doc, 0);
      CU_ASSERT_EQUAL (it.tf[TM_IFIELD_TITLE], 1);
    }
  CU_ASSERT_EQUAL (n, 1);
  CU_ASSERT (_tm_index_lookup (idx, TM_LIBRARY_DEMAND, "质子交换膜", strlen ("质子交换膜"), &list));
  CU_ASSERT_FALSE (_tm_index_lookup (idx, TM_LIBRARY_DEMAND, "不存在的词", strlen ("不存在的词"), &list));
  CU_ASSERT (tm_index_verify (idx, &error));
  CU_ASSERT (tm_index_check (idx, &error));
}

/* The norms the writer stores and the norms the matcher computes for
 * other weights come from one function: for the index's own weights
 * they agree, and other weights change them. */
static void
test_norms (void)
{
  g_autofree char *path = build_good ("norms.idx");
  g_autoptr(GError) error = NULL;
  g_autoptr(TmIndex) idx = tm_index_open (path, &error);
  const double other[TM_N_IFIELDS] = { 3, 2, 1 };

  CU_ASSERT_PTR_NOT_NULL_FATAL (idx);
  for (int l = 0; l < TM_N_LIBRARIES; l++)
    {
      g_autofree double *stored = _tm_index_copy_norms (idx, l);
      g_autofree double *computed = _tm_index_compute_norms (idx, l, tm_index_get_norm_weights (idx));
      g_autofree double *weighted = _tm_index_compute_norms (idx, l, other);

      CU_ASSERT_PTR_NOT_NULL_FATAL (computed);
      CU_ASSERT_PTR_NOT_NULL_FATAL (weighted);
      for (guint d = 0; d < tm_index_get_n_docs (idx, l); d++)
        {
          CU_ASSERT (stored[d] > 0);
          CU_ASSERT_DOUBLE_EQUAL (stored[d], computed[d], stored[d] * 1e-6);
          CU_ASSERT (fabs (weighted[d] - stored[d]) > 1e-3);
        }
    }
  CU_ASSERT (tm_index_check (idx, &error));
}

static gboolean
opens_as_corrupt (const char *path, const guint8 *data, gsize len, const char *expect)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TmIndex) idx = NULL;

  g_file_set_contents (path, (const char *) data, (gssize) len, NULL);
  idx = tm_index_open (path, &error);
  if (idx != NULL)
    {
      /* Damage past the header shows when the data is read. */
      tm_index_get_n_postings (idx);
      for (guint l = 0; l < TM_N_LIBRARIES; l++)
        for (guint32 d = 0; d < tm_index_get_n_docs (idx, l); d++)
          tm_record_free (tm_index_get_record (idx, l, d));
      if (tm_index_check (idx, &error))
        return FALSE;
    }
  if (!g_error_matches (error, TM_ERROR, TM_ERROR_CORRUPT_INDEX))
    return FALSE;
  return expect == NULL || strstr (error->message, expect) != NULL;
}

static void
test_corruption (void)
{
  g_autofree char *path = build_good ("orig.idx");
  g_autofree char *bad = tm_test_file ("bad.idx");
  g_autofree guint8 *data = NULL;
  g_autofree guint8 *copy = NULL;
  gsize len;
  GRand *rand = g_rand_new_with_seed (20261123);
  guint caught = 0, tried = 0;

  CU_ASSERT_FATAL (g_file_get_contents (path, (char **) &data, &len, NULL));
  copy = g_malloc (len);

  /* Truncation at every length class. */
  for (gsize cut = 0; cut < len; cut += MAX (1, len / 60))
    {
      tried++;
      caught += opens_as_corrupt (bad, data, cut, NULL);
    }
  CU_ASSERT_EQUAL (caught, tried);

  /* A flipped byte anywhere. */
  caught = tried = 0;
  for (int i = 0; i < 200; i++)
    {
      gsize at = (gsize) g_rand_int_range (rand, 0, (gint32) len);

      memcpy (copy, data, len);
      copy[at] ^= (guint8) g_rand_int_range (rand, 1, 256);
      tried++;
      caught += opens_as_corrupt (bad, copy, len, NULL);
    }
  CU_ASSERT_EQUAL (caught, tried);

  /* Wrong magic, wrong version. */
  memcpy (copy, data, len);
  copy[0] = 'X';
  CU_ASSERT (opens_as_corrupt (bad, copy, len, "wrong magic number"));
  memcpy (copy, data, len);
  copy[8] = 99;
  CU_ASSERT (opens_as_corrupt (bad, copy, len, "index format version 99"));
  /* An index of the first format (host byte order, no bounds). */
  memcpy (copy, data, len);
  copy[8] = 1;
  CU_ASSERT (opens_as_corrupt (bad, copy, len, "index format version 1, this techmatch reads version 4 only; rebuild it"));
  /* An index of the third format (no latent layer). */
  memcpy (copy, data, len);
  copy[8] = 3;
  CU_ASSERT (opens_as_corrupt (bad, copy, len, "index format version 3, this techmatch reads version 4 only; rebuild it"));
  g_rand_free (rand);
}

/* ---- damage behind the checksums ---- */

/* The file offset of the @k-th varint from @offset. */
static guint64
nth_varint (const guint8 *data, guint64 offset, guint k)
{
  for (guint i = 0; i < k; i++)
    while (data[offset++] & 0x80)
      ;
  return offset;
}

/* The first demand's forward list. */
static guint64
first_forward (const guint8 *data, gsize len)
{
  guint64 off = 0, size = 0;

  CU_ASSERT_FATAL (tm_mutate_section (data, len, TM_SECTION_FORWARD, &off, &size));
  return off;
}

static guint64
postings_of (guint8 *data, gsize len)
{
  guint64 off = 0, size = 0;

  CU_ASSERT_FATAL (tm_mutate_term_postings (data, len, "质子交换膜", TM_LIBRARY_ACHIEVEMENT, &off, &size));
  return off;
}

static void
zero_delta (guint8 *data, gsize len)
{
  data[postings_of (data, len)] = 0;
}

static void
doc_past_library (guint8 *data, gsize len)
{
  data[postings_of (data, len)] = 0x7F;
}

static void
tf_zero (guint8 *data, gsize len)
{
  data[nth_varint (data, postings_of (data, len), 1)] = 0;
}

static void
df_too_high (guint8 *data, gsize len)
{
  guint8 *p = tm_mutate_term (data, len, "质子交换膜");
  TmIndexTerm e;

  _tm_index_term_decode (p, &e);
  e.df[TM_LIBRARY_ACHIEVEMENT] = 2;
  _tm_index_term_encode (&e, p);
}

static void
postings_past_section (guint8 *data, gsize len)
{
  guint8 *p = tm_mutate_term (data, len, "质子交换膜");
  TmIndexTerm e;

  _tm_index_term_decode (p, &e);
  e.postings_len[TM_LIBRARY_ACHIEVEMENT] = 1u << 30;
  _tm_index_term_encode (&e, p);
}

static void
forward_tf_zero (guint8 *data, gsize len)
{
  data[nth_varint (data, first_forward (data, len), 1)] = 0;
}

static void
forward_zero_delta (guint8 *data, gsize len)
{
  data[first_forward (data, len)] = 0;
}

static void
trl_past_9 (guint8 *data, gsize len)
{
  guint64 off = 0, size = 0;

  CU_ASSERT_FATAL (tm_mutate_section (data, len, TM_SECTION_DOCS_ACHIEVEMENT, &off, &size));
  TmIndexDoc d;

  _tm_index_doc_decode (data + off, &d);
  d.trl = 42;
  _tm_index_doc_encode (&d, data + off);
}

static void
norm_not_a_number (guint8 *data, gsize len)
{
  guint64 off = 0, size = 0;
  TmIndexDoc d;

  CU_ASSERT_FATAL (tm_mutate_section (data, len, TM_SECTION_DOCS_DEMAND, &off, &size));
  _tm_index_doc_decode (data + off, &d);
  d.norm = NAN;
  _tm_index_doc_encode (&d, data + off);
}

static void
stored_size_wrong (guint8 *data, gsize len)
{
  guint64 off = 0, size = 0;

  CU_ASSERT_FATAL (tm_mutate_section (data, len, TM_SECTION_STORED, &off, &size));
  data[off]++;
}

static guint8 *
latent_head (guint8 *data, gsize len)
{
  guint64 off = 0, size = 0;

  CU_ASSERT_FATAL (tm_mutate_section (data, len, TM_SECTION_LATENT, &off, &size));
  CU_ASSERT_FATAL (size > TM_INDEX_LATENT_HEAD && _tm_le32 (data + off) > 0);
  return data + off;
}

static void
latent_rank_too_high (guint8 *data, gsize len)
{
  _tm_put_le32 (latent_head (data, len), 5000);
}

static void
latent_scale_not_a_number (guint8 *data, gsize len)
{
  guint8 *h = latent_head (data, len);
  guint32 k = _tm_le32 (h), n = _tm_le32 (h + 8) + _tm_le32 (h + 12);

  _tm_put_lef32 (h + _tm_index_latent_scales_offset (n, k), NAN);
}

static void
latent_sigma_not_a_number (guint8 *data, gsize len)
{
  _tm_put_lef64 (latent_head (data, len) + TM_INDEX_LATENT_HEAD, NAN);
}

static void
latent_term_scale_not_a_number (guint8 *data, gsize len)
{
  guint64 off = 0, size = 0, entry;
  guint8 *h = latent_head (data, len);

  CU_ASSERT_FATAL (tm_mutate_section (data, len, TM_SECTION_LATENT_TERMS, &off, &size));
  entry = TM_INDEX_LATENT_TERM_HEAD + _tm_le32 (h);
  /* Every entry: whichever terms a query holds. */
  for (guint64 e = 0; e + entry <= size; e += entry)
    _tm_put_lef32 (data + off + e + 4, NAN);
}

/* Two latent term entries' term numbers swapped: only verify sees it. */
static void
latent_terms_swapped (guint8 *data, gsize len)
{
  guint64 off = 0, size = 0, entry;
  guint8 *h = latent_head (data, len);
  guint32 a, b;

  CU_ASSERT_FATAL (tm_mutate_section (data, len, TM_SECTION_LATENT_TERMS, &off, &size));
  entry = TM_INDEX_LATENT_TERM_HEAD + _tm_le32 (h);
  CU_ASSERT_FATAL (size >= 2 * entry);
  a = _tm_le32 (data + off);
  b = _tm_le32 (data + off + entry);
  _tm_put_le32 (data + off, b);
  _tm_put_le32 (data + off + entry, a);
}

/* Plausible values that only the cross-checks of tm_index_verify() see:
 * a frequency raised by one, two terms swapped, a stored offset moved. */
static void
tf_raised (guint8 *data, gsize len)
{
  data[nth_varint (data, postings_of (data, len), 2)]++;
}

static void
terms_swapped (guint8 *data, gsize len)
{
  guint64 off = 0, size = 0;
  TmIndexTerm t[2];
  guint32 text;

  CU_ASSERT_FATAL (tm_mutate_section (data, len, TM_SECTION_TERMS, &off, &size));
  _tm_index_term_decode (data + off, &t[0]);
  _tm_index_term_decode (data + off + TM_INDEX_TERM_SIZE, &t[1]);
  text = t[0].text;
  t[0].text = t[1].text;
  t[1].text = text;
  _tm_index_term_encode (&t[0], data + off);
  _tm_index_term_encode (&t[1], data + off + TM_INDEX_TERM_SIZE);
}

static void
forward_dropped (guint8 *data, gsize len)
{
  guint64 off = 0, size = 0;

  /* The first document's list ends one entry early: the second starts
   * there, and the entries it loses belong to no document. */
  CU_ASSERT_FATAL (tm_mutate_section (data, len, TM_SECTION_FORWARD_INDEX, &off, &size));
  _tm_put_le64 (data + off + 8, nth_varint (data, first_forward (data, len), 2) - first_forward (data, len));
}

typedef void (*Mutation) (guint8 *data, gsize len);

/* No change: damage_is_caught() recomputes the checksums all the same. */
static void
unchanged (guint8 *data, gsize len)
{
}

/* Opens a copy of @orig damaged by @mutate with its checksums made right
 * again, and reads it the ways the commands do (or verifies it, when
 * @verify): TRUE when the damage is reported as TM_ERROR_CORRUPT_INDEX. */
static gboolean
damage_is_caught (const guint8 *orig, gsize len, Mutation mutate, gboolean verify)
{
  g_autofree char *path = tm_test_file ("damaged.idx");
  g_autofree guint8 *data = g_malloc (len);
  g_autoptr(GError) error = NULL;
  g_autoptr(TmIndex) idx = NULL;
  g_autoptr(TmAnalyzer) analyzer = NULL;
  g_autoptr(TmMatcher) m = NULL;
  TmAnalyzerOptions ao;
  TmMatchOptions o;
  gboolean failed = FALSE;

  memcpy (data, orig, len);
  mutate (data, len);
  CU_ASSERT_FATAL (tm_mutate_rechecksum (data, len));
  CU_ASSERT_FATAL (g_file_set_contents (path, (const char *) data, (gssize) len, NULL));
  idx = tm_index_open (path, &error);
  if (idx == NULL)
    return g_error_matches (error, TM_ERROR, TM_ERROR_CORRUPT_INDEX);
  if (verify)
    return !tm_index_verify (idx, &error) && g_error_matches (error, TM_ERROR, TM_ERROR_CORRUPT_INDEX);

  tm_analyzer_options_init (&ao);
  analyzer = tm_analyzer_new (&ao, NULL);
  CU_ASSERT_PTR_NOT_NULL_FATAL (analyzer);
  m = tm_matcher_new (idx, analyzer);
  tm_match_options_init (&o);
  o.explain = TRUE;
  o.semantic = 0.5;          /* the latent layer read too */
  for (int l = 0; l < TM_N_LIBRARIES; l++)
    {
      TmResults *r = tm_matcher_run_text (m, "质子交换膜 电解水制氢", -1, (TmLibrary) l, &o, &error);

      if (r == NULL)
        failed |= g_error_matches (error, TM_ERROR, TM_ERROR_CORRUPT_INDEX);
      tm_results_free (r);
      g_clear_error (&error);
      for (guint32 d = 0; d < tm_index_get_n_docs (idx, l); d++)
        {
          r = tm_matcher_run_doc (m, (TmLibrary) l, d, (TmLibrary) !l, &o, &error);
          if (r == NULL)
            failed |= g_error_matches (error, TM_ERROR, TM_ERROR_CORRUPT_INDEX);
          tm_results_free (r);
          g_clear_error (&error);
          tm_record_free (tm_index_get_record (idx, l, d));
        }
    }
  if (!tm_index_check (idx, &error))
    failed |= g_error_matches (error, TM_ERROR, TM_ERROR_CORRUPT_INDEX);
  return failed;
}

static void
test_structural_damage (void)
{
  g_autofree char *path = build_good ("structure.idx");
  g_autofree guint8 *data = NULL;
  gsize len;
  static const struct { const char *what; Mutation mutate; } readers[] = {
    { "a zero delta", zero_delta },
    { "a document past the library", doc_past_library },
    { "a frequency of 0", tf_zero },
    { "a df above the entries", df_too_high },
    { "postings past their section", postings_past_section },
    { "a forward entry with no frequency", forward_tf_zero },
    { "a zero delta in a forward list", forward_zero_delta },
    { "a TRL of 42", trl_past_9 },
    { "a norm that is not a number", norm_not_a_number },
    { "a stored group of the wrong size", stored_size_wrong },
    { "a latent rank past the limit", latent_rank_too_high },
    { "a latent vector's scale that is not a number", latent_scale_not_a_number },
    { "a latent term's scale that is not a number", latent_term_scale_not_a_number },
  };
  static const struct { const char *what; Mutation mutate; } verifier[] = {
    { "a frequency raised by one", tf_raised },
    { "two terms swapped", terms_swapped },
    { "a forward list cut short", forward_dropped },
    { "two latent terms swapped", latent_terms_swapped },
    { "a singular value that is not a number", latent_sigma_not_a_number },
  };

  CU_ASSERT_FATAL (g_file_get_contents (path, (char **) &data, &len, NULL));
  /* Unchanged but rechecksummed, it is clean both ways. */
  CU_ASSERT_FALSE (damage_is_caught (data, len, unchanged, FALSE));
  CU_ASSERT_FALSE (damage_is_caught (data, len, unchanged, TRUE));
  for (gsize i = 0; i < G_N_ELEMENTS (readers); i++)
    {
      gboolean read = damage_is_caught (data, len, readers[i].mutate, FALSE);
      gboolean verified = damage_is_caught (data, len, readers[i].mutate, TRUE);

      if (!read || !verified)
        printf ("\n    not caught (%s): %s ", read ? "verify" : "readers", readers[i].what);
      CU_ASSERT (read);
      CU_ASSERT (verified);
    }
  for (gsize i = 0; i < G_N_ELEMENTS (verifier); i++)
    {
      gboolean verified = damage_is_caught (data, len, verifier[i].mutate, TRUE);

      if (!verified)
        printf ("\n    not caught by verify: %s ", verifier[i].what);
      CU_ASSERT (verified);
    }
}

static void
test_missing_and_not_an_index (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *readme = tm_test_path ("README");

  CU_ASSERT_PTR_NULL (tm_index_open ("/nonexistent/x.idx", &error));
  CU_ASSERT (g_error_matches (error, TM_ERROR, TM_ERROR_NOT_FOUND));
  g_clear_error (&error);
  CU_ASSERT_PTR_NULL (tm_index_open (tm_test_dir (), &error));
  CU_ASSERT (g_error_matches (error, TM_ERROR, TM_ERROR_IO));
  g_clear_error (&error);
  CU_ASSERT_PTR_NULL (tm_index_open (readme, &error));
  CU_ASSERT (g_error_matches (error, TM_ERROR, TM_ERROR_CORRUPT_INDEX));
}

static void
test_lock (void)
{
  g_autofree char *good = tm_test_path ("tests/data/good");
  const char *paths[] = { good, NULL };
  g_autofree char *path = tm_test_file ("locked.idx");
  g_autofree char *lock = g_strconcat (path, ".lock", NULL);
  g_autoptr(GError) error = NULL;
  TmIndexBuildOptions o;
  TmIndexBuildStats stats;
  int fd = open (lock, O_RDWR | O_CREAT, 0644);

  /* Another process holds the lock (a second open file description is
   * enough for flock()). */
  CU_ASSERT_FATAL (fd >= 0 && flock (fd, LOCK_EX) == 0);
  CU_ASSERT (write (fd, "4242\n", 5) == 5);
  build_options (&o);
  CU_ASSERT_FALSE (tm_index_build (paths, path, &o, &stats, &error));
  CU_ASSERT (g_error_matches (error, TM_ERROR, TM_ERROR_LOCKED));
  CU_ASSERT (strstr (error->message, "locked by PID 4242") != NULL);
  CU_ASSERT_FALSE (g_file_test (path, G_FILE_TEST_EXISTS));
  close (fd);
  g_clear_error (&error);
  CU_ASSERT (tm_index_build (paths, path, &o, &stats, &error));
}

static void
test_bad_corpus (void)
{
  g_autofree char *good = tm_test_path ("tests/data/good");
  g_autofree char *broken = tm_test_path ("tests/data/broken/trl-out-of-range.xml");
  g_autofree char *stale = NULL;
  const char *paths[] = { good, broken, NULL };
  g_autofree char *path = tm_test_file ("bad-corpus.idx");
  g_autoptr(GError) error = NULL;
  TmIndexBuildOptions o;
  TmIndexBuildStats stats;

  build_options (&o);
  CU_ASSERT_FALSE (tm_index_build (paths, path, &o, &stats, &error));
  CU_ASSERT (g_error_matches (error, TM_ERROR, TM_ERROR_INVALID));
  CU_ASSERT_EQUAL (stats.problems, 2);
  CU_ASSERT_FALSE (g_file_test (path, G_FILE_TEST_EXISTS));

  /* --skip-bad: the good records, and a leftover temporary file of an
   * interrupted build is cleaned up. */
  stale = g_strconcat (path, ".tmp.99999", NULL);
  g_file_set_contents (stale, "half", -1, NULL);
  g_clear_error (&error);
  o.skip_bad = TRUE;
  CU_ASSERT (tm_index_build (paths, path, &o, &stats, &error));
  CU_ASSERT_EQUAL (stats.records[TM_LIBRARY_ACHIEVEMENT], 3);
  CU_ASSERT_EQUAL (stats.bad_records, 2);
  CU_ASSERT_FALSE (g_file_test (stale, G_FILE_TEST_EXISTS));
}

/* The file is little-endian whatever the host: the encoders put each
 * field's bytes low first at the offsets of tm-index-format.h, and the
 * header of a built index reads so byte by byte. */
static void
test_byte_order (void)
{
  g_autofree char *path = build_good ("order.idx");
  g_autofree guint8 *data = NULL;
  gsize len;
  guint8 buf[TM_INDEX_TERM_SIZE];
  TmIndexTerm e, back;
  TmIndexSkip skip = { 0x0A0B0C0D, 0x01020304, 1.5f }, skip_back;
  guint64 size = 0;

  CU_ASSERT_FATAL (g_file_get_contents (path, (char **) &data, &len, NULL));
  CU_ASSERT (memcmp (data, "TMINDEX\n", 8) == 0);
  CU_ASSERT (data[8] == TM_INDEX_VERSION && data[9] == 0 && data[10] == 0 && data[11] == 0);
  for (int i = 7; i >= 0; i--)
    size = size << 8 | data[16 + i];
  CU_ASSERT_EQUAL (size, len);
  CU_ASSERT (data[48] == TM_INDEX_N_SECTIONS && data[49] == 0);

  memset (&e, 0, sizeof e);
  e.text = 0x11223344;
  e.df[1] = 0x55667788;
  e.postings[0] = G_GUINT64_CONSTANT (0x0102030405060708);
  e.max_weight[0] = 0.25f;   /* 0x3E800000 */
  e.skips[1] = 42;
  _tm_index_term_encode (&e, buf);
  CU_ASSERT (buf[0] == 0x44 && buf[1] == 0x33 && buf[2] == 0x22 && buf[3] == 0x11);
  CU_ASSERT (buf[8] == 0x88 && buf[11] == 0x55);
  CU_ASSERT (buf[32] == 0x08 && buf[39] == 0x01);
  CU_ASSERT (buf[20] == 0x00 && buf[22] == 0x80 && buf[23] == 0x3E);
  CU_ASSERT (buf[56] == 42 && buf[63] == 0);
  _tm_index_term_decode (buf, &back);
  CU_ASSERT (memcmp (&e, &back, sizeof e) == 0);
  _tm_index_skip_encode (&skip, buf);
  CU_ASSERT (buf[0] == 0x0D && buf[3] == 0x0A && buf[4] == 0x04 && buf[7] == 0x01);
  _tm_index_skip_decode (buf, &skip_back);
  CU_ASSERT (skip_back.last_doc == skip.last_doc && skip_back.end == skip.end && skip_back.max_weight == 1.5f);
}

/* A term in 300 documents: three blocks, each with its skip entry, and
 * every posting's weight within its block's bound and the list's. */
static void
test_blocks_and_bounds (void)
{
  g_autofree char *dir = tm_test_file ("blocks");
  g_autofree char *file = g_build_filename (dir, "a.xml", NULL);
  g_autofree char *path = tm_test_file ("blocks.idx");
  g_autoptr(GString) s = g_string_new ("<?xml version='1.0' encoding='UTF-8'?>\n"
                                       "<corpus xmlns='urn:techmatch:corpus:1' library='achievement'>\n");
  const char *paths[] = { dir, NULL };
  g_autoptr(GError) error = NULL;
  g_autoptr(TmIndex) idx = NULL;
  TmIndexBuildOptions o;
  TmIndexBuildStats stats;
  TmPostingList list;
  TmPostingIter it;
  double list_max = 0;
  guint n = 0;

  for (guint i = 0; i < 300; i++)
    {
      g_string_append_printf (s, "<achievement id='A%03u'><title>common", i);
      for (guint j = 0; j < i % 9; j++)
        g_string_append_printf (s, " w%cx", 'a' + j);
      g_string_append (s, i % 4 == 0 ? " common" : "");
      g_string_append (s, "</title><abstract>filler</abstract></achievement>\n");
    }
  g_string_append (s, "</corpus>\n");
  g_mkdir_with_parents (dir, 0755);
  CU_ASSERT_FATAL (g_file_set_contents (file, s->str, -1, NULL));
  build_options (&o);
  o.analyzer.stopwords = o.analyzer.stem = o.analyzer.synonyms = FALSE;
  if (!tm_index_build (paths, path, &o, &stats, &error))
    g_printerr ("%s\n", error->message);
  CU_ASSERT_PTR_NULL_FATAL (error);
  idx = tm_index_open (path, &error);
  CU_ASSERT_PTR_NOT_NULL_FATAL (idx);
  CU_ASSERT_FATAL (_tm_index_lookup (idx, TM_LIBRARY_ACHIEVEMENT, "common", 6, &list));
  CU_ASSERT_EQUAL (list.df, 300);
  CU_ASSERT_EQUAL_FATAL (list.n_skips, 3);
  CU_ASSERT_PTR_NOT_NULL_FATAL (list.skips);
  _tm_posting_iter_init (&it, &list);
  while (_tm_posting_iter_next (&it))
    {
      TmIndexSkip skip;
      const double *w = tm_index_get_norm_weights (idx);
      double norm = _tm_index_doc_norm (idx, TM_LIBRARY_ACHIEVEMENT, (guint32) it.doc);
      double v = _tm_log_tf (w[0] * it.tf[0] + w[1] * it.tf[1] + w[2] * it.tf[2]) / norm;

      _tm_index_skip_decode (list.skips + (n / TM_POSTING_BLOCK) * TM_INDEX_SKIP_SIZE, &skip);
      CU_ASSERT (v <= skip.max_weight);
      CU_ASSERT (v <= list.max_weight);
      list_max = MAX (list_max, v);
      n++;
      if (n % TM_POSTING_BLOCK == 0 || n == 300)
        {
          CU_ASSERT_EQUAL (skip.last_doc, it.doc);
          CU_ASSERT_EQUAL (skip.end, (guint32) (it.p - list.postings));
        }
    }
  CU_ASSERT_EQUAL (n, 300);
  CU_ASSERT (!it.bad);
  /* Rounded up, by a float's step at most. */
  CU_ASSERT (list.max_weight >= list_max && list.max_weight <= list_max * (1 + 1e-6));
  CU_ASSERT (tm_index_verify (idx, &error));

  /* A block bound lowered, or a block's end moved, checksums made right:
   * the verification finds it. */
  for (int what = 0; what < 2; what++)
    {
      g_autofree guint8 *data = NULL;
      g_autofree char *bad = tm_test_file ("blocks-bad.idx");
      g_autoptr(TmIndex) damaged = NULL;
      g_autoptr(GError) local = NULL;
      guint64 off = 0, size = 0, at;
      gsize len;
      TmIndexSkip skip;
      TmIndexTerm e;

      CU_ASSERT_FATAL (g_file_get_contents (path, (char **) &data, &len, NULL));
      CU_ASSERT_FATAL (tm_mutate_section (data, len, TM_SECTION_SKIPS, &off, &size));
      _tm_index_term_decode (tm_mutate_term (data, len, "common"), &e);
      at = off + (e.skips[TM_LIBRARY_ACHIEVEMENT] + 1) * TM_INDEX_SKIP_SIZE;
      CU_ASSERT_FATAL (at + TM_INDEX_SKIP_SIZE <= off + size);
      _tm_index_skip_decode (data + at, &skip);
      if (what == 0)
        skip.max_weight /= 2;
      else
        skip.end--;
      _tm_index_skip_encode (&skip, data + at);
      CU_ASSERT_FATAL (tm_mutate_rechecksum (data, len));
      CU_ASSERT_FATAL (g_file_set_contents (bad, (const char *) data, (gssize) len, NULL));
      damaged = tm_index_open (bad, &local);
      CU_ASSERT_PTR_NOT_NULL_FATAL (damaged);
      CU_ASSERT_FALSE (tm_index_verify (damaged, &local));
      CU_ASSERT (g_error_matches (local, TM_ERROR, TM_ERROR_CORRUPT_INDEX));
    }
}

/* The named limits, lowered so that a small corpus reaches them: a clear
 * TM_ERROR_LIMIT naming the limit, and no index left behind. */
static void
test_limits (void)
{
  g_autofree char *good = tm_test_path ("tests/data/good");
  const char *paths[] = { good, NULL };
  g_autofree char *path = tm_test_file ("limits.idx");
  g_autoptr(GError) error = NULL;
  TmIndexBuildOptions o;
  TmIndexBuildStats stats;
  TmLimits strings = { 0, 64, 0 }, terms = { 0, 0, 5 }, records = { 2, 0, 0 };

  build_options (&o);
  _tm_limits_set_for_test (&strings);
  CU_ASSERT_FALSE (tm_index_build (paths, path, &o, &stats, &error));
  CU_ASSERT (g_error_matches (error, TM_ERROR, TM_ERROR_LIMIT));
  CU_ASSERT (error != NULL && strstr (error->message, "TM_MAX_STRINGS_BYTES") != NULL);
  CU_ASSERT_FALSE (g_file_test (path, G_FILE_TEST_EXISTS));
  g_clear_error (&error);

  _tm_limits_set_for_test (NULL);
  _tm_limits_set_for_test (&terms);
  CU_ASSERT_FALSE (tm_index_build (paths, path, &o, &stats, &error));
  CU_ASSERT (g_error_matches (error, TM_ERROR, TM_ERROR_LIMIT));
  CU_ASSERT (error != NULL && strstr (error->message, "TM_MAX_TERMS") != NULL);
  CU_ASSERT_FALSE (g_file_test (path, G_FILE_TEST_EXISTS));
  g_clear_error (&error);

  /* Records past the limit are problems, as bad records are: refused
   * without --skip-bad, skipped with it. */
  _tm_limits_set_for_test (NULL);
  _tm_limits_set_for_test (&records);
  CU_ASSERT_FALSE (tm_index_build (paths, path, &o, &stats, &error));
  CU_ASSERT (g_error_matches (error, TM_ERROR, TM_ERROR_INVALID));
  CU_ASSERT_EQUAL (stats.problems, 1);
  g_clear_error (&error);
  o.skip_bad = TRUE;
  CU_ASSERT (tm_index_build (paths, path, &o, &stats, &error));
  CU_ASSERT_EQUAL (stats.records[TM_LIBRARY_ACHIEVEMENT], 2);

  _tm_limits_set_for_test (NULL);
  g_clear_error (&error);
  o.skip_bad = FALSE;
  CU_ASSERT (tm_index_build (paths, path, &o, &stats, &error));
  CU_ASSERT_EQUAL (stats.records[TM_LIBRARY_ACHIEVEMENT], 3);
}

/* A corpus of @n_achievements and @n_demands records made of a few dozen
 * words, ids in no particular order, written to @dir: big enough for
 * several batches. */
static void
write_spill_corpus (const char *dir, guint n_achievements, guint n_demands)
{
  static const char * const words[] = {
    "燃料电池", "双极板", "涂层", "锂离子", "电池", "低温", "充电", "激光", "熔覆", "叶片",
    "机器视觉", "缺陷", "检测", "钛合金", "增材制造", "疲劳", "光伏", "组件", "老化", "无人机",
    "巡检", "催化剂", "烯烃", "膜电极", "电解", "制氢", "陶瓷", "传感器", "芯片", "封装",
    "laser", "coating", "sensor", "polymer", "alloy", "robot",
  };
  guint32 seed = 12345;

  for (int l = 0; l < 2; l++)
    {
      guint n = l == 0 ? n_achievements : n_demands;
      const char *kind = l == 0 ? "achievement" : "demand";
      g_autoptr(GString) xml = g_string_new ("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
      g_autofree char *name = g_strdup_printf ("%s/%s.xml", dir, kind);

      g_string_append_printf (xml, "<corpus xmlns=\"urn:techmatch:corpus:1\" library=\"%s\">\n", kind);
      for (guint i = 0; i < n; i++)
        {
          /* 7919 is prime: the ids come in a scrambled order. */
          guint id = (guint) ((guint64) i * 7919 % n);

          g_string_append_printf (xml, "<%s id=\"%c-%05u\"><title>", kind, l == 0 ? 'A' : 'D', id);
          for (int w = 0; w < 3; w++)
            {
              seed = seed * 1103515245 + 12345;
              g_string_append (xml, words[(seed >> 16) % G_N_ELEMENTS (words)]);
            }
          g_string_append_printf (xml, "</title><%s>", l == 0 ? "abstract" : "description");
          for (int w = 0; w < 12 + (int) (id % 20); w++)
            {
              seed = seed * 1103515245 + 12345;
              g_string_append (xml, words[(seed >> 16) % G_N_ELEMENTS (words)]);
              g_string_append (xml, (seed >> 8) % 3 == 0 ? "，" : "");
            }
          g_string_append_printf (xml, "</%s></%s>\n", l == 0 ? "abstract" : "description", kind);
        }
      g_string_append (xml, "</corpus>\n");
      CU_ASSERT_FATAL (g_file_set_contents (name, xml->str, (gssize) xml->len, NULL));
    }
}

/* Whether the files at @a and @b are the same bytes past the header (the
 * header holds the build's time and duration, and its checksum). */
static gboolean
same_past_header (const char *a, const char *b)
{
  g_autofree char *x = NULL, *y = NULL;
  gsize nx = 0, ny = 0;

  if (!g_file_get_contents (a, &x, &nx, NULL) || !g_file_get_contents (b, &y, &ny, NULL))
    return FALSE;
  return nx == ny && nx > TM_INDEX_HEADER_SIZE
         && memcmp (x + TM_INDEX_HEADER_SIZE, y + TM_INDEX_HEADER_SIZE, nx - TM_INDEX_HEADER_SIZE) == 0;
}

/* Postings spilled to runs under a tiny budget, then merged: the same
 * bytes as the build that held them all, whatever the jobs; and a run
 * that cannot be written fails the build, the old index untouched. */
static void
test_spill (void)
{
  g_autofree char *dir = tm_test_file ("spill-corpus");
  g_autofree char *whole = tm_test_file ("whole.idx");
  g_autofree char *spilled = tm_test_file ("spilled.idx");
  const char *paths[] = { dir, NULL };
  g_autoptr(GError) error = NULL;
  TmIndexBuildOptions o;
  TmIndexBuildStats stats, whole_stats;
  TmLimits terms = { 0, 0, 5 };

  g_mkdir (dir, 0755);
  write_spill_corpus (dir, 900, 300);
  build_options (&o);
  CU_ASSERT_FATAL (tm_index_build (paths, whole, &o, &whole_stats, &error));
  CU_ASSERT_EQUAL (whole_stats.records[TM_LIBRARY_ACHIEVEMENT], 900);

  /* Batches of 64 documents, each spilled: 19 runs. */
  _tm_index_build_set_batch_for_test (64);
  o.memory = 1;
  for (guint jobs = 1; jobs <= 3; jobs++)
    {
      o.jobs = jobs;
      CU_ASSERT_FATAL (tm_index_build (paths, spilled, &o, &stats, &error));
      CU_ASSERT_EQUAL (stats.terms, whole_stats.terms);
      CU_ASSERT_EQUAL (stats.postings, whole_stats.postings);
      CU_ASSERT (same_past_header (whole, spilled));
    }
  /* Once in a while, 1 MB: spilled at the end of a library, or not at all. */
  o.memory = 1 << 20;
  CU_ASSERT_FATAL (tm_index_build (paths, spilled, &o, &stats, &error));
  CU_ASSERT (same_past_header (whole, spilled));

  /* The forward lists inverted a few hundred bytes at a time, in many
   * passes over the postings read back from their temporary, the
   * chunks crossing from the demands to the achievements: the same. */
  _tm_index_build_set_forward_chunk_for_test (300);
  CU_ASSERT_FATAL (tm_index_build (paths, spilled, &o, &stats, &error));
  CU_ASSERT (same_past_header (whole, spilled));
  _tm_index_build_set_forward_chunk_for_test (0);

  /* The limit on terms holds across runs. */
  o.memory = 1;
  _tm_limits_set_for_test (&terms);
  CU_ASSERT_FALSE (tm_index_build (paths, spilled, &o, &stats, &error));
  CU_ASSERT (g_error_matches (error, TM_ERROR, TM_ERROR_LIMIT));
  CU_ASSERT (error != NULL && strstr (error->message, "TM_MAX_TERMS") != NULL);
  g_clear_error (&error);
  _tm_limits_set_for_test (NULL);
  CU_ASSERT (same_past_header (whole, spilled));

  /* A folder where no temporary file can be made (root writes anywhere:
   * skipped there). */
  if (geteuid () != 0)
    {
      g_autofree char *ro = tm_test_file ("ro");
      g_autofree char *ro_idx = g_build_filename (ro, "x.idx", NULL);

      g_mkdir (ro, 0755);
      CU_ASSERT_FATAL (tm_index_build (paths, ro_idx, &o, &stats, &error));
      CU_ASSERT_FATAL (g_chmod (ro, 0555) == 0);
      CU_ASSERT_FALSE (tm_index_build (paths, ro_idx, &o, &stats, &error));
      CU_ASSERT (g_error_matches (error, TM_ERROR, TM_ERROR_IO));
      CU_ASSERT (error != NULL && strstr (error->message, "temporary file") != NULL);
      g_clear_error (&error);
      g_chmod (ro, 0755);
      CU_ASSERT (g_file_test (ro_idx, G_FILE_TEST_EXISTS));
    }
  _tm_index_build_set_batch_for_test (0);
}

static void
test_varint (void)
{
  g_autoptr(GByteArray) a = g_byte_array_new ();
  const guint64 values[] = { 0, 1, 127, 128, 300, 1u << 21, G_MAXUINT32, G_MAXUINT64 };
  const guint8 *p, *end;
  guint64 v;

  for (gsize i = 0; i < G_N_ELEMENTS (values); i++)
    _tm_varint_put (a, values[i]);
  p = a->data;
  end = a->data + a->len;
  for (gsize i = 0; i < G_N_ELEMENTS (values); i++)
    {
      CU_ASSERT (_tm_varint_get (&p, end, &v));
      CU_ASSERT_EQUAL (v, values[i]);
    }
  CU_ASSERT_FALSE (_tm_varint_get (&p, end, &v));
  /* Truncated in the middle: 300 takes bytes 5 and 6. */
  p = a->data + 5;
  end = a->data + 6;
  CU_ASSERT_FALSE (_tm_varint_get (&p, end, &v));
}

int
main (void)
{
  CU_pSuite suite;

  if (CU_initialize_registry () != CUE_SUCCESS)
    return 99;
  suite = CU_add_suite ("index", NULL, NULL);
  CU_add_test (suite, "varint", test_varint);
  CU_add_test (suite, "round trip", test_round_trip);
  CU_add_test (suite, "norms", test_norms);
  CU_add_test (suite, "corruption", test_corruption);
  CU_add_test (suite, "structural damage", test_structural_damage);
  CU_add_test (suite, "missing and not an index", test_missing_and_not_an_index);
  CU_add_test (suite, "lock", test_lock);
  CU_add_test (suite, "bad corpus", test_bad_corpus);
  CU_add_test (suite, "byte order", test_byte_order);
  CU_add_test (suite, "blocks and bounds", test_blocks_and_bounds);
  CU_add_test (suite, "limits", test_limits);
  CU_add_test (suite, "spill", test_spill);
  return tm_test_run ();
}

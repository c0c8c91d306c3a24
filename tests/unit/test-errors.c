/* test-errors.c — every public engine function that takes a GError,
 * called on bad input with error == NULL (which GLib allows: the caller
 * does not want the details) and with an error: it must fail the same
 * way both times, never crash, never report success. */
#include "config.h"

#include <string.h>

#include "tm-analyzer.h"
#include "tm-batch.h"
#include "tm-corpus.h"
#include "tm-dict.h"
#include "tm-error.h"
#include "tm-index.h"
#include "tm-match.h"
#include "tm-normalize.h"
#include "tm-private.h"
#include "tm-reader.h"
#include "tm-test.h"

static void
test_analyzer (void)
{
  g_autofree char *bad_synonyms = tm_test_write ("bad-synonyms.txt", "\xff\xfe not text\n", -1);
  const char *missing[] = { "/nonexistent/lexicon.txt", NULL };
  const char *bad[] = { bad_synonyms, NULL };
  g_autoptr(GError) error = NULL;
  TmAnalyzerOptions o;

  tm_analyzer_options_init (&o);
  o.lexicons = missing;
  CU_ASSERT_PTR_NULL (tm_analyzer_new (&o, NULL));
  CU_ASSERT_PTR_NULL (tm_analyzer_new (&o, &error));
  CU_ASSERT (g_error_matches (error, TM_ERROR, TM_ERROR_IO));
  g_clear_error (&error);

  tm_analyzer_options_init (&o);
  o.stopword_files = missing;
  CU_ASSERT_PTR_NULL (tm_analyzer_new (&o, NULL));
  tm_analyzer_options_init (&o);
  o.synonym_files = missing;
  CU_ASSERT_PTR_NULL (tm_analyzer_new (&o, NULL));
  o.synonym_files = bad;
  CU_ASSERT_PTR_NULL (tm_analyzer_new (&o, NULL));
  CU_ASSERT_PTR_NULL (tm_analyzer_new (&o, &error));
  CU_ASSERT (error != NULL && strstr (error->message, "bad-synonyms.txt") != NULL);
  g_clear_error (&error);

  /* Invalid UTF-8 to analyze and to segment. */
  {
    g_autoptr(TmAnalyzer) z = NULL;
    g_autoptr(TmAnalysis) a = NULL;
    g_autoptr(GString) out = g_string_new (NULL);

    tm_analyzer_options_init (&o);
    z = tm_analyzer_new (&o, NULL);
    CU_ASSERT_PTR_NOT_NULL_FATAL (z);
    a = tm_analysis_new (z);
    CU_ASSERT_FALSE (tm_analyzer_analyze (z, a, 0, "ok\xff", -1, NULL, NULL, NULL));
    CU_ASSERT_FALSE (tm_analyzer_segment (z, a, "ok\xff", -1, out, NULL, NULL, NULL));
  }
}

static void
test_normalize_dict (void)
{
  g_autoptr(GBytes) junk = g_bytes_new_static ("not a dictionary", 16);
  g_autoptr(GBytes) t2s = g_resource_lookup_data (tm_get_resource (), "/org/techmatch/t2s-chars.txt", 0, NULL);
  g_autoptr(GBytes) table = g_resource_lookup_data (tm_get_resource (), "/org/techmatch/t2s-table.txt", 0, NULL);
  g_autoptr(GBytes) no_tab = g_bytes_new_static ("\xe9\x95\xb7\n", 4);
  g_autoptr(GBytes) not_han = g_bytes_new_static ("a\tb\n", 4);
  g_autoptr(GBytes) bad_utf8 = g_bytes_new_static ("\xe9\x95\tx\n", 5);
  g_autoptr(TmNormalizer) n = tm_normalizer_new (table, t2s, NULL);
  g_autoptr(TmNormalized) out = tm_normalized_new ();

  CU_ASSERT_PTR_NULL (tm_dict_new (junk, NULL));
  CU_ASSERT_PTR_NULL (tm_normalizer_new (no_tab, t2s, NULL));
  CU_ASSERT_PTR_NULL (tm_normalizer_new (not_han, t2s, NULL));
  CU_ASSERT_PTR_NULL (tm_normalizer_new (bad_utf8, t2s, NULL));
  CU_ASSERT_PTR_NOT_NULL_FATAL (n);
  CU_ASSERT_FALSE (tm_normalizer_run (n, "a\xc0\x80", 3, out, NULL));
}

static void
test_reader_corpus (void)
{
  g_autofree char *junk = tm_test_write ("junk.xml", "<not-a-corpus", -1);
  const char *paths[] = { "/nonexistent/corpus", NULL };
  TmCorpusStats stats;

  CU_ASSERT_PTR_NULL (tm_reader_open ("/nonexistent/a.xml", NULL, NULL, NULL));
  CU_ASSERT_PTR_NULL (tm_reader_open (junk, NULL, NULL, NULL));
  CU_ASSERT_PTR_NULL (tm_corpus_list_files ("/nonexistent/corpus", NULL));
  /* A missing path is a problem, not a failure. */
  CU_ASSERT (tm_corpus_read (paths, NULL, NULL, NULL, &stats, NULL));
  CU_ASSERT_EQUAL (stats.problems, 1);
}

static gboolean
refuse_record (TmRecord *record, gpointer data, GError **error)
{
  tm_record_free (record);
  g_set_error (error, TM_ERROR, TM_ERROR_INVALID, "refused");
  return FALSE;
}

static void
test_index (void)
{
  g_autofree char *good = tm_test_path ("tests/data/good");
  g_autofree char *broken = tm_test_path ("tests/data/broken/trl-out-of-range.xml");
  g_autofree char *path = tm_test_file ("i.idx");
  g_autofree char *junk = tm_test_write ("junk.idx", "TMINDEX\nnot really", -1);
  const char *bad_paths[] = { good, broken, NULL };
  const char *good_paths[] = { good, NULL };
  const char *missing[] = { "/nonexistent/lexicon.txt", NULL };
  TmIndexBuildOptions o;
  TmIndexBuildStats stats;
  TmCorpusStats cstats;

  memset (&o, 0, sizeof o);
  tm_analyzer_options_init (&o.analyzer);
  o.jobs = 2;
  CU_ASSERT_FALSE (tm_index_build (bad_paths, path, &o, &stats, NULL));
  CU_ASSERT_FALSE (tm_index_build (good_paths, "/nonexistent/dir/i.idx", &o, &stats, NULL));
  o.analyzer.lexicons = missing;
  CU_ASSERT_FALSE (tm_index_build (good_paths, path, &o, &stats, NULL));
  CU_ASSERT_FALSE (g_file_test (path, G_FILE_TEST_EXISTS));
  CU_ASSERT_PTR_NULL (tm_index_open ("/nonexistent/i.idx", NULL));
  CU_ASSERT_PTR_NULL (tm_index_open (junk, NULL));
  CU_ASSERT_FALSE (tm_corpus_read_parallel (good_paths, 2, NULL, refuse_record, NULL, &cstats, NULL));
  CU_ASSERT_FALSE (tm_corpus_read (good_paths, NULL, refuse_record, NULL, &cstats, NULL));
}

static void
test_match_batch (void)
{
  g_autofree char *good = tm_test_path ("tests/data/good");
  g_autofree char *path = tm_test_file ("m.idx");
  const char *paths[] = { good, NULL };
  g_autoptr(TmIndex) idx = NULL;
  g_autoptr(TmAnalyzer) z = NULL;
  g_autoptr(TmMatcher) m = NULL;
  g_autoptr(TmRecord) empty = tm_record_new (TM_LIBRARY_DEMAND);
  TmIndexBuildOptions bo;
  TmIndexBuildStats stats;
  TmMatchOptions o;
  TmBatchOptions b;
  gint cancel = 1;

  memset (&bo, 0, sizeof bo);
  tm_analyzer_options_init (&bo.analyzer);
  CU_ASSERT_FATAL (tm_index_build (paths, path, &bo, &stats, NULL));
  idx = tm_index_open (path, NULL);
  CU_ASSERT_PTR_NOT_NULL_FATAL (idx);
  z = tm_analyzer_new (&bo.analyzer, NULL);
  CU_ASSERT_PTR_NOT_NULL_FATAL (z);
  m = tm_matcher_new (idx, z);
  tm_match_options_init (&o);
  CU_ASSERT_PTR_NULL (tm_matcher_run_text (m, "，。", -1, TM_LIBRARY_ACHIEVEMENT, &o, NULL));
  CU_ASSERT_PTR_NULL (tm_matcher_run_text (m, "bad\xff", -1, TM_LIBRARY_ACHIEVEMENT, &o, NULL));
  empty->id = g_strdup ("D-EMPTY");
  empty->title = g_strdup ("。");
  CU_ASSERT_PTR_NULL (tm_matcher_run_record (m, empty, TM_LIBRARY_ACHIEVEMENT, &o, NULL));
  memset (&b, 0, sizeof b);
  b.match = o;
  b.cancel = &cancel;
  CU_ASSERT_PTR_NULL (tm_batch_run (idx, z, TM_LIBRARY_DEMAND, &b, NULL));
}

int
main (void)
{
  CU_pSuite suite;

  if (CU_initialize_registry () != CUE_SUCCESS)
    return 99;
  suite = CU_add_suite ("errors", NULL, NULL);
  CU_add_test (suite, "analyzer", test_analyzer);
  CU_add_test (suite, "normalizer and dictionary", test_normalize_dict);
  CU_add_test (suite, "reader and corpus", test_reader_corpus);
  CU_add_test (suite, "index", test_index);
  CU_add_test (suite, "match and batch", test_match_batch);
  return tm_test_run ();
}

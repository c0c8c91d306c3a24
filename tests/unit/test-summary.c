/* test-summary.c — the batch summary (strong, unmatched, unwanted per
 * domain) and results grouped by institution, on a five-record library. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "tm-batch.h"
#include "tm-error.h"
#include "tm-group.h"
#include "tm-index.h"
#include "tm-summary.h"
#include "tm-test.h"

static TmIndex *idx;
static TmAnalyzer *analyzer;

#define HEAD "<?xml version='1.0' encoding='UTF-8'?>\n<corpus xmlns='urn:techmatch:corpus:1' library='%s'>\n"

static int
setup (void)
{
  g_autofree char *ach = NULL, *dem = NULL, *path = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GString) s = g_string_new (NULL);
  const char *paths[2] = { NULL, NULL };
  TmIndexBuildOptions o;
  TmIndexBuildStats stats;

  ach = tm_test_file ("a.xml");
  dem = tm_test_file ("d.xml");
  path = tm_test_file ("x.idx");
  g_string_printf (s, HEAD, "achievement");
  g_string_append (s,
    "<achievement id='A1'><title>alpha</title><institution>Lab X</institution><domain>h</domain><abstract>alpha beta</abstract></achievement>\n"
    "<achievement id='A2'><title>alpha gamma</title><institution>Lab Y</institution><domain>h</domain><abstract>alpha gamma</abstract></achievement>\n"
    "<achievement id='A3'><title>gamma</title><institution>Lab X</institution><domain>h</domain><abstract>gamma alpha</abstract></achievement>\n"
    "<achievement id='A4'><title>omega</title><institution>Lab Z</institution><domain>m</domain><abstract>omega psi</abstract></achievement>\n"
    "</corpus>\n");
  g_file_set_contents (ach, s->str, -1, NULL);
  g_string_printf (s, HEAD, "demand");
  g_string_append (s,
    "<demand id='D1'><title>alpha gamma</title><domain>h</domain><description>alpha gamma</description></demand>\n"
    "<demand id='D2'><title>zeta</title><domain>m</domain><description>zeta eta</description></demand>\n"
    "</corpus>\n");
  g_file_set_contents (dem, s->str, -1, NULL);
  paths[0] = tm_test_dir ();
  memset (&o, 0, sizeof o);
  tm_analyzer_options_init (&o.analyzer);
  o.analyzer.mode = TM_MODE_WORDS;
  o.analyzer.synonyms = o.analyzer.stopwords = o.analyzer.stem = FALSE;
  if (!tm_index_build (paths, path, &o, &stats, &error))
    return 1;
  idx = tm_index_open (path, &error);
  if (idx == NULL)
    return 1;
  analyzer = tm_analyzer_new (tm_index_get_analyzer_options (idx), &error);
  return analyzer == NULL;
}

static int
teardown (void)
{
  tm_analyzer_free (analyzer);
  tm_index_free (idx);
  return 0;
}

static TmBatch *
run_batch (TmLibrary source)
{
  g_autoptr(GError) error = NULL;
  TmBatchOptions o;
  TmBatch *b;

  memset (&o, 0, sizeof o);
  tm_match_options_init (&o.match);
  o.jobs = 1;
  b = tm_batch_run (idx, analyzer, source, &o, &error);
  CU_ASSERT_PTR_NOT_NULL_FATAL (b);
  return b;
}

#define DOMAIN(s, i) (&g_array_index ((s)->domains, TmDomainSummary, (i)))

static void
test_summary (void)
{
  TmBatch *batches[2] = { run_batch (TM_LIBRARY_DEMAND), NULL };
  g_autoptr(TmSummary) s = tm_summary_new (idx, batches, 0.15);
  guint32 doc;

  /* D1 matches A1, A2, A3; D2 shares no word with anything; A4 is
   * wanted by no one. */
  CU_ASSERT_EQUAL_FATAL (s->domains->len, 2);
  CU_ASSERT_STRING_EQUAL (DOMAIN (s, 0)->domain, "h");
  CU_ASSERT_EQUAL (DOMAIN (s, 0)->demands, 1);
  CU_ASSERT_EQUAL (DOMAIN (s, 0)->achievements, 3);
  CU_ASSERT_EQUAL (DOMAIN (s, 0)->strong, 1);
  CU_ASSERT_EQUAL (DOMAIN (s, 0)->unmatched, 0);
  CU_ASSERT_EQUAL (DOMAIN (s, 0)->unwanted, 0);
  CU_ASSERT_STRING_EQUAL (DOMAIN (s, 1)->domain, "m");
  CU_ASSERT_EQUAL (DOMAIN (s, 1)->unmatched, 1);
  CU_ASSERT_EQUAL (DOMAIN (s, 1)->unwanted, 1);
  CU_ASSERT_EQUAL (s->total.demands, 2);
  CU_ASSERT_EQUAL (s->total.achievements, 4);
  CU_ASSERT_EQUAL_FATAL (s->unmatched->len, 1);
  CU_ASSERT (tm_index_find_doc (idx, TM_LIBRARY_DEMAND, "D2", &doc));
  CU_ASSERT_EQUAL (g_array_index (s->unmatched, guint32, 0), doc);
  CU_ASSERT_EQUAL_FATAL (s->unwanted->len, 1);
  CU_ASSERT (tm_index_find_doc (idx, TM_LIBRARY_ACHIEVEMENT, "A4", &doc));
  CU_ASSERT_EQUAL (g_array_index (s->unwanted, guint32, 0), doc);

  /* A threshold above every score: nothing is strong, all unwanted. */
  {
    g_autoptr(TmSummary) t = tm_summary_new (idx, batches, 1.01);
    CU_ASSERT_EQUAL (t->total.strong, 0);
    CU_ASSERT_EQUAL (t->total.unmatched, 2);
    CU_ASSERT_EQUAL (t->total.unwanted, 4);
  }
  /* No run at all: nothing matched. */
  {
    TmBatch *none[2] = { NULL, NULL };
    g_autoptr(TmSummary) t = tm_summary_new (idx, none, 0.15);
    CU_ASSERT_EQUAL (t->total.unmatched, 2);
  }
  tm_batch_free (batches[0]);
}

static void
test_group (void)
{
  g_autoptr(TmMatcher) m = tm_matcher_new (idx, analyzer);
  g_autoptr(GError) error = NULL;
  g_autoptr(TmResults) r = NULL;
  g_autoptr(GArray) sum = NULL, max = NULL;
  TmMatchOptions o;
  TmGroupScore how;
  guint32 doc;

  tm_match_options_init (&o);
  CU_ASSERT_FATAL (tm_index_find_doc (idx, TM_LIBRARY_DEMAND, "D1", &doc));
  r = tm_matcher_run_doc (m, TM_LIBRARY_DEMAND, doc, TM_LIBRARY_ACHIEVEMENT, &o, &error);
  CU_ASSERT_PTR_NOT_NULL_FATAL (r);
  CU_ASSERT_EQUAL_FATAL (r->results->len, 3);

  sum = tm_results_group (idx, r, TM_GROUP_SUM);
  CU_ASSERT_EQUAL_FATAL (sum->len, 2);
  /* Lab X has two answers (A1, A3), Lab Y the best one (A2). */
  {
    const TmGroup *x = &g_array_index (sum, TmGroup, 0), *y = &g_array_index (sum, TmGroup, 1);
    const TmResult *a2 = &g_array_index (r->results, TmResult, 0);
    double xs = 0;

    CU_ASSERT_STRING_EQUAL (x->name, "Lab X");
    CU_ASSERT_EQUAL (x->results->len, 2);
    for (guint i = 0; i < x->results->len; i++)
      xs += g_array_index (r->results, TmResult, g_array_index (x->results, guint, i)).score;
    CU_ASSERT_DOUBLE_EQUAL (x->score, xs, 1e-12);
    CU_ASSERT_STRING_EQUAL (y->name, "Lab Y");
    CU_ASSERT_STRING_EQUAL (tm_index_doc_id (idx, TM_LIBRARY_ACHIEVEMENT, a2->doc), "A2");
    CU_ASSERT_DOUBLE_EQUAL (y->score, a2->score, 1e-12);
  }
  max = tm_results_group (idx, r, TM_GROUP_MAX);
  CU_ASSERT_STRING_EQUAL (g_array_index (max, TmGroup, 0).name, "Lab Y");
  CU_ASSERT (tm_group_score_from_name ("max", &how) && how == TM_GROUP_MAX);
  CU_ASSERT_FALSE (tm_group_score_from_name ("mean", &how));
}

int
main (void)
{
  CU_pSuite s;

  if (CU_initialize_registry () != CUE_SUCCESS)
    return 99;
  s = CU_add_suite ("summary", setup, teardown);
  CU_add_test (s, "strong, unmatched, unwanted per domain", test_summary);
  CU_add_test (s, "grouped by institution", test_group);
  return tm_test_run ();
}

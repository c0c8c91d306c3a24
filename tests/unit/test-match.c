/* test-match.c — the scorer against hand computation on a three-document
 * library, top-K order and ties, filters. */
#include "config.h"

#include <math.h>
#include <string.h>

#include "tm-batch.h"
#include "tm-error.h"
#include "tm-index.h"
#include "tm-match.h"
#include "tm-private.h"
#include "tm-test.h"

static TmIndex *idx;
static TmAnalyzer *analyzer;
/* The sample corpus, indexed by the tests that need it. */
static TmIndex *corpus_idx;
static TmAnalyzer *corpus_analyzer;

#define HEAD "<?xml version='1.0' encoding='UTF-8'?>\n<corpus xmlns='urn:techmatch:corpus:1' library='%s'>\n"

static int
setup (void)
{
  g_autofree char *ach = NULL, *dem = NULL, *path = NULL;
  g_autoptr(GError) error = NULL;
  const char *paths[2] = { NULL, NULL };
  TmIndexBuildOptions o;
  TmIndexBuildStats stats;

  ach = tm_test_file ("a.xml");
  dem = tm_test_file ("d.xml");
  path = tm_test_file ("x.idx");
  /* Latin words only, so that the hand computation needs no segmenter;
   * A4 repeats A2 to test ties. */
  {
    g_autoptr(GString) s = g_string_new (NULL);
    g_string_printf (s, HEAD, "achievement");
    g_string_append (s,
      "<achievement id='A1'><title>one</title><domain>x</domain><abstract>alpha beta</abstract><trl>3</trl><ip>发明专利</ip></achievement>\n"
      "<achievement id='A2'><title>two</title><domain>y</domain><abstract>alpha gamma gamma</abstract><trl>7</trl></achievement>\n"
      "<achievement id='A3'><title>three</title><domain>x</domain><abstract>delta</abstract></achievement>\n"
      "<achievement id='A4'><title>four</title><domain>y</domain><region>西安高新区</region><abstract>alpha gamma gamma</abstract><trl>7</trl><ip>发明专利</ip><ip>软件著作权</ip></achievement>\n"
      "</corpus>\n");
    g_file_set_contents (ach, s->str, -1, NULL);
    g_string_printf (s, HEAD, "demand");
    g_string_append (s, "<demand id='D1'><title>query</title><description>alpha gamma</description></demand>\n</corpus>\n");
    g_file_set_contents (dem, s->str, -1, NULL);
  }
  paths[0] = tm_test_dir ();
  memset (&o, 0, sizeof o);
  tm_analyzer_options_init (&o.analyzer);
  o.analyzer.mode = TM_MODE_WORDS;
  o.analyzer.synonyms = o.analyzer.stopwords = o.analyzer.stem = FALSE;
  /* The computations by hand are of the lexical scores. */
  o.no_latent = TRUE;
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
  tm_analyzer_free (corpus_analyzer);
  tm_index_free (corpus_idx);
  return 0;
}

static TmResults *
run_demand (const TmMatchOptions *o)
{
  g_autoptr(TmMatcher) m = tm_matcher_new (idx, analyzer);
  g_autoptr(TmRecord) q = NULL;
  g_autoptr(GError) error = NULL;
  guint32 doc;
  TmResults *r;

  CU_ASSERT_FATAL (tm_index_find_doc (idx, TM_LIBRARY_DEMAND, "D1", &doc));
  q = tm_index_get_record (idx, TM_LIBRARY_DEMAND, doc);
  r = tm_matcher_run_record (m, q, TM_LIBRARY_ACHIEVEMENT, o, &error);
  CU_ASSERT_PTR_NOT_NULL_FATAL (r);
  return r;
}

#define RESULT(r, i) (&g_array_index ((r)->results, TmResult, (i)))
#define ID(r, i) tm_index_doc_id (idx, TM_LIBRARY_ACHIEVEMENT, RESULT (r, i)->doc)

/* Only the body counts, so that the numbers below are the whole story. */
static void
body_only (TmMatchOptions *o)
{
  tm_match_options_init (o);
  o->score.weights[0] = o->score.weights[1] = 0;
  o->score.weights[2] = 1;
}

static void
test_tfidf (void)
{
  TmMatchOptions o;
  g_autoptr(TmResults) r = NULL;
  /* N = 4 achievements: alpha in 3, beta in 1, gamma in 2. */
  double ia = log (5.0 / 4) + 1, ib = log (5.0 / 2) + 1, ig = log (5.0 / 3) + 1;
  double q = sqrt (ia * ia + ig * ig);
  double a1 = ia * ia / (q * sqrt (ia * ia + ib * ib));
  double g2 = (1 + log (2)) * ig;
  double a2 = (ia * ia + ig * g2) / (q * sqrt (ia * ia + g2 * g2));

  body_only (&o);
  r = run_demand (&o);
  CU_ASSERT_EQUAL_FATAL (r->results->len, 3);
  /* A2 and A4 tie: the smaller id first. */
  CU_ASSERT_STRING_EQUAL (ID (r, 0), "A2");
  CU_ASSERT_STRING_EQUAL (ID (r, 1), "A4");
  CU_ASSERT_STRING_EQUAL (ID (r, 2), "A1");
  CU_ASSERT_DOUBLE_EQUAL (RESULT (r, 0)->score, a2, 1e-9);
  CU_ASSERT_DOUBLE_EQUAL (RESULT (r, 1)->score, a2, 1e-9);
  CU_ASSERT_DOUBLE_EQUAL (RESULT (r, 2)->score, a1, 1e-9);
  CU_ASSERT (RESULT (r, 0)->score <= 1.0);
}

static void
test_bm25 (void)
{
  TmMatchOptions o;
  g_autoptr(TmResults) r = NULL;
  double k1 = 1.2, b = 0.75, avg = (2 + 3 + 1 + 3) / 4.0;
  double ia = log (1 + (4 - 3 + 0.5) / (3 + 0.5)), ig = log (1 + (4 - 2 + 0.5) / (2 + 0.5));
  double n1 = 1 - b + b * 2 / avg, n2 = 1 - b + b * 3 / avg;
  double a1 = ia * 1 * (k1 + 1) / (1 + k1 * n1);
  double a2 = ia * 1 * (k1 + 1) / (1 + k1 * n2) + ig * 2 * (k1 + 1) / (2 + k1 * n2);

  body_only (&o);
  o.score.model = TM_MODEL_BM25;
  r = run_demand (&o);
  CU_ASSERT_EQUAL_FATAL (r->results->len, 3);
  CU_ASSERT_STRING_EQUAL (ID (r, 0), "A2");
  CU_ASSERT_DOUBLE_EQUAL (RESULT (r, 0)->score, a2, 1e-9);
  CU_ASSERT_STRING_EQUAL (ID (r, 2), "A1");
  CU_ASSERT_DOUBLE_EQUAL (RESULT (r, 2)->score, a1, 1e-9);
}

static void
test_top_k_and_threshold (void)
{
  TmMatchOptions o;
  g_autoptr(TmResults) r = NULL;
  g_autoptr(TmResults) s = NULL;

  body_only (&o);
  o.top = 1;
  r = run_demand (&o);
  CU_ASSERT_EQUAL_FATAL (r->results->len, 1);
  CU_ASSERT_STRING_EQUAL (ID (r, 0), "A2");
  body_only (&o);
  o.min_score = 0.5;
  s = run_demand (&o);
  for (guint i = 0; i < s->results->len; i++)
    CU_ASSERT (RESULT (s, i)->score >= 0.5);
  CU_ASSERT_EQUAL (s->results->len, 2);
}

static gboolean
exclude_a2 (TmLibrary target, guint32 source_doc, guint32 target_doc, gpointer data)
{
  guint *calls = data;
  guint32 d1, a2;

  (*calls)++;
  g_assert (tm_index_find_doc (idx, TM_LIBRARY_DEMAND, "D1", &d1));
  g_assert (tm_index_find_doc (idx, TM_LIBRARY_ACHIEVEMENT, "A2", &a2));
  return target == TM_LIBRARY_ACHIEVEMENT && source_doc == d1 && target_doc == a2;
}

/* An excluded pair leaves its place to the next one: top 1 without A2
 * is A4 (its tie), from a stored document; a text has no source. */
static void
test_exclude (void)
{
  g_autoptr(TmMatcher) m = tm_matcher_new (idx, analyzer);
  g_autoptr(TmResults) r = NULL, t = NULL;
  g_autoptr(GError) error = NULL;
  TmMatchOptions o;
  guint calls = 0;
  guint32 doc;

  body_only (&o);
  o.top = 1;
  o.exclude = exclude_a2;
  o.exclude_data = &calls;
  CU_ASSERT_FATAL (tm_index_find_doc (idx, TM_LIBRARY_DEMAND, "D1", &doc));
  r = tm_matcher_run_doc (m, TM_LIBRARY_DEMAND, doc, TM_LIBRARY_ACHIEVEMENT, &o, &error);
  CU_ASSERT_PTR_NOT_NULL_FATAL (r);
  CU_ASSERT_EQUAL_FATAL (r->results->len, 1);
  CU_ASSERT_STRING_EQUAL (ID (r, 0), "A4");
  CU_ASSERT (calls >= 2);
  t = tm_matcher_run_text (m, "alpha gamma", -1, TM_LIBRARY_ACHIEVEMENT, &o, &error);
  CU_ASSERT_PTR_NOT_NULL_FATAL (t);
  CU_ASSERT_EQUAL_FATAL (t->results->len, 1);
  CU_ASSERT_STRING_EQUAL (ID (t, 0), "A2");
}

static void
test_filters (void)
{
  TmMatchOptions o;
  const char *domains[] = { "x", NULL };
  const char *regions[] = { "高新", NULL };
  const char *ips[] = { "发明专利", "软件著作权", NULL };
  g_autoptr(TmResults) a = NULL, b = NULL, c = NULL, d = NULL;

  body_only (&o);
  o.domains = domains;
  a = run_demand (&o);
  CU_ASSERT_EQUAL_FATAL (a->results->len, 1);
  CU_ASSERT_STRING_EQUAL (ID (a, 0), "A1");

  body_only (&o);
  o.regions = regions;
  b = run_demand (&o);
  CU_ASSERT_EQUAL_FATAL (b->results->len, 1);
  CU_ASSERT_STRING_EQUAL (ID (b, 0), "A4");

  body_only (&o);
  o.min_trl = 5;
  c = run_demand (&o);
  CU_ASSERT_EQUAL (c->results->len, 2);

  /* Repeated filters combine with AND. */
  body_only (&o);
  o.ips = ips;
  d = run_demand (&o);
  CU_ASSERT_EQUAL_FATAL (d->results->len, 1);
  CU_ASSERT_STRING_EQUAL (ID (d, 0), "A4");
}

static void
test_explain (void)
{
  TmMatchOptions o;
  g_autoptr(TmResults) r = NULL;
  const TmResult *top;
  double sum = 0;

  body_only (&o);
  o.explain = TRUE;
  r = run_demand (&o);
  top = RESULT (r, 0);
  CU_ASSERT_EQUAL_FATAL (top->contributions->len, 2);
  for (guint i = 0; i < top->contributions->len; i++)
    sum += g_array_index (top->contributions, TmContribution, i).contribution;
  /* The shares add up to the score; gamma (tf 2) gives the most. */
  CU_ASSERT_DOUBLE_EQUAL (sum, top->score, 1e-9);
  CU_ASSERT_STRING_EQUAL (g_array_index (top->contributions, TmContribution, 0).term, "gamma");
  CU_ASSERT_EQUAL (g_array_index (top->contributions, TmContribution, 0).tf[TM_IFIELD_BODY], 2);
  /* A1 lacks gamma. */
  CU_ASSERT_EQUAL (RESULT (r, 2)->missing->len, 1);
  CU_ASSERT_STRING_EQUAL (RESULT (r, 2)->missing->pdata[0], "gamma");
}

/* A word for rank @r of the vocabulary: letters only, so that words mode
 * keeps it whole. */
static void
append_word (GString *s, guint r)
{
  g_string_append_c (s, ' ');
  do
    {
      g_string_append_c (s, (char) ('a' + r % 26));
      r /= 26;
    }
  while (r > 0);
  g_string_append (s, "x");
}

/* @n words, drawn with Zipf-like frequencies from @vocab words: a few
 * terms in most documents (lists of many blocks), most in a few. */
static void
append_words (GString *s, GRand *rand, guint n, guint vocab)
{
  for (guint i = 0; i < n; i++)
    {
      double u = g_rand_double (rand);

      append_word (s, (guint) (pow (vocab, u * u)) - 1);
    }
}

static void
write_random_library (const char *path, const char *library, const char *element,
                      const char *text_element, guint n, GRand *rand)
{
  g_autoptr(GString) s = g_string_new (NULL);

  g_string_printf (s, HEAD, library);
  for (guint i = 0; i < n; i++)
    {
      /* Every seventh record repeats the one before: equal scores, so
       * ties are broken by id in both runs. */
      guint seed = i % 7 == 6 ? i - 1 : i;
      GRand *r = g_rand_new_with_seed (seed * 2654435761u + (library[0] == 'd'));

      g_string_append_printf (s, "<%s id='%c%05u'><title>", element, library[0] == 'd' ? 'D' : 'A', i);
      append_words (s, r, 2 + g_rand_int_range (r, 0, 4), 3000);
      g_string_append (s, "</title><domain>");
      g_string_append (s, g_rand_int_range (r, 0, 3) == 0 ? "x" : "y");
      g_string_append (s, "</domain><keywords><keyword>");
      append_words (s, r, 1, 3000);
      g_string_append_printf (s, "</keyword></keywords><%s>", text_element);
      append_words (s, r, 10 + g_rand_int_range (r, 0, 60), 3000);
      g_string_append_printf (s, "</%s></%s>\n", text_element, element);
      g_rand_free (r);
    }
  g_string_append (s, "</corpus>\n");
  g_file_set_contents (path, s->str, -1, NULL);
  (void) rand;
}

static gboolean
identical_results (const TmResults *a, const TmResults *b)
{
  if (a->results->len != b->results->len)
    return FALSE;
  for (guint i = 0; i < a->results->len; i++)
    {
      const TmResult *x = &g_array_index (a->results, TmResult, i);
      const TmResult *y = &g_array_index (b->results, TmResult, i);

      /* To the last bit. */
      if (x->doc != y->doc || memcmp (&x->score, &y->score, sizeof x->score) != 0)
        return FALSE;
    }
  return TRUE;
}

/* Leaves out one pair in five, as rejected pairs are. */
static gboolean
exclude_some (TmLibrary target, guint32 source_doc, guint32 target_doc, gpointer data)
{
  return (source_doc * 7 + target_doc) % 5 == 0;
}

/* The index of a random library of @n_achievements and @n_demands
 * (write_random_library()) in the test folder @name, words alone, and
 * its analyzer.  Fatal when either fails. */
static void
random_index (const char *name, guint seed, guint n_achievements, guint n_demands, TmIndex **index,
              TmAnalyzer **an)
{
  g_autofree char *dir = tm_test_file (name);
  g_autofree char *ach = g_build_filename (dir, "a.xml", NULL);
  g_autofree char *dem = g_build_filename (dir, "d.xml", NULL);
  g_autofree char *file = g_strconcat (name, ".idx", NULL);
  g_autofree char *path = tm_test_file (file);
  g_autoptr(GError) error = NULL;
  const char *paths[] = { dir, NULL };
  GRand *rand = g_rand_new_with_seed (seed);
  TmIndexBuildOptions bo;
  TmIndexBuildStats stats;

  g_mkdir_with_parents (dir, 0755);
  write_random_library (ach, "achievement", "achievement", "abstract", n_achievements, rand);
  write_random_library (dem, "demand", "demand", "description", n_demands, rand);
  g_rand_free (rand);
  memset (&bo, 0, sizeof bo);
  tm_analyzer_options_init (&bo.analyzer);
  bo.analyzer.mode = TM_MODE_WORDS;
  bo.analyzer.synonyms = bo.analyzer.stopwords = bo.analyzer.stem = FALSE;
  bo.jobs = 2;
  CU_ASSERT_FATAL (tm_index_build (paths, path, &bo, &stats, &error));
  *index = tm_index_open (path, &error);
  CU_ASSERT_PTR_NOT_NULL_FATAL (*index);
  *an = tm_analyzer_new (tm_index_get_analyzer_options (*index), &error);
  CU_ASSERT_PTR_NOT_NULL_FATAL (*an);
}

/* The pruned scorer against the exhaustive one, every document of both
 * libraries as a query, for several K, a threshold, a filter and
 * excluded pairs: the same hits, the same scores to the last bit.  The
 * pruned run's exact scores read the forward lists from the index, or
 * (@decoded) decoded once (exact_score()). */
static void
pruned_against_exhaustive (TmIndex *pidx, TmAnalyzer *pan, gboolean decoded)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TmMatcher) m = tm_matcher_new (pidx, pan);
  const char *only_x[] = { "x", NULL };
  guint queries = 0, differ = 0, nonempty = 0;

  _tm_matcher_set_decode_after_for_test (decoded ? 0 : G_MAXINT64);
  for (int source = 0; source < TM_N_LIBRARIES; source++)
    {
      TmLibrary target = source == TM_LIBRARY_DEMAND ? TM_LIBRARY_ACHIEVEMENT : TM_LIBRARY_DEMAND;

      for (guint32 doc = 0; doc < tm_index_get_n_docs (pidx, source); doc++)
        {
          static const guint tops[] = { 10, 1, 3, 50 };
          TmMatchOptions o;
          g_autoptr(TmResults) pruned = NULL;
          g_autoptr(TmResults) full = NULL;

          tm_match_options_init (&o);
          o.top = tops[doc % G_N_ELEMENTS (tops)];
          if (doc % 5 == 1)
            o.min_score = 0.2;
          if (doc % 11 == 2)
            o.domains = only_x;
          if (doc % 13 == 3)
            o.max_terms = 0;
          if (doc % 7 == 4)
            o.exclude = exclude_some;
          /* The fed-back query is pruned too. */
          if (doc % 3 == 0)
            o.feedback = 1 + doc % 9;
          /* And the blend with the latent layer, bounded the same way. */
          if (doc % 4 == 1)
            o.semantic = 0.3;
          else if (doc % 4 == 2)
            o.semantic = 0.8;
          else if (doc % 4 == 3)
            o.semantic = 0;
          pruned = tm_matcher_run_doc (m, source, doc, target, &o, &error);
          o.exhaustive = TRUE;
          full = tm_matcher_run_doc (m, source, doc, target, &o, &error);
          CU_ASSERT_PTR_NOT_NULL_FATAL (pruned);
          CU_ASSERT_PTR_NOT_NULL_FATAL (full);
          queries++;
          nonempty += full->results->len > 0;
          differ += !identical_results (pruned, full);
        }
    }
  _tm_matcher_set_decode_after_for_test (-1);
  CU_ASSERT_EQUAL (differ, 0);
  CU_ASSERT (queries >= 4000);
  CU_ASSERT (nonempty > queries * 9 / 10);
  CU_ASSERT (decoded ? _tm_matcher_decoded_hits (m) > queries : _tm_matcher_decoded_hits (m) == 0);
}

static void
test_pruned_equals_exhaustive (void)
{
  g_autoptr(TmIndex) pidx = NULL;
  g_autoptr(TmAnalyzer) pan = NULL;

  random_index ("prune", 14, 3000, 1200, &pidx, &pan);
  pruned_against_exhaustive (pidx, pan, FALSE);
  pruned_against_exhaustive (pidx, pan, TRUE);
}

/* The batch's prepared latent scan (tm_matcher_prepare_docs()) against
 * each query's own: every document of both libraries as a query, in
 * the batch's chunks of 16, with blocks of the default size and of 3
 * queries, the layer on at two weights, off, and with feedback (whose
 * second query is not in the block): the same results to the last bit,
 * and the blocks used. */
static void
test_prepared_latent_scan (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TmIndex) pidx = NULL;
  g_autoptr(TmAnalyzer) pan = NULL;
  guint queries = 0, differ = 0;

  random_index ("prepare", 15, 900, 300, &pidx, &pan);

  for (int small = 0; small < 2; small++)
    {
      g_autoptr(TmMatcher) plain = tm_matcher_new (pidx, pan);
      g_autoptr(TmMatcher) blocked = tm_matcher_new (pidx, pan);
      guint short_blocks = 0;

      /* 3 rows of the larger library: blocks of 3 queries. */
      _tm_matcher_set_prepare_bytes_for_test (small ? 3 * 900 * sizeof (float) : 0);
      /* The achievements first: one matcher's blocks for the smaller
       * target, then for the larger, whose rows need more room. */
      for (int source = TM_N_LIBRARIES; source-- > 0;)
        {
          TmLibrary target = source == TM_LIBRARY_DEMAND ? TM_LIBRARY_ACHIEVEMENT : TM_LIBRARY_DEMAND;
          guint32 n = tm_index_get_n_docs (pidx, source);
          g_autofree guint32 *docs = g_new (guint32, n);

          for (guint32 d = 0; d < n; d++)
            docs[d] = d;
          for (guint32 begin = 0; begin < n; begin += 16)
            {
              guint32 end = MIN (n, begin + 16);
              /* One setting per chunk, as a batch runs one. */
              static const double weights[] = { 0.2, 0.7, 0, 0.3 };
              TmMatchOptions o;

              tm_match_options_init (&o);
              o.semantic = weights[(begin / 16) % 4];
              if ((begin / 16) % 4 == 3)
                o.feedback = 3;
              for (guint32 i = begin, prepared = begin; i < end; i++)
                {
                  g_autoptr(TmResults) a = NULL;
                  g_autoptr(TmResults) b = NULL;

                  if (i == prepared)
                    {
                      guint took = tm_matcher_prepare_docs (blocked, source, docs + i, end - i, target, &o);

                      CU_ASSERT (took >= 1 && took <= end - i);
                      short_blocks += took < end - i;
                      prepared += took;
                    }
                  a = tm_matcher_run_doc (plain, source, docs[i], target, &o, &error);
                  b = tm_matcher_run_doc (blocked, source, docs[i], target, &o, &error);
                  CU_ASSERT_PTR_NOT_NULL_FATAL (a);
                  CU_ASSERT_PTR_NOT_NULL_FATAL (b);
                  queries++;
                  differ += !identical_results (a, b);
                }
            }
        }
      CU_ASSERT_EQUAL (_tm_matcher_block_hits (plain), 0);
      /* Every query with the layer on found its row, the first run of
       * a fed-back one included: at least half of all. */
      CU_ASSERT (_tm_matcher_block_hits (blocked) >= 1200 / 2);
      CU_ASSERT (small ? short_blocks > 0 : short_blocks == 0);
    }
  _tm_matcher_set_prepare_bytes_for_test (0);
  CU_ASSERT_EQUAL (queries, 2 * 1200);
  CU_ASSERT_EQUAL (differ, 0);
}

/* The latent layer on a library where gamma always comes with alpha:
 * a query of alpha finds A3, which holds gamma alone, only through the
 * layer, and explain names gamma as alpha's neighbour; at w = 0 the
 * scores are those of an index built without the layer, to the bit. */
static void
test_latent_layer (void)
{
  g_autofree char *dir = tm_test_file ("latent");
  g_autofree char *ach = g_build_filename (dir, "a.xml", NULL);
  g_autofree char *dem = g_build_filename (dir, "d.xml", NULL);
  g_autofree char *with = tm_test_file ("latent.idx");
  g_autofree char *without = tm_test_file ("lexical.idx");
  g_autoptr(GString) x = g_string_new (NULL);
  g_autoptr(GError) error = NULL;
  const char *paths[] = { dir, NULL };
  TmIndexBuildOptions bo;
  TmIndexBuildStats stats;
  TmIndex *ix[2];
  TmAnalyzer *an[2];

  g_mkdir_with_parents (dir, 0755);
  g_string_printf (x, HEAD, "achievement");
  for (int i = 0; i < 6; i++)
    g_string_append_printf (x, "<achievement id='A%d'><title>t%d</title><abstract>%s</abstract></achievement>\n", i, i,
                            i == 3 ? "gamma" : i < 3 ? "alpha gamma" : "delta epsilon");
  g_string_append (x, "</corpus>\n");
  g_file_set_contents (ach, x->str, -1, NULL);
  g_string_printf (x, HEAD, "demand");
  g_string_append (x, "<demand id='D1'><title>q</title><description>alpha</description></demand>\n"
                      "<demand id='D2'><title>r</title><description>delta</description></demand>\n</corpus>\n");
  g_file_set_contents (dem, x->str, -1, NULL);
  memset (&bo, 0, sizeof bo);
  tm_analyzer_options_init (&bo.analyzer);
  bo.analyzer.mode = TM_MODE_WORDS;
  bo.analyzer.synonyms = bo.analyzer.stopwords = bo.analyzer.stem = FALSE;
  /* Two topics: a full rank would keep alpha and gamma apart. */
  bo.latent_rank = 2;
  CU_ASSERT_FATAL (tm_index_build (paths, with, &bo, &stats, &error));
  bo.no_latent = TRUE;
  CU_ASSERT_FATAL (tm_index_build (paths, without, &bo, &stats, &error));
  ix[0] = tm_index_open (with, &error);
  ix[1] = tm_index_open (without, &error);
  CU_ASSERT_PTR_NOT_NULL_FATAL (ix[0]);
  CU_ASSERT_PTR_NOT_NULL_FATAL (ix[1]);
  CU_ASSERT (_tm_index_latent_rank (ix[0]) > 0);
  CU_ASSERT_EQUAL (_tm_index_latent_rank (ix[1]), 0);
  for (int i = 0; i < 2; i++)
    an[i] = tm_analyzer_new (tm_index_get_analyzer_options (ix[i]), &error);

  {
    g_autoptr(TmMatcher) m0 = tm_matcher_new (ix[0], an[0]);
    g_autoptr(TmMatcher) m1 = tm_matcher_new (ix[1], an[1]);
    g_autoptr(TmResults) lexical = NULL, zero = NULL, blended = NULL, none = NULL;
    gboolean found = FALSE;
    TmMatchOptions o;

    tm_match_options_init (&o);
    o.explain = TRUE;
    o.semantic = 0;
    lexical = tm_matcher_run_text (m1, "alpha", -1, TM_LIBRARY_ACHIEVEMENT, &o, &error);
    zero = tm_matcher_run_text (m0, "alpha", -1, TM_LIBRARY_ACHIEVEMENT, &o, &error);
    o.semantic = 0.5;
    none = tm_matcher_run_text (m1, "alpha", -1, TM_LIBRARY_ACHIEVEMENT, &o, &error);
    blended = tm_matcher_run_text (m0, "alpha", -1, TM_LIBRARY_ACHIEVEMENT, &o, &error);
    CU_ASSERT_PTR_NOT_NULL_FATAL (lexical);
    CU_ASSERT_PTR_NOT_NULL_FATAL (zero);
    CU_ASSERT_PTR_NOT_NULL_FATAL (none);
    CU_ASSERT_PTR_NOT_NULL_FATAL (blended);
    /* w = 0, or no layer: the lexical scores exactly. */
    CU_ASSERT (identical_results (lexical, zero));
    CU_ASSERT (identical_results (lexical, none));
    CU_ASSERT_EQUAL (zero->semantic, 0);
    CU_ASSERT_EQUAL (none->semantic, 0);
    CU_ASSERT_EQUAL (lexical->results->len, 3);
    CU_ASSERT_EQUAL (blended->semantic, 0.5);
    for (guint i = 0; i < blended->results->len; i++)
      {
        const TmResult *r = RESULT (blended, i);
        double lexical_part = 0;

        for (guint c = 0; c < r->contributions->len; c++)
          lexical_part += g_array_index (r->contributions, TmContribution, c).contribution;
        /* The shares add up to the score. */
        CU_ASSERT_DOUBLE_EQUAL (lexical_part + r->latent_share, r->score, 1e-9);
        CU_ASSERT (r->score <= 1.0);
        if (strcmp (tm_index_doc_id (ix[0], TM_LIBRARY_ACHIEVEMENT, r->doc), "A3") == 0)
          {
            found = TRUE;
            CU_ASSERT_EQUAL (r->contributions->len, 0);
            CU_ASSERT (r->latent > 0.5);
            CU_ASSERT_PTR_NOT_NULL_FATAL (r->neighbours);
            CU_ASSERT_EQUAL_FATAL (r->neighbours->len, 1);
            CU_ASSERT_STRING_EQUAL (g_array_index (r->neighbours, TmNeighbour, 0).query_term, "alpha");
            CU_ASSERT_STRING_EQUAL (g_array_index (r->neighbours, TmNeighbour, 0).term, "gamma");
          }
      }
    CU_ASSERT (found);
    /* Pruned and exhaustive agree on it too. */
    {
      g_autoptr(TmResults) full = NULL;

      o.explain = FALSE;
      g_clear_pointer (&blended, tm_results_free);
      blended = tm_matcher_run_text (m0, "alpha", -1, TM_LIBRARY_ACHIEVEMENT, &o, &error);
      o.exhaustive = TRUE;
      full = tm_matcher_run_text (m0, "alpha", -1, TM_LIBRARY_ACHIEVEMENT, &o, &error);
      CU_ASSERT (identical_results (blended, full));
    }
  }
  for (int i = 0; i < 2; i++)
    {
      tm_analyzer_free (an[i]);
      tm_index_free (ix[i]);
    }
}

static void
test_text_queries (void)
{
  g_autoptr(TmMatcher) m = tm_matcher_new (idx, analyzer);
  g_autoptr(GError) error = NULL;
  g_autoptr(TmResults) r = NULL;
  TmMatchOptions o;

  body_only (&o);
  r = tm_matcher_run_text (m, "delta", -1, TM_LIBRARY_ACHIEVEMENT, &o, &error);
  CU_ASSERT_PTR_NOT_NULL_FATAL (r);
  CU_ASSERT_EQUAL_FATAL (r->results->len, 1);
  CU_ASSERT_STRING_EQUAL (ID (r, 0), "A3");
  CU_ASSERT_DOUBLE_EQUAL (RESULT (r, 0)->score, 1.0, 1e-9);

  CU_ASSERT_PTR_NULL (tm_matcher_run_text (m, "，。！", -1, TM_LIBRARY_ACHIEVEMENT, &o, &error));
  CU_ASSERT (g_error_matches (error, TM_ERROR, TM_ERROR_BAD_QUERY));
  g_clear_error (&error);
  /* Terms the library does not know: no result, no error. */
  g_clear_pointer (&r, tm_results_free);
  r = tm_matcher_run_text (m, "omega", -1, TM_LIBRARY_ACHIEVEMENT, &o, &error);
  CU_ASSERT_PTR_NOT_NULL_FATAL (r);
  CU_ASSERT_EQUAL (r->results->len, 0);
}

/* ---- the sample corpus: stored queries and batches ---- */

static gboolean
open_corpus (void)
{
  g_autofree char *corpus = tm_test_path ("corpus");
  g_autofree char *path = tm_test_file ("corpus.idx");
  const char *paths[] = { corpus, NULL };
  g_autoptr(GError) error = NULL;
  TmIndexBuildOptions o;
  TmIndexBuildStats stats;

  if (corpus_idx != NULL)
    return TRUE;
  memset (&o, 0, sizeof o);
  tm_analyzer_options_init (&o.analyzer);
  o.jobs = 2;
  if (!tm_index_build (paths, path, &o, &stats, &error))
    return FALSE;
  corpus_idx = tm_index_open (path, &error);
  if (corpus_idx == NULL)
    return FALSE;
  corpus_analyzer = tm_analyzer_new (tm_index_get_analyzer_options (corpus_idx), &error);
  return corpus_analyzer != NULL;
}

static gboolean
same_results (const TmResults *a, const TmResults *b)
{
  if (a->results->len != b->results->len || a->n_used_terms != b->n_used_terms)
    return FALSE;
  for (guint i = 0; i < a->results->len; i++)
    {
      const TmResult *x = &g_array_index (a->results, TmResult, i);
      const TmResult *y = &g_array_index (b->results, TmResult, i);

      if (x->doc != y->doc || fabs (x->score - y->score) > 1e-12)
        return FALSE;
    }
  return TRUE;
}

/* A stored document's forward list is the query its record makes once
 * analyzed: the same terms, frequencies and so the same ranking, in both
 * directions, both models, and for weights other than the index's. */
static void
test_run_doc_is_run_record (void)
{
  g_autoptr(TmMatcher) m = NULL;
  TmMatchOptions o;
  guint compared = 0, differ = 0;

  CU_ASSERT_FATAL (open_corpus ());
  m = tm_matcher_new (corpus_idx, corpus_analyzer);
  tm_match_options_init (&o);
  for (int pass = 0; pass < 3; pass++)
    {
      o.score.model = pass == 1 ? TM_MODEL_BM25 : TM_MODEL_TFIDF;
      if (pass == 2)
        o.score.weights[0] = 5;
      for (int l = 0; l < TM_N_LIBRARIES; l++)
        for (guint32 d = 0; d < tm_index_get_n_docs (corpus_idx, l); d += 7)
          {
            g_autoptr(TmRecord) record = tm_index_get_record (corpus_idx, l, d);
            g_autoptr(TmResults) by_doc = tm_matcher_run_doc (m, l, d, !l, &o, NULL);
            g_autoptr(TmResults) by_record = tm_matcher_run_record (m, record, !l, &o, NULL);

            CU_ASSERT_PTR_NOT_NULL_FATAL (by_doc);
            CU_ASSERT_PTR_NOT_NULL_FATAL (by_record);
            CU_ASSERT (by_doc->results->len > 0);
            compared++;
            if (!same_results (by_doc, by_record))
              {
                differ++;
                printf ("\n    %s differs (pass %d) ", record->id, pass);
              }
          }
    }
  CU_ASSERT (compared > 50);
  CU_ASSERT_EQUAL (differ, 0);
}

typedef struct {
  guint calls, last_done, last_total;
} Progress;

static void
count_progress (guint done, guint total, gpointer data)
{
  Progress *p = data;

  p->calls++;
  p->last_done = done;
  p->last_total = total;
}

static gboolean
same_batch (const TmBatch *a, const TmBatch *b)
{
  if (a->docs->len != b->docs->len)
    return FALSE;
  for (guint i = 0; i < a->docs->len; i++)
    if (g_array_index (a->docs, guint32, i) != g_array_index (b->docs, guint32, i)
        || !same_results (a->results->pdata[i], b->results->pdata[i]))
      return FALSE;
  return TRUE;
}

/* The batch: one thread or four give the same output; three shards
 * partition the sources and together give the unsharded run; a
 * cancelled run stops with TM_ERROR_CANCELLED. */
static void
test_batch (void)
{
  g_autoptr(TmBatch) one = NULL, four = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GHashTable) seen = g_hash_table_new (NULL, NULL);
  Progress progress = { 0, 0, 0 };
  TmBatchOptions o;
  gint cancel = 0;
  guint sharded = 0;

  CU_ASSERT_FATAL (open_corpus ());
  memset (&o, 0, sizeof o);
  tm_match_options_init (&o.match);
  o.jobs = 1;
  o.progress = count_progress;
  o.user_data = &progress;
  one = tm_batch_run (corpus_idx, corpus_analyzer, TM_LIBRARY_DEMAND, &o, &error);
  CU_ASSERT_PTR_NOT_NULL_FATAL (one);
  CU_ASSERT_EQUAL (one->docs->len, tm_index_get_n_docs (corpus_idx, TM_LIBRARY_DEMAND));
  CU_ASSERT_EQUAL (one->results->len, one->docs->len);
  CU_ASSERT (progress.calls >= 1);
  CU_ASSERT_EQUAL (progress.last_done, progress.last_total);
  /* A batch result is the single query's. */
  {
    g_autoptr(TmMatcher) m = tm_matcher_new (corpus_idx, corpus_analyzer);
    g_autoptr(TmResults) single = tm_matcher_run_doc (m, TM_LIBRARY_DEMAND, g_array_index (one->docs, guint32, 5),
                                                      TM_LIBRARY_ACHIEVEMENT, &o.match, NULL);
    CU_ASSERT (single != NULL && same_results (single, one->results->pdata[5]));
  }

  o.jobs = 4;
  o.progress = NULL;
  four = tm_batch_run (corpus_idx, corpus_analyzer, TM_LIBRARY_DEMAND, &o, &error);
  CU_ASSERT_PTR_NOT_NULL_FATAL (four);
  CU_ASSERT (same_batch (one, four));

  o.n_shards = 3;
  for (guint k = 1; k <= 3; k++)
    {
      g_autoptr(TmBatch) part = NULL;

      o.shard = k;
      part = tm_batch_run (corpus_idx, corpus_analyzer, TM_LIBRARY_DEMAND, &o, &error);
      CU_ASSERT_PTR_NOT_NULL_FATAL (part);
      CU_ASSERT (part->docs->len < one->docs->len);
      for (guint i = 0; i < part->docs->len; i++)
        {
          guint32 doc = g_array_index (part->docs, guint32, i);
          guint j;

          CU_ASSERT_FALSE (g_hash_table_contains (seen, GUINT_TO_POINTER (doc + 1)));
          g_hash_table_add (seen, GUINT_TO_POINTER (doc + 1));
          CU_ASSERT_EQUAL (tm_batch_shard_of (tm_index_doc_id (corpus_idx, TM_LIBRARY_DEMAND, doc), 3), k);
          for (j = 0; j < one->docs->len && g_array_index (one->docs, guint32, j) != doc; j++)
            ;
          CU_ASSERT_FATAL (j < one->docs->len);
          CU_ASSERT (same_results (part->results->pdata[i], one->results->pdata[j]));
          sharded++;
        }
    }
  CU_ASSERT_EQUAL (sharded, one->docs->len);

  o.n_shards = 0;
  o.cancel = &cancel;
  g_atomic_int_set (&cancel, 1);
  CU_ASSERT_PTR_NULL (tm_batch_run (corpus_idx, corpus_analyzer, TM_LIBRARY_ACHIEVEMENT, &o, &error));
  CU_ASSERT (g_error_matches (error, TM_ERROR, TM_ERROR_CANCELLED));
}

/* ---- query feedback ---- */

/* Feedback on the three-word library, by hand: D1 (alpha, gamma; its
 * title is no achievement's word) finds A2 and A4 tied, A2 first by id;
 * with K = 1, A2's vector joins the query, which gains A2's title word
 * "two" and now ranks A2 above A4. */
static void
test_feedback_by_hand (void)
{
  TmMatchOptions o;
  g_autoptr(TmResults) r = NULL;
  /* N = 4: alpha in 3, gamma in 2, each title word in 1. */
  double ia = log (5.0 / 4) + 1, ig = log (5.0 / 3) + 1, it = log (5.0 / 2) + 1;
  double l2 = 1 + log (2);                  /* a title word: tf' 2; gamma in A2, A4: tf 2 */
  double q = sqrt (ia * ia + ig * ig);
  double wt = l2 * it, wa = ia, wg = l2 * ig; /* A2 (and A4, its title word for "two") */
  double d = sqrt (wt * wt + wa * wa + wg * wg);
  double beta = 0.5;
  double fa = ia / q + beta * wa / d, fg = ig / q + beta * wg / d, ft = beta * wt / d;
  double f = sqrt (fa * fa + fg * fg + ft * ft);
  double s2 = (fa * wa + fg * wg + ft * wt) / (f * d);
  double s4 = (fa * wa + fg * wg) / (f * d);
  /* A1: its title word, alpha and beta (in A1 alone). */
  double a1 = sqrt (wt * wt + ia * ia + it * it);
  double s1 = fa * ia / (f * a1);
  const TmFeedbackTerm *added;

  tm_match_options_init (&o);
  o.feedback = 1;
  o.feedback_beta = beta;
  o.explain = TRUE;
  r = run_demand (&o);
  CU_ASSERT_EQUAL_FATAL (r->results->len, 3);
  CU_ASSERT_EQUAL (r->n_feedback_docs, 1);
  CU_ASSERT_STRING_EQUAL (ID (r, 0), "A2");
  CU_ASSERT_STRING_EQUAL (ID (r, 1), "A4");
  CU_ASSERT_STRING_EQUAL (ID (r, 2), "A1");
  /* The documents' norms are stored as floats: 1e-7. */
  CU_ASSERT_DOUBLE_EQUAL (RESULT (r, 0)->score, s2, 1e-7);
  CU_ASSERT_DOUBLE_EQUAL (RESULT (r, 1)->score, s4, 1e-7);
  CU_ASSERT_DOUBLE_EQUAL (RESULT (r, 2)->score, s1, 1e-7);
  CU_ASSERT (RESULT (r, 0)->score > RESULT (r, 1)->score);
  /* explain names the added term with its weight. */
  CU_ASSERT_PTR_NOT_NULL_FATAL (r->feedback);
  CU_ASSERT_EQUAL_FATAL (r->feedback->len, 1);
  added = &g_array_index (r->feedback, TmFeedbackTerm, 0);
  CU_ASSERT_STRING_EQUAL (added->term, "two");
  CU_ASSERT_DOUBLE_EQUAL (added->weight, ft, 1e-12);

  /* No term added when none may be: the query is only rescaled. */
  {
    g_autoptr(TmResults) none = NULL;

    o.feedback_terms = 0;
    none = run_demand (&o);
    CU_ASSERT_EQUAL (none->feedback->len, 0);
    CU_ASSERT_EQUAL_FATAL (none->results->len, 3);
    CU_ASSERT_STRING_EQUAL (ID (none, 0), "A2");
    CU_ASSERT_DOUBLE_EQUAL (RESULT (none, 0)->score, RESULT (none, 1)->score, 1e-12);
  }
}

/* Feedback 0 is today's scorer: the same results to the last bit
 * whatever the other feedback settings, and nothing of feedback in the
 * results; a query fed back is the same to the last bit from any
 * matcher, whatever ran before it, and differs from the query alone. */
static void
test_feedback_zero_and_determinism (void)
{
  g_autoptr(TmMatcher) m1 = NULL, m2 = NULL;
  guint n_docs, compared = 0, changed = 0;

  CU_ASSERT_FATAL (open_corpus ());
  m1 = tm_matcher_new (corpus_idx, corpus_analyzer);
  m2 = tm_matcher_new (corpus_idx, corpus_analyzer);
  n_docs = tm_index_get_n_docs (corpus_idx, TM_LIBRARY_DEMAND);
  for (int model = 0; model < 2; model++)
    for (guint32 i = 0; i < n_docs; i++)
      {
        guint32 d = i, e = n_docs - 1 - i;   /* m2 runs them in the other order */
        TmMatchOptions plain, zero, fb;
        g_autoptr(TmResults) a = NULL, b = NULL, c = NULL, x = NULL;

        tm_match_options_init (&plain);
        plain.score.model = (TmModel) model;
        zero = plain;
        zero.feedback = 0;
        zero.feedback_beta = 3;
        zero.feedback_terms = 7;
        fb = plain;
        fb.feedback = 3;
        a = tm_matcher_run_doc (m1, TM_LIBRARY_DEMAND, d, TM_LIBRARY_ACHIEVEMENT, &plain, NULL);
        b = tm_matcher_run_doc (m2, TM_LIBRARY_DEMAND, d, TM_LIBRARY_ACHIEVEMENT, &zero, NULL);
        c = tm_matcher_run_doc (m1, TM_LIBRARY_DEMAND, d, TM_LIBRARY_ACHIEVEMENT, &fb, NULL);
        x = tm_matcher_run_doc (m2, TM_LIBRARY_DEMAND, e, TM_LIBRARY_ACHIEVEMENT, &fb, NULL);
        CU_ASSERT_PTR_NOT_NULL_FATAL (a);
        CU_ASSERT_PTR_NOT_NULL_FATAL (b);
        CU_ASSERT_PTR_NOT_NULL_FATAL (c);
        CU_ASSERT_PTR_NOT_NULL_FATAL (x);
        CU_ASSERT (identical_results (a, b));
        CU_ASSERT_EQUAL (b->n_feedback_docs, 0);
        CU_ASSERT_PTR_NULL (b->feedback);
        CU_ASSERT_EQUAL (c->n_feedback_docs, MIN (3u, a->results->len));
        changed += !identical_results (a, c);
        compared++;
        (void) x;
      }
  /* The same fed-back queries, in the other order, from the other
   * matcher. */
  for (guint32 d = 0; d < n_docs; d++)
    {
      TmMatchOptions fb;
      g_autoptr(TmResults) c = NULL, y = NULL;

      tm_match_options_init (&fb);
      fb.feedback = 3;
      c = tm_matcher_run_doc (m1, TM_LIBRARY_DEMAND, d, TM_LIBRARY_ACHIEVEMENT, &fb, NULL);
      y = tm_matcher_run_doc (m2, TM_LIBRARY_DEMAND, n_docs - 1 - d, TM_LIBRARY_ACHIEVEMENT, &fb, NULL);
      g_clear_pointer (&y, tm_results_free);
      y = tm_matcher_run_doc (m2, TM_LIBRARY_DEMAND, d, TM_LIBRARY_ACHIEVEMENT, &fb, NULL);
      CU_ASSERT_PTR_NOT_NULL_FATAL (c);
      CU_ASSERT_PTR_NOT_NULL_FATAL (y);
      CU_ASSERT (identical_results (c, y));
    }
  CU_ASSERT (compared > 100);
  /* Feedback moves nearly every ranking (scores if not order). */
  CU_ASSERT (changed > compared * 9 / 10);
}

/* A batch fed back: one thread or three, and two shards merged, give the
 * same results, which are the single queries'. */
static void
test_feedback_batch (void)
{
  g_autoptr(TmBatch) one = NULL, three = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(TmMatcher) m = NULL;
  TmBatchOptions o;
  guint merged = 0;

  CU_ASSERT_FATAL (open_corpus ());
  memset (&o, 0, sizeof o);
  tm_match_options_init (&o.match);
  o.match.feedback = 5;
  o.jobs = 1;
  one = tm_batch_run (corpus_idx, corpus_analyzer, TM_LIBRARY_DEMAND, &o, &error);
  CU_ASSERT_PTR_NOT_NULL_FATAL (one);
  o.jobs = 3;
  three = tm_batch_run (corpus_idx, corpus_analyzer, TM_LIBRARY_DEMAND, &o, &error);
  CU_ASSERT_PTR_NOT_NULL_FATAL (three);
  CU_ASSERT (same_batch (one, three));
  m = tm_matcher_new (corpus_idx, corpus_analyzer);
  for (guint i = 0; i < one->docs->len; i += 9)
    {
      g_autoptr(TmResults) single = tm_matcher_run_doc (m, TM_LIBRARY_DEMAND, g_array_index (one->docs, guint32, i),
                                                        TM_LIBRARY_ACHIEVEMENT, &o.match, NULL);
      CU_ASSERT (single != NULL && identical_results (single, one->results->pdata[i]));
    }
  o.n_shards = 2;
  for (guint k = 1; k <= 2; k++)
    {
      g_autoptr(TmBatch) part = NULL;

      o.shard = k;
      part = tm_batch_run (corpus_idx, corpus_analyzer, TM_LIBRARY_DEMAND, &o, &error);
      CU_ASSERT_PTR_NOT_NULL_FATAL (part);
      for (guint i = 0; i < part->docs->len; i++)
        for (guint j = 0; j < one->docs->len; j++)
          if (g_array_index (one->docs, guint32, j) == g_array_index (part->docs, guint32, i))
            {
              CU_ASSERT (identical_results (part->results->pdata[i], one->results->pdata[j]));
              merged++;
            }
    }
  CU_ASSERT_EQUAL (merged, one->docs->len);
}

/* Weights the command line now refuses, given to the engine directly:
 * every score stays finite, and the check names what is wrong. */
static void
test_hostile_weights (void)
{
  static const double bad[][3] = {
    { 1e-320, 1e-320, 1e-320 }, { 1e308, 1, 1 }, { 0, 0, 0 }, { 1, 1, 0 },
  };
  g_autoptr(TmMatcher) m = tm_matcher_new (idx, analyzer);

  for (gsize i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(TmResults) r = NULL;
      TmMatchOptions o;

      tm_match_options_init (&o);
      memcpy (o.score.weights, bad[i], sizeof o.score.weights);
      CU_ASSERT_EQUAL (tm_score_params_check (&o.score, &error), i == 3);
      g_clear_error (&error);
      r = tm_matcher_run_text (m, "alpha beta delta", -1, TM_LIBRARY_ACHIEVEMENT, &o, &error);
      CU_ASSERT_PTR_NOT_NULL_FATAL (r);
      for (guint j = 0; j < r->results->len; j++)
        CU_ASSERT (isfinite (RESULT (r, j)->score));
    }
}

int
main (void)
{
  CU_pSuite suite;

  if (CU_initialize_registry () != CUE_SUCCESS)
    return 99;
  suite = CU_add_suite ("match", setup, teardown);
  CU_add_test (suite, "tf-idf by hand", test_tfidf);
  CU_add_test (suite, "bm25 by hand", test_bm25);
  CU_add_test (suite, "top-k and threshold", test_top_k_and_threshold);
  CU_add_test (suite, "filters", test_filters);
  CU_add_test (suite, "excluded pairs", test_exclude);
  CU_add_test (suite, "explain", test_explain);
  CU_add_test (suite, "text queries", test_text_queries);
  CU_add_test (suite, "stored queries are analyzed queries", test_run_doc_is_run_record);
  CU_add_test (suite, "batch: threads, shards, cancel", test_batch);
  CU_add_test (suite, "hostile weights", test_hostile_weights);
  CU_add_test (suite, "pruned equals exhaustive", test_pruned_equals_exhaustive);
  CU_add_test (suite, "latent layer", test_latent_layer);
  CU_add_test (suite, "the batch's prepared latent scan", test_prepared_latent_scan);
  CU_add_test (suite, "feedback by hand", test_feedback_by_hand);
  CU_add_test (suite, "feedback 0, determinism", test_feedback_zero_and_determinism);
  CU_add_test (suite, "feedback in batch", test_feedback_batch);
  return tm_test_run ();
}

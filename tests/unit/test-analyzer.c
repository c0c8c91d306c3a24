/* test-analyzer.c — the analyzer end to end: modes, stopwords, stems,
 * synonyms, scripts, offsets, bad input. */
#include "config.h"

#include <string.h>

#include "tm-analyzer.h"
#include "tm-error.h"
#include "tm-test.h"

static TmAnalyzer *analyzers[3];
static TmAnalysis *analyses[3];
static TmAnalyzer *plain;  /* words mode, no synonyms, stopwords or stems */
static TmAnalysis *plain_analysis;

static int
setup (void)
{
  TmAnalyzerOptions o;

  for (int m = 0; m < 3; m++)
    {
      tm_analyzer_options_init (&o);
      o.mode = (TmAnalyzerMode) m;
      analyzers[m] = tm_analyzer_new (&o, NULL);
      if (analyzers[m] == NULL)
        return 1;
      analyses[m] = tm_analysis_new (analyzers[m]);
    }
  tm_analyzer_options_init (&o);
  o.mode = TM_MODE_WORDS;
  o.synonyms = o.stopwords = o.stem = FALSE;
  plain = tm_analyzer_new (&o, NULL);
  plain_analysis = tm_analysis_new (plain);
  return 0;
}

static int
teardown (void)
{
  for (int m = 0; m < 3; m++)
    {
      tm_analysis_free (analyses[m]);
      tm_analyzer_free (analyzers[m]);
    }
  tm_analysis_free (plain_analysis);
  tm_analyzer_free (plain);
  return 0;
}

typedef struct {
  const char *text;
  GString *out;
  gboolean offsets;
} Terms;

static void
add_term (const TmTerm *t, gpointer data)
{
  Terms *terms = data;

  if (terms->out->len > 0)
    g_string_append_c (terms->out, ' ');
  g_string_append_len (terms->out, t->text, (gssize) t->len);
  if (terms->offsets)
    g_string_append_printf (terms->out, "/%s@%.*s", tm_term_kind_name (t->kind),
                            (int) (t->end - t->start), terms->text + t->start);
}

static char *
analyze_with (const TmAnalyzer *z, TmAnalysis *a, const char *text, gboolean offsets)
{
  g_autoptr(GError) error = NULL;
  Terms terms = { text, g_string_new (NULL), offsets };

  CU_ASSERT (tm_analyzer_analyze (z, a, 0, text, -1, add_term, &terms, &error));
  return g_string_free (terms.out, FALSE);
}

#define ASSERT_TERMS(mode, text, expected) \
  do { g_autofree char *got_ = analyze_with (analyzers[mode], analyses[mode], text, FALSE); \
       CU_ASSERT_STRING_EQUAL (got_, expected); \
       if (strcmp (got_, expected) != 0) printf ("\n  got %s\n", got_); } while (0)

static void
test_modes (void)
{
  ASSERT_TERMS (TM_MODE_WORDS, "电解槽寿命", "电解槽 寿命");
  ASSERT_TERMS (TM_MODE_MIXED, "电解槽寿命", "电解槽 电解 解槽 寿命");
  ASSERT_TERMS (TM_MODE_BIGRAMS, "电解槽寿命", "电解 解槽 槽寿 寿命");
  /* No bigram across a gap, in any mode. */
  ASSERT_TERMS (TM_MODE_BIGRAMS, "电池，材料", "电池 材料");
  ASSERT_TERMS (TM_MODE_BIGRAMS, "电池 材料", "电池 材料");
  ASSERT_TERMS (TM_MODE_BIGRAMS, "钛", "钛");
  /* A Latin synonym of a Chinese term gives the term, never bigrams of
   * its letters. */
  ASSERT_TERMS (TM_MODE_BIGRAMS, "PEM", "质子交换膜");
  /* Characters the dictionary has no word for become bigrams. */
  ASSERT_TERMS (TM_MODE_WORDS, "钛毡", "钛毡");
}

static void
test_stopwords_and_english (void)
{
  ASSERT_TERMS (TM_MODE_WORDS, "本发明提供了一种电池", "电池");
  ASSERT_TERMS (TM_MODE_WORDS, "The batteries of the vehicles", "batteri vehicl");
  /* Abbreviations written in capitals keep their spelling. */
  ASSERT_TERMS (TM_MODE_WORDS, "MOSFETs and IGBTS", "mosfets igbts");
  ASSERT_TERMS (TM_MODE_WORDS, "30 W 与 30W、27.3%", "30w 30w 27.3%");
}

static void
test_synonyms (void)
{
  g_autofree char *a = analyze_with (analyzers[TM_MODE_WORDS], analyses[TM_MODE_WORDS], "锂电", FALSE);
  g_autofree char *b = analyze_with (analyzers[TM_MODE_WORDS], analyses[TM_MODE_WORDS], "锂离子电池", FALSE);
  g_autofree char *c = analyze_with (analyzers[TM_MODE_WORDS], analyses[TM_MODE_WORDS], "3D打印", FALSE);
  g_autofree char *d = analyze_with (analyzers[TM_MODE_WORDS], analyses[TM_MODE_WORDS], "增材制造", FALSE);
  g_autofree char *e = analyze_with (analyzers[TM_MODE_WORDS], analyses[TM_MODE_WORDS], "UAV", FALSE);
  g_autofree char *f = analyze_with (analyzers[TM_MODE_WORDS], analyses[TM_MODE_WORDS], "无人飞行器", FALSE);
  g_autofree char *g = analyze_with (analyzers[TM_MODE_WORDS], analyses[TM_MODE_WORDS], "PEM", FALSE);
  g_autofree char *h = analyze_with (analyzers[TM_MODE_WORDS], analyses[TM_MODE_WORDS], "质子交换膜", FALSE);

  /* Each wording gives its group's canonical term: compared with the
   * expected text, so that two empty outputs cannot pass. */
  CU_ASSERT_STRING_EQUAL (a, "锂离子电池");
  CU_ASSERT_STRING_EQUAL (b, "锂离子电池");
  CU_ASSERT_STRING_EQUAL (c, "增材制造");
  CU_ASSERT_STRING_EQUAL (d, "增材制造");
  CU_ASSERT_STRING_EQUAL (e, "无人机");
  CU_ASSERT_STRING_EQUAL (f, "无人机");
  CU_ASSERT_STRING_EQUAL (g, "质子交换膜");
  CU_ASSERT_STRING_EQUAL (h, "质子交换膜");
  /* Off: each wording keeps its own terms. */
  {
    g_autofree char *x = analyze_with (plain, plain_analysis, "3D打印", FALSE);
    CU_ASSERT_STRING_EQUAL (x, "3d 打印");
  }
}

static void
test_scripts (void)
{
  g_autofree char *t = analyze_with (analyzers[TM_MODE_MIXED], analyses[TM_MODE_MIXED],
                                     "鋰離子電池熱管理系統的低溫加熱", FALSE);
  g_autofree char *s = analyze_with (analyzers[TM_MODE_MIXED], analyses[TM_MODE_MIXED],
                                     "锂离子电池热管理系统的低温加热", FALSE);

  CU_ASSERT_STRING_EQUAL (s, "锂离子电池 锂离 离子 子电 电池 热管理 热管 管理 系统 低温 加热");
  CU_ASSERT_STRING_EQUAL (t, s);
}

static void
test_offsets (void)
{
  /* Offsets point at the source in the text as given: full-width,
   * traditional, a synonym spanning two runs (用 is a stopword). */
  g_autofree char *got = analyze_with (analyzers[TM_MODE_WORDS], analyses[TM_MODE_WORDS],
                                       "ＰＥＭ電解槽用3D打印", TRUE);

  CU_ASSERT_STRING_EQUAL (got, "质子交换膜/word@ＰＥＭ 电解槽/word@電解槽 增材制造/word@3D打印");
}

static void
test_bad_input (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *big = g_strnfill (1 << 20, 'a');
  g_autoptr(GString) han = g_string_new (NULL);
  Terms terms = { NULL, g_string_new (NULL), FALSE };
  static const char nul[] = "电池\0材料";

  CU_ASSERT_FALSE (tm_analyzer_analyze (analyzers[0], analyses[0], 0, "ok\xC3(", -1, add_term, &terms, &error));
  CU_ASSERT (g_error_matches (error, TM_ERROR, TM_ERROR_PARSE));
  CU_ASSERT_STRING_EQUAL (error->message, "invalid UTF-8 at byte 2 (0xC3)");
  g_string_truncate (terms.out, 0);

  CU_ASSERT (tm_analyzer_analyze (analyzers[0], analyses[0], 0, nul, sizeof nul - 1, add_term, &terms, NULL));
  CU_ASSERT_STRING_EQUAL (terms.out->str, "电池 材料");
  g_string_truncate (terms.out, 0);

  ASSERT_TERMS (TM_MODE_MIXED, "", "");
  ASSERT_TERMS (TM_MODE_MIXED, "，。、！？…—（）《》", "");
  ASSERT_TERMS (TM_MODE_MIXED, "😀 \u200B\u200D", "");

  /* A 1 MB token is no term (TM_MAX_TERM_BYTES); a 1 MB run of one
   * character is bigrams. */
  CU_ASSERT (tm_analyzer_analyze (analyzers[0], analyses[0], 0, big, -1, add_term, &terms, NULL));
  CU_ASSERT_EQUAL (terms.out->len, 0);
  g_string_truncate (terms.out, 0);
  CU_ASSERT (tm_analyzer_analyze (analyzers[0], analyses[0], 0, "a123456789", -1, add_term, &terms, NULL));
  CU_ASSERT_STRING_EQUAL (terms.out->str, "a123456789");
  g_string_truncate (terms.out, 0);
  while (han->len < (1u << 20))
    g_string_append (han, "钛");
  CU_ASSERT (tm_analyzer_analyze (analyzers[2], analyses[2], 0, han->str, (gssize) han->len, add_term, &terms, NULL));
  CU_ASSERT (terms.out->len > 0);
  g_string_free (terms.out, TRUE);
}

int
main (void)
{
  CU_pSuite suite;

  if (CU_initialize_registry () != CUE_SUCCESS)
    return 99;
  suite = CU_add_suite ("analyzer", setup, teardown);
  CU_add_test (suite, "modes", test_modes);
  CU_add_test (suite, "stopwords and English", test_stopwords_and_english);
  CU_add_test (suite, "synonyms", test_synonyms);
  CU_add_test (suite, "traditional and simplified", test_scripts);
  CU_add_test (suite, "offsets", test_offsets);
  CU_add_test (suite, "bad input", test_bad_input);
  return tm_test_run ();
}

/* test-dict.c — the dictionary and the segmenter. */
#include "config.h"

#include <string.h>

#include "tm-dict.h"
#include "tm-error.h"
#include "tm-private.h"
#include "tm-test.h"

static TmDict *
new_dict (void)
{
  g_autoptr(GBytes) bytes = g_resource_lookup_data (tm_get_resource (), "/org/techmatch/dict.bin", 0, NULL);
  g_autoptr(GError) error = NULL;
  TmDict *dict = tm_dict_new (bytes, &error);

  CU_ASSERT_PTR_NOT_NULL_FATAL (dict);
  return dict;
}

typedef struct {
  const char *text;
  GString *out;
} Words;

static void
add_word (gsize start, gsize end, gpointer data)
{
  Words *w = data;

  if (w->out->len > 0)
    g_string_append_c (w->out, ' ');
  g_string_append_len (w->out, w->text + start, (gssize) (end - start));
}

static char *
cut (const TmDict *dict, const char *text)
{
  g_autoptr(TmSegScratch) scratch = tm_seg_scratch_new ();
  Words w = { text, g_string_new (NULL) };

  tm_dict_segment (dict, text, strlen (text), scratch, add_word, &w);
  return g_string_free (w.out, FALSE);
}

#define ASSERT_CUT(dict, text, expected) \
  do { g_autofree char *got_ = cut (dict, text); CU_ASSERT_STRING_EQUAL (got_, expected); \
       if (strcmp (got_, expected) != 0) printf ("\n  got %s\n", got_); } while (0)

/* Expected cuts are those of the reference segmenter (jieba, HMM off) on
 * the same dictionary. */
static void
test_segment (void)
{
  g_autoptr(TmDict) dict = new_dict ();

  CU_ASSERT (tm_dict_get_n_words (dict) > 300000);
  ASSERT_CUT (dict, "采用质子交换膜电解水制氢技术", "采用 质子 交换 膜 电解水 制氢 技术");
  ASSERT_CUT (dict, "我们研究了锂离子电池的热管理", "我们 研究 了 锂离子 电池 的 热 管理");
  ASSERT_CUT (dict, "钛", "钛");
  ASSERT_CUT (dict, "", "");
  CU_ASSERT (tm_dict_contains (dict, "电池", strlen ("电池")));
  CU_ASSERT_FALSE (tm_dict_contains (dict, "阳极扩散层", strlen ("阳极扩散层")));
}

static void
test_lexicon (void)
{
  g_autoptr(TmDict) dict = new_dict ();
  g_autoptr(GError) error = NULL;
  guint before = tm_dict_get_n_words (dict);

  CU_ASSERT (tm_dict_load_lexicon (dict, "# comment\n\n质子交换膜\n阳极扩散层 3000\n", -1, "test", &error));
  CU_ASSERT_EQUAL (tm_dict_get_n_words (dict), before + 2);
  ASSERT_CUT (dict, "采用质子交换膜电解水制氢技术", "采用 质子交换膜 电解水 制氢 技术");
  ASSERT_CUT (dict, "钛基阳极扩散层", "钛 基 阳极扩散层");
  CU_ASSERT (tm_dict_contains (dict, "阳极扩散层", strlen ("阳极扩散层")));
  /* A prefix of an added word is known but is no word. */
  CU_ASSERT_FALSE (tm_dict_contains (dict, "阳极扩散", strlen ("阳极扩散")));

  CU_ASSERT_FALSE (tm_dict_load_lexicon (dict, "好词 -5\n", -1, "bad.txt", &error));
  CU_ASSERT (g_error_matches (error, TM_ERROR, TM_ERROR_PARSE));
  CU_ASSERT_STRING_EQUAL (error->message, "bad.txt:1: \"-5\": the weight is a positive integer");
  g_clear_error (&error);
  CU_ASSERT_FALSE (tm_dict_load_lexicon (dict, "\xFF\n", -1, "bad.txt", &error));
  CU_ASSERT (g_error_matches (error, TM_ERROR, TM_ERROR_PARSE));
}

static void
count_word (gsize start, gsize end, gpointer data)
{
  CU_ASSERT (end > start);
  (*(guint64 *) data)++;
}

static void
test_long_run (void)
{
  g_autoptr(TmDict) dict = new_dict ();
  g_autoptr(TmSegScratch) scratch = tm_seg_scratch_new ();
  g_autoptr(GString) text = g_string_new (NULL);
  guint64 words = 0;

  /* 1 MB without a break, of one character and of real words: every
   * character ends up in exactly one word. */
  while (text->len < (1u << 20))
    g_string_append (text, "啊");
  tm_dict_segment (dict, text->str, text->len, scratch, count_word, &words);
  CU_ASSERT (words > 0 && words <= text->len / 3);
  g_string_truncate (text, 0);
  words = 0;
  while (text->len < (1u << 20))
    g_string_append (text, "质子交换膜电解水制氢");
  tm_dict_segment (dict, text->str, text->len, scratch, count_word, &words);
  CU_ASSERT (words >= text->len / 30);
}

int
main (void)
{
  CU_pSuite suite;

  if (CU_initialize_registry () != CUE_SUCCESS)
    return 99;
  suite = CU_add_suite ("dict", NULL, NULL);
  CU_add_test (suite, "segment", test_segment);
  CU_add_test (suite, "lexicon", test_lexicon);
  CU_add_test (suite, "1 MB run", test_long_run);
  return tm_test_run ();
}

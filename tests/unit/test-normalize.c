/* test-normalize.c — NFKC, lower case, traditional → simplified. */
#include "config.h"

#include <string.h>

#include <opencc.h>

#include "tm-error.h"
#include "tm-normalize.h"
#include "tm-private.h"
#include "tm-test.h"

static TmNormalizer *normalizer;
static TmNormalized *out;

static int
setup (void)
{
  g_autoptr(GBytes) t2s = g_resource_lookup_data (tm_get_resource (), "/org/techmatch/t2s-chars.txt", 0, NULL);
  g_autoptr(GBytes) table = g_resource_lookup_data (tm_get_resource (), "/org/techmatch/t2s-table.txt", 0, NULL);

  normalizer = tm_normalizer_new (table, t2s, NULL);
  out = tm_normalized_new ();
  return normalizer == NULL;
}

static int
teardown (void)
{
  tm_normalizer_free (normalizer);
  tm_normalized_free (out);
  return 0;
}

static const char *
norm (const char *text, gssize len)
{
  g_autoptr(GError) error = NULL;

  CU_ASSERT_FATAL (tm_normalizer_run (normalizer, text, len < 0 ? strlen (text) : (gsize) len, out, &error));
  CU_ASSERT_EQUAL (out->map->len, out->text->len + 1);
  return out->text->str;
}

static void
test_width_and_case (void)
{
  CU_ASSERT_STRING_EQUAL (norm ("ＰＥＭ制氢 ３０Ｗ", -1), "pem制氢 30w");
  CU_ASSERT_STRING_EQUAL (norm ("SiC MOSFET", -1), "sic mosfet");
  CU_ASSERT_STRING_EQUAL (norm ("1200℃", -1), "1200°c");
  CU_ASSERT_STRING_EQUAL (norm ("2 A/cm²", -1), "2 a/cm2");
  CU_ASSERT_STRING_EQUAL (norm ("Café", -1), "café");
  /* Full-width punctuation becomes ASCII; the ideographic comma has no
   * compatibility mapping and stays. */
  CU_ASSERT_STRING_EQUAL (norm ("电池，电机：", -1), "电池,电机:");
}

static void
test_spaces_and_controls (void)
{
  static const char nul[] = "电池\0材料";

  CU_ASSERT_STRING_EQUAL (norm ("a\tb\nc\u3000d", -1), "a b c d");
  CU_ASSERT_STRING_EQUAL (norm ("锂\u200B电\uFEFF池", -1), "锂电池");
  /* An embedded NUL separates like a space. */
  CU_ASSERT_STRING_EQUAL (norm (nul, sizeof nul - 1), "电池 材料");
  CU_ASSERT_STRING_EQUAL (norm ("", 0), "");
  CU_ASSERT_STRING_EQUAL (norm ("，。！", -1), ",。!");
}

static void
test_traditional (void)
{
  /* Phrase level: 乾燥 → 干燥 (the character alone would stay 乾). */
  CU_ASSERT_STRING_EQUAL (norm ("無人機電池乾燥工藝", -1), "无人机电池干燥工艺");
  CU_ASSERT_STRING_EQUAL (norm ("鋰離子電池 高溫合金", -1), "锂离子电池 高温合金");
  /* Simplified text is left alone. */
  CU_ASSERT_STRING_EQUAL (norm ("锂离子电池高温合金", -1), "锂离子电池高温合金");
}

/* The in-process conversion against OpenCC's own t2s.json: every key of
 * the table alone, all of them run together (phrases overlapping their
 * neighbours), and random mixes of keys, values, other Han characters
 * and ASCII.  Each text starts with a marker (長) so that it is converted;
 * nothing in it is changed by the first stage. */
static void
check_opencc (opencc_t cc, const char *text, guint *failures)
{
  char *expected = opencc_convert_utf8 (cc, text, strlen (text));

  CU_ASSERT_PTR_NOT_NULL_FATAL (expected);
  norm (text, -1);
  if (strcmp (out->text->str, expected) != 0 && (*failures)++ < 5)
    {
      g_printerr ("\n  %s\n  opencc: %s\n  techmatch: %s\n", text, expected, out->text->str);
      CU_FAIL ("differs from OpenCC");
    }
  opencc_convert_utf8_free (expected);
}

static void
test_same_as_opencc (void)
{
  g_autoptr(GBytes) table = g_resource_lookup_data (tm_get_resource (), "/org/techmatch/t2s-table.txt", 0, NULL);
  g_autofree char *text = g_strndup (g_bytes_get_data (table, NULL), g_bytes_get_size (table));
  g_auto(GStrv) lines = g_strsplit (text, "\n", -1);
  g_autoptr(GPtrArray) pieces = g_ptr_array_new ();
  g_autoptr(GString) all = g_string_new ("長");
  g_autoptr(GRand) rand = g_rand_new_with_seed (12);
  static const char *others[] = { "电池", "乾县", "的", "材料", "於", "a", " ", "5g ", "sic", "〇" };
  opencc_t cc = opencc_open ("t2s.json");
  guint failures = 0;

  if (cc == (opencc_t) -1)
    {
      CU_FAIL ("OpenCC cannot open t2s.json");
      return;
    }
  for (guint i = 0; lines[i] != NULL; i++)
    {
      char *tab = strchr (lines[i], '\t');
      g_autofree char *one = NULL;

      if (tab == NULL)
        continue;
      *tab = '\0';
      g_ptr_array_add (pieces, lines[i]);
      g_ptr_array_add (pieces, tab + 1);
      g_string_append (all, lines[i]);
      one = g_strconcat ("長", lines[i], NULL);
      check_opencc (cc, one, &failures);
    }
  CU_ASSERT (pieces->len > 4000);
  check_opencc (cc, all->str, &failures);
  for (guint i = 0; i < G_N_ELEMENTS (others); i++)
    g_ptr_array_add (pieces, (gpointer) others[i]);
  for (guint t = 0; t < 2000; t++)
    {
      g_autoptr(GString) mix = g_string_new ("長");

      for (guint k = 0; k < 40; k++)
        g_string_append (mix, pieces->pdata[g_rand_int_range (rand, 0, (gint32) pieces->len)]);
      check_opencc (cc, mix->str, &failures);
    }
  CU_ASSERT_EQUAL (failures, 0);
  opencc_close (cc);
}

static void
test_offsets (void)
{
  const char *text = "Ａ電池";
  const guint32 *map;

  norm (text, -1);
  CU_ASSERT_STRING_EQUAL (out->text->str, "a电池");
  map = (const guint32 *) out->map->data;
  CU_ASSERT_EQUAL (map[0], 0);   /* a ← Ａ (3 bytes) */
  CU_ASSERT_EQUAL (map[1], 3);   /* 电 ← 電 */
  CU_ASSERT_EQUAL (map[4], 6);   /* 池 */
  CU_ASSERT_EQUAL (map[7], strlen (text));
}

static void
test_invalid_utf8 (void)
{
  g_autoptr(GError) error = NULL;
  static const char bad[] = "电池\xC3\x28材料";

  CU_ASSERT_FALSE (tm_normalizer_run (normalizer, bad, sizeof bad - 1, out, &error));
  CU_ASSERT (g_error_matches (error, TM_ERROR, TM_ERROR_PARSE));
  CU_ASSERT_STRING_EQUAL (error->message, "invalid UTF-8 at byte 6 (0xC3)");
  g_clear_error (&error);
  /* A surrogate written as UTF-8 (CESU style) is not UTF-8. */
  CU_ASSERT_FALSE (tm_normalizer_run (normalizer, "a\xED\xA0\x80", 4, out, &error));
  CU_ASSERT_PTR_NOT_NULL (strstr (error->message, "byte 1"));
}

static void
test_huge (void)
{
  gsize n = 1 << 20;
  g_autofree char *text = g_malloc (n + 1);

  memset (text, 'A', n);
  text[n] = '\0';
  norm (text, (gssize) n);
  CU_ASSERT_EQUAL (out->text->len, n);
  CU_ASSERT_EQUAL (out->text->str[n - 1], 'a');
}

int
main (void)
{
  CU_pSuite suite;

  if (CU_initialize_registry () != CUE_SUCCESS)
    return 99;
  suite = CU_add_suite ("normalize", setup, teardown);
  CU_add_test (suite, "width and case", test_width_and_case);
  CU_add_test (suite, "spaces and controls", test_spaces_and_controls);
  CU_add_test (suite, "traditional to simplified", test_traditional);
  CU_add_test (suite, "the same as OpenCC", test_same_as_opencc);
  CU_add_test (suite, "offsets", test_offsets);
  CU_add_test (suite, "invalid UTF-8", test_invalid_utf8);
  CU_add_test (suite, "1 MB token", test_huge);
  return tm_test_run ();
}

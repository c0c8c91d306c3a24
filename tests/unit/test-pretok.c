/* test-pretok.c — runs of Han text and technical tokens. */
#include "config.h"

#include <string.h>

#include "tm-error.h"
#include "tm-pretok.h"
#include "tm-private.h"
#include "tm-test.h"

static TmPretok *pretok;
static TmPretokScratch *scratch;

static int
setup (void)
{
  pretok = tm_pretok_new (NULL);
  if (pretok == NULL)
    return 1;
  scratch = tm_pretok_scratch_new (pretok);
  return 0;
}

static int
teardown (void)
{
  tm_pretok_scratch_free (scratch);
  tm_pretok_free (pretok);
  return 0;
}

static const char *const kind_names[] = { "han", "latin", "number" };

typedef struct {
  const char *text;
  GString *out;
} Runs;

static void
add_run (TmRunKind kind, gsize start, gsize end, const char *term, gpointer data)
{
  Runs *r = data;

  if (r->out->len > 0)
    g_string_append_c (r->out, '|');
  g_string_append_printf (r->out, "%s:", kind_names[kind]);
  if (term != NULL)
    g_string_append (r->out, term);
  else
    g_string_append_len (r->out, r->text + start, (gssize) (end - start));
}

/* The runs of normalized @text as "kind:text|kind:text". */
static char *
runs (const char *text)
{
  Runs r = { text, g_string_new (NULL) };

  CU_ASSERT (tm_pretok_run (pretok, scratch, text, strlen (text), add_run, &r, NULL));
  return g_string_free (r.out, FALSE);
}

#define ASSERT_RUNS(text, expected) \
  do { g_autofree char *got_ = runs (text); CU_ASSERT_STRING_EQUAL (got_, expected); \
       if (strcmp (got_, expected) != 0) printf ("\n  got %s\n", got_); } while (0)

static void
test_technical_tokens (void)
{
  /* 5g reads as a number with a unit (grams); the term is the same. */
  ASSERT_RUNS ("g8.5+ 27.3% co2 5g sic ti-6al-4v 1200°c 30w",
               "latin:g8.5+|number:27.3%|latin:co2|number:5g|latin:sic|latin:ti-6al-4v|number:1200°c|number:30w");
  ASSERT_RUNS ("c++ c# μv/h", "latin:c++|latin:c#|latin:μv/h");
}

static void
test_number_and_unit (void)
{
  /* "30 w" is the same term as "30w"; a word after a number is not. */
  ASSERT_RUNS ("30 w", "number:30w");
  ASSERT_RUNS ("2.5 mpa 10 kv", "number:2.5mpa|number:10kv");
  ASSERT_RUNS ("3 lines", "number:3|latin:lines");
  ASSERT_RUNS ("2025 10", "number:2025|number:10");
  ASSERT_RUNS ("80 °c 5 %", "number:80°c|number:5%");
}

static void
test_script_boundaries (void)
{
  ASSERT_RUNS ("pem制氢", "latin:pem|han:制氢");
  ASSERT_RUNS ("3d打印", "latin:3d|han:打印");
  /* Punctuation, CJK or not, separates and is no run. */
  ASSERT_RUNS ("电池、电机。电控", "han:电池|han:电机|han:电控");
  ASSERT_RUNS ("电池 材料", "han:电池|han:材料");
}

/* A failure of PCRE2 (here its match limit, lowered to 1) is an error
 * naming the byte, not a silently shortened list of runs. */
static void
test_match_failure (void)
{
  g_autoptr(TmPretokScratch) s = tm_pretok_scratch_new (pretok);
  g_autoptr(GError) error = NULL;
  g_autoptr(GString) out = g_string_new (NULL);
  Runs r = { "质子交换膜 abc-123 def", out };

  _tm_pretok_scratch_set_match_limit (s, 1);
  CU_ASSERT_FALSE (tm_pretok_run (pretok, s, r.text, strlen (r.text), add_run, &r, &error));
  CU_ASSERT (g_error_matches (error, TM_ERROR, TM_ERROR_LIMIT));
  CU_ASSERT (error != NULL && strstr (error->message, ": the pre-tokenizer's pattern failed: ") != NULL);
  g_clear_error (&error);
  CU_ASSERT_FALSE (tm_pretok_run (pretok, s, r.text, strlen (r.text), add_run, &r, NULL));
}

static void
test_odd_input (void)
{
  g_autofree char *big = g_strnfill (1 << 20, 'x');
  g_autofree char *got = NULL;

  ASSERT_RUNS ("", "");
  ASSERT_RUNS (",.;!?()[]{}", "");
  ASSERT_RUNS ("😀🚀", "");
  got = runs (big);
  CU_ASSERT_EQUAL (strlen (got), strlen ("latin:") + (1 << 20));
}

int
main (void)
{
  CU_pSuite suite;

  if (CU_initialize_registry () != CUE_SUCCESS)
    return 99;
  suite = CU_add_suite ("pretok", setup, teardown);
  CU_add_test (suite, "technical tokens", test_technical_tokens);
  CU_add_test (suite, "number and unit", test_number_and_unit);
  CU_add_test (suite, "script boundaries", test_script_boundaries);
  CU_add_test (suite, "odd input", test_odd_input);
  CU_add_test (suite, "match failure", test_match_failure);
  return tm_test_run ();
}

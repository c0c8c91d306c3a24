/* test-cli.c — the command line's own parsers, linked in from src/cli:
 * techmatch.conf(5) (tm-config.c) and a previous batch output for
 * --since (tm-since.c). */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "tm-cli.h"
#include "tm-error.h"
#include "tm-test.h"

/* Loads @text as $TECHMATCH_CONFIG. */
static gboolean
load_text (const char *text, TmConfig *c, GError **error)
{
  g_autofree char *path = tm_test_write ("techmatch.conf", text, -1);

  g_setenv ("TECHMATCH_CONFIG", path, TRUE);
  return tm_config_load (c, error);
}

static void
test_config_values (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *from_file = NULL, *from_option = NULL, *from_env = NULL;
  TmConfig c;

  CU_ASSERT_FATAL (load_text ("[index]\npath=/srv/tm.idx\n"
                              "[analyzer]\nmode=bigrams\nsynonyms=false\nlexicons=a.txt;b.txt;\n"
                              "[scoring]\nmodel=bm25\ntop=25\nterms=0\nk1=1.5\nb=0.5\ntitle-weight=4\nmin-score=0.1\n",
                              &c, &error));
  CU_ASSERT_EQUAL (c.analyzer.mode, TM_MODE_BIGRAMS);
  CU_ASSERT_FALSE (c.analyzer.synonyms);
  CU_ASSERT (c.analyzer.stopwords);
  CU_ASSERT_EQUAL_FATAL (g_strv_length (c.lexicons), 2);
  CU_ASSERT_STRING_EQUAL (c.lexicons[1], "b.txt");
  CU_ASSERT_EQUAL (c.score.model, TM_MODEL_BM25);
  CU_ASSERT_EQUAL (c.top, 25);
  CU_ASSERT_EQUAL (c.terms, 0);
  CU_ASSERT_DOUBLE_EQUAL (c.score.k1, 1.5, 1e-12);
  CU_ASSERT_DOUBLE_EQUAL (c.score.b, 0.5, 1e-12);
  CU_ASSERT_DOUBLE_EQUAL (c.score.weights[0], 4, 1e-12);
  CU_ASSERT_DOUBLE_EQUAL (c.min_score, 0.1, 1e-12);

  /* The index: -i, else $TECHMATCH_INDEX, else [index] path. */
  g_unsetenv ("TECHMATCH_INDEX");
  from_file = tm_config_index_path (&c, NULL);
  CU_ASSERT_STRING_EQUAL (from_file, "/srv/tm.idx");
  from_option = tm_config_index_path (&c, "x.idx");
  CU_ASSERT_STRING_EQUAL (from_option, "x.idx");
  g_setenv ("TECHMATCH_INDEX", "/env/tm.idx", TRUE);
  from_env = tm_config_index_path (&c, NULL);
  CU_ASSERT_STRING_EQUAL (from_env, "/env/tm.idx");
  g_unsetenv ("TECHMATCH_INDEX");
  tm_config_clear (&c);

  /* An empty file: the defaults. */
  CU_ASSERT_FATAL (load_text ("", &c, &error));
  CU_ASSERT_EQUAL (c.top, 10);
  CU_ASSERT_EQUAL (c.terms, 50);
  CU_ASSERT_EQUAL (c.score.model, TM_MODEL_TFIDF);
  CU_ASSERT_EQUAL (c.analyzer.mode, TM_MODE_WORDS);
  CU_ASSERT_PTR_NULL (c.index);
  tm_config_clear (&c);
}

static void
test_config_errors (void)
{
  static const struct { const char *text; const char *expect; } cases[] = {
    { "[analyzer]\nmode=trigrams\n", "[analyzer] mode: words, bigrams or mixed, not \"trigrams\"" },
    { "[analyzer]\nstem=maybe\n", "[analyzer] stem: true or false" },
    { "[scoring]\nmodel=lsi\n", "[scoring] model: tfidf or bm25, not \"lsi\"" },
    { "[scoring]\ntop=0\n", "[scoring] top: a whole number from 1 to" },
    { "[scoring]\ntop=2.5\n", "[scoring] top: a whole number" },
    { "[scoring]\nb=2\n", "[scoring] b is 2: a number from 0 to 1" },
    { "[scoring]\nk1=-1\n", "[scoring] k1: a number of at least 0" },
    { "[scoring]\nterms=nan\n", "[scoring] terms: a number of at least 0" },
    { "not a key file\n", "techmatch.conf: " },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      TmConfig c;

      CU_ASSERT_FALSE (load_text (cases[i].text, &c, &error));
      CU_ASSERT (g_error_matches (error, TM_ERROR, TM_ERROR_PARSE));
      if (error == NULL || strstr (error->message, cases[i].expect) == NULL)
        printf ("\n    case %zu: %s ", i, error != NULL ? error->message : "(no error)");
      CU_ASSERT (error != NULL && strstr (error->message, cases[i].expect) != NULL);
      CU_ASSERT_PTR_NULL (c.path);   /* nothing left to free */
      CU_ASSERT_FALSE (load_text (cases[i].text, &c, NULL));
    }

  /* A named file that does not exist is an error; the default one is not. */
  {
    g_autoptr(GError) error = NULL;
    TmConfig c;

    g_setenv ("TECHMATCH_CONFIG", "/nonexistent/techmatch.conf", TRUE);
    CU_ASSERT_FALSE (tm_config_load (&c, &error));
    CU_ASSERT (error != NULL && strstr (error->message, "/nonexistent/techmatch.conf") != NULL);
    g_unsetenv ("TECHMATCH_CONFIG");
    g_setenv ("XDG_CONFIG_HOME", tm_test_dir (), TRUE);
    CU_ASSERT (tm_config_load (&c, NULL));
    tm_config_clear (&c);
  }
}

static void
test_since (void)
{
  static const char good[] =
    "direction\tsource\trank\ttarget\tscore\n"
    "d2a\tD-1\t1\tA-7\t0.5000\n"
    "d2a\tD-1\t2\tA-3\t0.2500\tnew\n"
    "\n"
    "a2d\tA-7\t1\tD-1\t0.5000\n";
  static const struct { const char *text; const char *expect; } bad[] = {
    { "d2a\tD-1\t1\tA-7\n", "since.tsv:1: not a techmatch batch TSV row" },
    { "d2a\tD-1\t1\tA-7\t0.5\nx2y\tD-1\t1\tA-7\t0.5\n", "since.tsv:2: " },
    { "d2a\tD-1\t0\tA-7\t0.5\n", "since.tsv:1: " },
    { "d2a\tD-1\tfirst\tA-7\t0.5\n", "since.tsv:1: " },
    { "d2a\tD-\xff\t1\tA-7\t0.5\n", "since.tsv:1: not UTF-8 text" },
  };
  g_autoptr(GError) error = NULL;
  g_autoptr(TmSince) since = tm_since_parse (good, strlen (good), "since.tsv", &error);
  guint rank = 0;

  CU_ASSERT_PTR_NOT_NULL_FATAL (since);
  CU_ASSERT (tm_since_lookup (since, "d2a", "D-1", "A-3", &rank));
  CU_ASSERT_EQUAL (rank, 2);
  CU_ASSERT (tm_since_lookup (since, "a2d", "A-7", "D-1", &rank));
  CU_ASSERT_EQUAL (rank, 1);
  CU_ASSERT_FALSE (tm_since_lookup (since, "d2a", "D-1", "A-9", &rank));
  CU_ASSERT_FALSE (tm_since_lookup (since, "a2d", "D-1", "A-7", &rank));
  /* A NUL inside is not text; a last line without its newline was cut short. */
  CU_ASSERT_PTR_NULL (tm_since_parse ("d2a\0\n", 5, "since.tsv", NULL));
  CU_ASSERT_PTR_NULL (tm_since_parse ("d2a\tD-1\t1\tA-7\t0.5", strlen ("d2a\tD-1\t1\tA-7\t0.5"), "since.tsv", NULL));
  for (gsize i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(GError) e = NULL;

      CU_ASSERT_PTR_NULL (tm_since_parse (bad[i].text, strlen (bad[i].text), "since.tsv", &e));
      if (e == NULL || strstr (e->message, bad[i].expect) == NULL)
        printf ("\n    case %zu: %s ", i, e != NULL ? e->message : "(no error)");
      CU_ASSERT (e != NULL && strstr (e->message, bad[i].expect) != NULL);
      CU_ASSERT_PTR_NULL (tm_since_parse (bad[i].text, strlen (bad[i].text), "since.tsv", NULL));
    }
}

/* Many rows: parsed from memory the table grows from its first size;
 * loaded from a file it is sized once from the line count.  Every pair
 * is found with its rank either way, and a pair not listed is not. */
static void
test_since_many (void)
{
  g_autoptr(GString) text = g_string_new (NULL);
  g_autofree char *path = NULL;
  g_autoptr(TmSince) parsed = NULL;
  g_autoptr(TmSince) loaded = NULL;
  g_autoptr(GError) error = NULL;
  guint bad = 0;

  for (guint s = 0; s < 500; s++)
    for (guint r = 1; r <= 20; r++)
      g_string_append_printf (text, "%s\tS-%u\t%u\tT-%u\t0.5000\n", s % 2 ? "a2d" : "d2a", s, r, (s * 7 + r) % 300);
  parsed = tm_since_parse (text->str, text->len, "many.tsv", &error);
  CU_ASSERT_PTR_NOT_NULL_FATAL (parsed);
  path = tm_test_write ("many.tsv", text->str, (gssize) text->len);
  loaded = tm_since_load (path, &error);
  CU_ASSERT_PTR_NOT_NULL_FATAL (loaded);
  for (guint s = 0; s < 500; s++)
    for (guint r = 1; r <= 20; r++)
      {
        g_autofree char *src = g_strdup_printf ("S-%u", s);
        g_autofree char *tgt = g_strdup_printf ("T-%u", (s * 7 + r) % 300);
        const char *dir = s % 2 ? "a2d" : "d2a";
        guint a = 0, b = 0;

        if (!tm_since_lookup (parsed, dir, src, tgt, &a) || a != r
            || !tm_since_lookup (loaded, dir, src, tgt, &b) || b != r)
          bad++;
      }
  CU_ASSERT_EQUAL (bad, 0);
  CU_ASSERT_FALSE (tm_since_lookup (loaded, "a2d", "S-0", "T-1", &bad));
  CU_ASSERT_FALSE (tm_since_lookup (parsed, "d2a", "S-0", "T-21", &bad));
}

int
main (void)
{
  CU_pSuite suite;

  if (CU_initialize_registry () != CUE_SUCCESS)
    return 99;
  suite = CU_add_suite ("cli", NULL, NULL);
  CU_add_test (suite, "config values", test_config_values);
  CU_add_test (suite, "config errors", test_config_errors);
  CU_add_test (suite, "since", test_since);
  CU_add_test (suite, "since, many rows", test_since_many);
  return tm_test_run ();
}

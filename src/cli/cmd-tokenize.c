/* cmd-tokenize.c — techmatch tokenize [OPTIONS] TEXT... | -
 *
 * Prints the terms the analyzer makes of a text, for users debugging why
 * something did or did not match.  Options: change one, change
 * man/techmatch-tokenize.1 too.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include <json-glib/json-glib.h>

#include "tm-analyzer.h"
#include "tm-cli.h"
#include "tm-error.h"

static char *opt_mode;
static char *opt_format;
static gboolean opt_no_synonyms;
static gboolean opt_no_stopwords;
static gboolean opt_no_stem;
static gboolean opt_segment;
static char **opt_lexicons;
static char **opt_synonyms;
static char **opt_stopwords;

static GOptionEntry entries[] = {
  { "mode", 'm', 0, G_OPTION_ARG_STRING, &opt_mode,
    "Terms for Han text: words, bigrams or mixed (default: words)", "MODE" },
  { "format", 'f', 0, G_OPTION_ARG_STRING, &opt_format,
    "Output format: tsv or json (default: tsv)", "FORMAT" },
  { "no-synonyms", 0, 0, G_OPTION_ARG_NONE, &opt_no_synonyms,
    "Do not map synonyms to their canonical term", NULL },
  { "no-stopwords", 0, 0, G_OPTION_ARG_NONE, &opt_no_stopwords,
    "Keep stopwords", NULL },
  { "no-stem", 0, 0, G_OPTION_ARG_NONE, &opt_no_stem,
    "Do not stem English words", NULL },
  { "lexicon", 0, 0, G_OPTION_ARG_FILENAME_ARRAY, &opt_lexicons,
    "Add the words of FILE to the dictionary (repeatable)", "FILE" },
  { "synonyms", 0, 0, G_OPTION_ARG_FILENAME_ARRAY, &opt_synonyms,
    "Add the synonym groups of FILE (repeatable)", "FILE" },
  { "stopwords", 0, 0, G_OPTION_ARG_FILENAME_ARRAY, &opt_stopwords,
    "Add the stopwords of FILE (repeatable)", "FILE" },
  { "segment", 0, 0, G_OPTION_ARG_NONE, &opt_segment,
    "Print each Han run as the dictionary segments it, words separated by spaces", NULL },
  { NULL }
};

static void
print_tsv (const TmTerm *term, gpointer data)
{
  printf ("%.*s\t%s\t%" G_GSIZE_FORMAT "\t%" G_GSIZE_FORMAT "\n", (int) term->len, term->text,
          tm_term_kind_name (term->kind), term->start, term->end);
}

static void
add_json (const TmTerm *term, gpointer data)
{
  JsonBuilder *b = data;
  g_autofree char *text = g_strndup (term->text, term->len);

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "term");
  json_builder_add_string_value (b, text);
  json_builder_set_member_name (b, "kind");
  json_builder_add_string_value (b, tm_term_kind_name (term->kind));
  json_builder_set_member_name (b, "start");
  json_builder_add_int_value (b, (gint64) term->start);
  json_builder_set_member_name (b, "end");
  json_builder_add_int_value (b, (gint64) term->end);
  json_builder_end_object (b);
}

typedef struct {
  const GString *norm;
  gboolean first;
} SegmentOut;

static void
print_segment (gsize start, gsize end, gpointer data)
{
  SegmentOut *s = data;

  if (start == end)
    {
      putchar ('\n');
      s->first = TRUE;
      return;
    }
  printf ("%s%.*s", s->first ? "" : " ", (int) (end - start), s->norm->str + start);
  s->first = FALSE;
}

static char *
read_stdin (gsize *len, GError **error)
{
  g_autoptr(GString) s = g_string_new (NULL);
  char buf[65536];
  size_t n;

  while ((n = fread (buf, 1, sizeof buf, stdin)) > 0)
    g_string_append_len (s, buf, n);
  if (ferror (stdin))
    {
      g_set_error (error, TM_ERROR, TM_ERROR_IO, "reading standard input failed");
      return NULL;
    }
  *len = s->len;
  return g_string_free (g_steal_pointer (&s), FALSE);
}

int
tm_cmd_tokenize (int argc, char **argv, GError **error)
{
  g_autoptr(GOptionContext) context = g_option_context_new ("TEXT... | -");
  g_autoptr(TmAnalyzer) analyzer = NULL;
  g_autoptr(TmAnalysis) analysis = NULL;
  g_autofree char *text = NULL;
  TmAnalyzerOptions options;
  gboolean json;
  gsize len;

  g_option_context_set_summary (context,
    "Print the terms techmatch makes of a text: term, kind (word, bigram,\n"
    "latin, number) and the byte offsets of its source in the text.");
  g_option_context_add_main_entries (context, entries, NULL);
  if (!tm_cli_parse (context, "tokenize", &argc, &argv))
    return TM_EXIT_USAGE;

  tm_analyzer_options_init (&options);
  if (opt_mode != NULL && !tm_analyzer_mode_from_name (opt_mode, &options.mode))
    {
      fprintf (stderr, "techmatch tokenize: unknown mode '%s' (words, bigrams or mixed)\n", opt_mode);
      return TM_EXIT_USAGE;
    }
  json = g_strcmp0 (opt_format, "json") == 0;
  if (opt_format != NULL && !json && strcmp (opt_format, "tsv") != 0)
    {
      fprintf (stderr, "techmatch tokenize: unknown format '%s' (tsv or json)\n", opt_format);
      return TM_EXIT_USAGE;
    }
  if (argc < 2)
    {
      fprintf (stderr, "techmatch tokenize: no text given\nTry 'techmatch tokenize --help'.\n");
      return TM_EXIT_USAGE;
    }
  options.synonyms = !opt_no_synonyms;
  options.stopwords = !opt_no_stopwords;
  options.stem = !opt_no_stem;
  options.lexicons = (const char * const *) opt_lexicons;
  options.synonym_files = (const char * const *) opt_synonyms;
  options.stopword_files = (const char * const *) opt_stopwords;

  if (argc == 2 && strcmp (argv[1], "-") == 0)
    {
      /* The text may hold NUL bytes: its length is what was read. */
      text = read_stdin (&len, error);
      if (text == NULL)
        return TM_EXIT_FAILURE;
    }
  else
    {
      text = g_strjoinv (" ", argv + 1);
      len = strlen (text);
    }

  analyzer = tm_analyzer_new (&options, error);
  if (analyzer == NULL)
    return TM_EXIT_FAILURE;
  analysis = tm_analysis_new (analyzer);

  if (opt_segment)
    {
      g_autoptr(GString) norm = g_string_new (NULL);
      SegmentOut out = { norm, TRUE };

      if (!tm_analyzer_segment (analyzer, analysis, text, (gssize) len, norm,
                                print_segment, &out, error))
        return TM_EXIT_DATA;
      if (!out.first)
        putchar ('\n');
      return TM_EXIT_OK;
    }

  if (json)
    {
      g_autoptr(JsonBuilder) b = json_builder_new ();
      g_autoptr(JsonGenerator) gen = json_generator_new ();
      g_autoptr(JsonNode) root = NULL;
      g_autofree char *out = NULL;

      json_builder_begin_object (b);
      json_builder_set_member_name (b, "version");
      json_builder_add_int_value (b, 1);
      json_builder_set_member_name (b, "mode");
      json_builder_add_string_value (b, tm_analyzer_mode_name (options.mode));
      json_builder_set_member_name (b, "terms");
      json_builder_begin_array (b);
      if (!tm_analyzer_analyze (analyzer, analysis, 0, text, (gssize) len, add_json, b, error))
        return TM_EXIT_DATA;
      json_builder_end_array (b);
      json_builder_end_object (b);
      root = json_builder_get_root (b);
      json_generator_set_root (gen, root);
      json_generator_set_pretty (gen, TRUE);
      out = json_generator_to_data (gen, NULL);
      printf ("%s\n", out);
      return TM_EXIT_OK;
    }

  if (!tm_analyzer_analyze (analyzer, analysis, 0, text, (gssize) len, print_tsv, NULL, error))
    return TM_EXIT_DATA;
  return TM_EXIT_OK;
}

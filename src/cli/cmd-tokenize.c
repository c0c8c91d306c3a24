/* cmd-tokenize.c — techmatch tokenize [OPTIONS] TEXT... | -
 *
 * Prints the terms the analyzer makes of a text, for users debugging why
 * something did or did not match.  Options: change one, change
 * man/techmatch-tokenize.1 too.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "tm-analyzer.h"
#include "tm-cli.h"
#include "tm-error.h"
#include "tm-limits.h"

static char *opt_mode;
static gboolean opt_no_synonyms;
static gboolean opt_no_stopwords;
static gboolean opt_no_stem;
static gboolean opt_segment;
static char **opt_lexicons;
static char **opt_synonyms;
static char **opt_stopwords;

static GOptionEntry entries[] = {
  { "mode", 'm', 0, G_OPTION_ARG_STRING, &opt_mode,
    N_("Terms for Han text: words, bigrams or mixed (default: words)"), "MODE" },
  { "no-synonyms", 0, 0, G_OPTION_ARG_NONE, &opt_no_synonyms,
    N_("Do not map synonyms to their canonical term"), NULL },
  { "no-stopwords", 0, 0, G_OPTION_ARG_NONE, &opt_no_stopwords,
    N_("Keep stopwords"), NULL },
  { "no-stem", 0, 0, G_OPTION_ARG_NONE, &opt_no_stem,
    N_("Do not stem English words"), NULL },
  { "lexicon", 0, 0, G_OPTION_ARG_FILENAME_ARRAY, &opt_lexicons,
    N_("Add the words of FILE to the dictionary (repeatable)"), "FILE" },
  { "synonyms", 0, 0, G_OPTION_ARG_FILENAME_ARRAY, &opt_synonyms,
    N_("Add the synonym groups of FILE (repeatable)"), "FILE" },
  { "stopwords", 0, 0, G_OPTION_ARG_FILENAME_ARRAY, &opt_stopwords,
    N_("Add the stopwords of FILE (repeatable)"), "FILE" },
  { "segment", 0, 0, G_OPTION_ARG_NONE, &opt_segment,
    N_("Print each Han run as the dictionary segments it, words separated by spaces"), NULL },
  { NULL }
};

/* The terms, kept until the analysis is done: a failed analysis prints
 * nothing. */
typedef struct {
  char *text;
  TmTermKind kind;
  gsize start, end;
} Term;

static void
clear_term (gpointer data)
{
  g_free (((Term *) data)->text);
}

static void
add_term (const TmTerm *term, gpointer data)
{
  Term t = { g_strndup (term->text, term->len), term->kind, term->start, term->end };

  g_array_append_val ((GArray *) data, t);
}

typedef struct {
  const GString *norm;
  GPtrArray *runs;     /* each Han run, its words separated by spaces */
  GString *run;
} SegmentOut;

static void
add_segment (gsize start, gsize end, gpointer data)
{
  SegmentOut *s = data;

  if (start == end)
    {
      g_ptr_array_add (s->runs, g_string_free (s->run, FALSE));
      s->run = g_string_new (NULL);
      return;
    }
  if (s->run->len > 0)
    g_string_append_c (s->run, ' ');
  g_string_append_len (s->run, s->norm->str + start, (gssize) (end - start));
}

static char *
read_stdin (gsize *len, GError **error)
{
  g_autoptr(GString) s = g_string_new (NULL);
  char buf[65536];
  size_t n;

  /* The largest text techmatch analyzes is a record: the same bound. */
  while ((n = fread (buf, 1, sizeof buf, stdin)) > 0)
    {
      g_string_append_len (s, buf, n);
      if (s->len > TM_MAX_RECORD_BYTES)
        {
          g_set_error (error, TM_ERROR, TM_ERROR_LIMIT,
                       _("standard input: a text of more than %u bytes (TM_MAX_RECORD_BYTES)"),
                       TM_MAX_RECORD_BYTES);
          return NULL;
        }
    }
  if (ferror (stdin))
    {
      g_set_error (error, TM_ERROR, TM_ERROR_IO, _("reading standard input failed"));
      return NULL;
    }
  *len = s->len;
  return g_string_free (g_steal_pointer (&s), FALSE);
}

int
tm_cmd_tokenize (TmCli *cli, int argc, char **argv, GError **error)
{
  g_autoptr(GOptionContext) context = g_option_context_new ("TEXT... | -");
  g_autoptr(TmAnalyzer) analyzer = NULL;
  g_autoptr(TmAnalysis) analysis = NULL;
  g_autofree char *text = NULL;
  g_autoptr(TmSprinter) sp = NULL;
  TmAnalyzerOptions options;
  gsize len;

  g_option_context_set_summary (context,
    N_("Print the terms techmatch makes of a text: term, kind (word, bigram,\n"
       "latin, number) and the byte offsets of its source in the text."));
  g_option_context_add_main_entries (context, entries, NULL);
  if (!tm_cli_parse (cli, context, &argc, &argv))
    return TM_EXIT_USAGE;

  tm_analyzer_options_init (&options);
  if (opt_mode != NULL && !tm_analyzer_mode_from_name (opt_mode, &options.mode))
    {
      fprintf (stderr, _("techmatch tokenize: unknown mode '%s' (words, bigrams or mixed)\n"), opt_mode);
      return TM_EXIT_USAGE;
    }
  if (argc < 2)
    {
      fprintf (stderr, _("techmatch tokenize: no text given\nTry 'techmatch tokenize --help'.\n"));
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
        return g_error_matches (*error, TM_ERROR, TM_ERROR_LIMIT) ? TM_EXIT_DATA : TM_EXIT_FAILURE;
    }
  else
    {
      text = g_strjoinv (" ", argv + 1);
      len = strlen (text);
      if (len > TM_MAX_RECORD_BYTES)
        {
          g_set_error (error, TM_ERROR, TM_ERROR_LIMIT, _("a text of more than %u bytes (TM_MAX_RECORD_BYTES)"),
                       TM_MAX_RECORD_BYTES);
          return TM_EXIT_DATA;
        }
    }

  analyzer = tm_analyzer_new (&options, error);
  if (analyzer == NULL)
    return TM_EXIT_FAILURE;
  analysis = tm_analysis_new (analyzer);

  sp = tm_cli_sprinter_stdout (cli, NULL);
  tm_sprinter_begin_document (sp, "tokenize", 1);
  tm_sprinter_only (sp, TM_SPRINTER_TREE);
  tm_sprinter_key (sp, "mode");
  tm_sprinter_string (sp, tm_analyzer_mode_name (options.mode));
  tm_sprinter_only (sp, TM_SPRINTER_ALL);
  if (opt_segment)
    {
      g_autoptr(GString) norm = g_string_new (NULL);
      g_autoptr(GPtrArray) runs = g_ptr_array_new_with_free_func (g_free);
      SegmentOut out = { norm, runs, g_string_new (NULL) };
      gboolean ok = tm_analyzer_segment (analyzer, analysis, text, (gssize) len, norm,
                                         add_segment, &out, error);

      if (ok && out.run->len > 0)
        g_ptr_array_add (runs, g_string_free (g_steal_pointer (&out.run), FALSE));
      if (out.run != NULL)
        g_string_free (out.run, TRUE);
      if (!ok)
        return TM_EXIT_DATA;
      tm_sprinter_key (sp, "segments");
      tm_sprinter_begin_list (sp, "segment");
      for (guint i = 0; i < runs->len; i++)
        tm_sprinter_string (sp, runs->pdata[i]);
      tm_sprinter_end (sp);
    }
  else
    {
      g_autoptr(GArray) terms = g_array_new (FALSE, FALSE, sizeof (Term));

      g_array_set_clear_func (terms, clear_term);
      if (!tm_analyzer_analyze (analyzer, analysis, 0, text, (gssize) len, add_term, terms, error))
        return TM_EXIT_DATA;
      tm_sprinter_key (sp, "terms");
      tm_sprinter_begin_list (sp, "term");
      for (guint i = 0; i < terms->len; i++)
        {
          Term *t = &g_array_index (terms, Term, i);

          tm_sprinter_begin_row (sp);
          tm_sprinter_key (sp, "term");
          tm_sprinter_string (sp, t->text);
          tm_sprinter_key (sp, "kind");
          tm_sprinter_string (sp, tm_term_kind_name (t->kind));
          tm_sprinter_key (sp, "start");
          tm_sprinter_integer (sp, (gint64) t->start);
          tm_sprinter_key (sp, "end");
          tm_sprinter_integer (sp, (gint64) t->end);
          tm_sprinter_end (sp);
        }
      tm_sprinter_end (sp);
    }
  tm_sprinter_end (sp);
  if (!tm_sprinter_finish (sp, error))
    return TM_EXIT_FAILURE;
  return TM_EXIT_OK;
}

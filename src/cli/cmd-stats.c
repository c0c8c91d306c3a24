/* cmd-stats.c — techmatch stats [-i INDEX] [--verify]
 *
 * Describes the index.  Options: change one, change
 * man/techmatch-stats.1 too.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "tm-cli.h"
#include "tm-error.h"

static char *opt_index, *opt_format;
static gboolean opt_verify;

static GOptionEntry entries[] = {
  { "index", 'i', 0, G_OPTION_ARG_FILENAME, &opt_index, "The index (default: see techmatch(1))", "INDEX" },
  { "verify", 0, 0, G_OPTION_ARG_NONE, &opt_verify, "Check every checksum, then decode and cross-check everything first", NULL },
  { "format", 0, 0, G_OPTION_ARG_STRING, &opt_format, "tsv (default) or json", "FORMAT" },
  { NULL }
};

int
tm_cmd_stats (int argc, char **argv, GError **error)
{
  g_autoptr(GOptionContext) context = g_option_context_new (NULL);
  g_autoptr(TmIndex) index = NULL;
  g_autoptr(GDateTime) built = NULL;
  g_autofree char *path = NULL, *when = NULL;
  g_autofree char *weights = NULL;
  const TmAnalyzerOptions *a;
  const double *w;
  TmConfig config;
  guint64 postings;

  g_option_context_set_summary (context,
    "Describe the index: records per library, distinct terms, postings,\n"
    "file size, when and how fast it was built, how it analyzes text.");
  g_option_context_add_main_entries (context, entries, NULL);
  if (!tm_cli_parse (context, "stats", &argc, &argv))
    return TM_EXIT_USAGE;
  if (argc > 1)
    {
      fprintf (stderr, "techmatch stats: unexpected argument '%s'\n", argv[1]);
      return TM_EXIT_USAGE;
    }
  if (opt_format != NULL && strcmp (opt_format, "tsv") != 0 && strcmp (opt_format, "json") != 0)
    {
      fprintf (stderr, "techmatch stats: unknown format '%s' (tsv or json)\n", opt_format);
      return TM_EXIT_USAGE;
    }
  if (!tm_config_load (&config, error))
    return TM_EXIT_DATA;
  path = tm_config_index_path (&config, opt_index);
  tm_config_clear (&config);
  index = tm_cli_open_index_only (path, error);
  if (index == NULL || (opt_verify && !tm_index_verify (index, error)))
    return TM_EXIT_INDEX;
  postings = tm_index_get_n_postings (index);
  if (!tm_index_check (index, error))
    return TM_EXIT_INDEX;

  a = tm_index_get_analyzer_options (index);
  w = tm_index_get_norm_weights (index);
  built = g_date_time_new_from_unix_utc (tm_index_get_build_time (index));
  when = built != NULL ? g_date_time_format_iso8601 (built) : g_strdup ("?");
  weights = g_strdup_printf ("%g,%g,%g", w[0], w[1], w[2]);

  if (g_strcmp0 (opt_format, "json") == 0)
    {
      g_autoptr(JsonBuilder) b = json_builder_new ();

      json_builder_begin_object (b);
#define INT(k, v) json_builder_set_member_name (b, k), json_builder_add_int_value (b, (gint64) (v))
#define STR(k, v) json_builder_set_member_name (b, k), json_builder_add_string_value (b, v)
#define BOOL(k, v) json_builder_set_member_name (b, k), json_builder_add_boolean_value (b, v)
      INT ("version", 1);
      STR ("index", path);
      INT ("achievements", tm_index_get_n_docs (index, TM_LIBRARY_ACHIEVEMENT));
      INT ("demands", tm_index_get_n_docs (index, TM_LIBRARY_DEMAND));
      INT ("terms", tm_index_get_n_terms (index));
      INT ("postings", postings);
      INT ("file_size", tm_index_get_file_size (index));
      STR ("built", when);
      json_builder_set_member_name (b, "build_seconds");
      json_builder_add_double_value (b, tm_output_round (tm_index_get_build_seconds (index)));
      STR ("mode", tm_analyzer_mode_name (a->mode));
      BOOL ("synonyms", a->synonyms);
      BOOL ("stopwords", a->stopwords);
      BOOL ("stem", a->stem);
      STR ("weights", weights);
#undef INT
#undef STR
#undef BOOL
      json_builder_end_object (b);
      tm_cli_print_json (b);
      return TM_EXIT_OK;
    }

  printf ("index\t%s\n", path);
  printf ("achievements\t%u\n", tm_index_get_n_docs (index, TM_LIBRARY_ACHIEVEMENT));
  printf ("demands\t%u\n", tm_index_get_n_docs (index, TM_LIBRARY_DEMAND));
  printf ("terms\t%u\n", tm_index_get_n_terms (index));
  printf ("postings\t%" G_GUINT64_FORMAT "\n", postings);
  printf ("file_size\t%" G_GUINT64_FORMAT "\n", tm_index_get_file_size (index));
  printf ("built\t%s\n", when);
  printf ("build_seconds\t%.2f\n", tm_index_get_build_seconds (index));
  printf ("mode\t%s\n", tm_analyzer_mode_name (a->mode));
  printf ("synonyms\t%s\n", a->synonyms ? "yes" : "no");
  printf ("stopwords\t%s\n", a->stopwords ? "yes" : "no");
  printf ("stem\t%s\n", a->stem ? "yes" : "no");
  printf ("weights\t%s\n", weights);
  for (const TmWordList * const *p = a->word_lists; p && *p; p++)
    printf ("%s\t%s\n", (*p)->kind == TM_WORD_LIST_LEXICON ? "lexicon"
                        : (*p)->kind == TM_WORD_LIST_SYNONYMS ? "synonyms_file" : "stopwords_file",
            (*p)->name);
  return TM_EXIT_OK;
}

/* cmd-index.c — techmatch index [-i INDEX] [OPTIONS] CORPUS...
 *
 * Builds the index of both libraries.  Options: change one, change
 * man/techmatch-index.1 too.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "tm-cli.h"
#include "tm-error.h"
#include "tm-index.h"

static gboolean opt_skip_bad;
static char *opt_mode;
static gboolean opt_no_synonyms, opt_no_stopwords, opt_no_stem;
static char **opt_lexicons, **opt_synonyms, **opt_stopwords;
static gboolean opt_quiet;
static int opt_memory;
static char *opt_partition, *opt_global_stats, *opt_latent_rank;

static GOptionEntry entries[] = {
  { "skip-bad", 0, 0, G_OPTION_ARG_NONE, &opt_skip_bad,
    N_("Report bad records and index the good ones (default: any problem fails the build)"), NULL },
  { "mode", 'm', 0, G_OPTION_ARG_STRING, &opt_mode, N_("Terms for Han text: words, bigrams or mixed"), "MODE" },
  { "no-synonyms", 0, 0, G_OPTION_ARG_NONE, &opt_no_synonyms, N_("Do not map synonyms"), NULL },
  { "no-stopwords", 0, 0, G_OPTION_ARG_NONE, &opt_no_stopwords, N_("Keep stopwords"), NULL },
  { "no-stem", 0, 0, G_OPTION_ARG_NONE, &opt_no_stem, N_("Do not stem English words"), NULL },
  { "lexicon", 0, 0, G_OPTION_ARG_FILENAME_ARRAY, &opt_lexicons, N_("Add the words of FILE (repeatable)"), "FILE" },
  { "synonyms", 0, 0, G_OPTION_ARG_FILENAME_ARRAY, &opt_synonyms, N_("Add the synonym groups of FILE (repeatable)"), "FILE" },
  { "stopwords", 0, 0, G_OPTION_ARG_FILENAME_ARRAY, &opt_stopwords, N_("Add the stopwords of FILE (repeatable)"), "FILE" },
  { "memory", 0, 0, G_OPTION_ARG_INT, &opt_memory,
    N_("Hold at most MB megabytes of postings in memory, spilling the rest to temporary files beside the index (default 64)"),
    "MB" },
  { "partition", 0, 0, G_OPTION_ARG_STRING, &opt_partition,
    N_("Index only hash partition K of N of both libraries (techmatch-partitions(7))"), "K/N" },
  { "global-stats", 0, 0, G_OPTION_ARG_FILENAME, &opt_global_stats,
    N_("Score with the collection statistics of FILE (stats --export-df of every partition)"), "FILE" },
  { "latent-rank", 0, 0, G_OPTION_ARG_STRING, &opt_latent_rank,
    N_("Rank K of the latent layer (0: none; the default: 128)"), "K" },
  { "quiet", 'q', 0, G_OPTION_ARG_NONE, &opt_quiet, N_("Print nothing but problems"), NULL },
  { NULL }
};

/* Lexicons and the like are kept in the index by path: absolute, so
 * that a match run from another folder finds them. */
static char **
absolute (char **paths)
{
  GPtrArray *out = g_ptr_array_new ();

  for (char **p = paths; p != NULL && *p != NULL; p++)
    g_ptr_array_add (out, g_canonicalize_filename (*p, NULL));
  g_ptr_array_add (out, NULL);
  return (char **) g_ptr_array_free (out, FALSE);
}

int
tm_cmd_index (TmCli *cli, int argc, char **argv, GError **error)
{
  g_autoptr(GOptionContext) context = g_option_context_new ("CORPUS...");
  g_autofree char *dir = NULL;
  g_auto(GStrv) lexicons = NULL, synonyms = NULL, stopwords = NULL;
  TmIndexBuildOptions options;
  TmIndexBuildStats stats;
  g_autoptr(TmCollectionStats) global = NULL;
  const TmConfig *config;
  const char *path;

  g_option_context_set_summary (context,
    N_("Build the index of both libraries from corpus files or folders.  The\n"
       "index is written beside its final name and renamed into place, so a\n"
       "reader sees the old index or the new one."));
  g_option_context_add_main_entries (context, entries, NULL);
  if (!tm_cli_parse (cli, context, &argc, &argv))
    return TM_EXIT_USAGE;
  if (argc < 2)
    {
      fprintf (stderr, _("techmatch index: no corpus given\nTry 'techmatch index --help'.\n"));
      return TM_EXIT_USAGE;
    }
  /* 2^20 MB: a terabyte, far past any machine this runs on. */
  if (opt_memory < 0 || opt_memory > (1 << 20))
    {
      fprintf (stderr, _("techmatch index: --memory takes a number of megabytes, 0 (the default) to %d\n"), 1 << 20);
      return TM_EXIT_USAGE;
    }
  memset (&options, 0, sizeof options);
  options.partition = options.n_partitions = 1;
  if (opt_partition != NULL
      && !tm_cli_parse_partition ("index", "--partition", opt_partition, &options.partition, &options.n_partitions))
    return TM_EXIT_USAGE;
  if (opt_latent_rank != NULL)
    {
      gint64 v;

      if (!tm_cli_parse_int ("index", "--latent-rank", opt_latent_rank, 0, TM_MAX_LATENT_RANK, &v))
        return TM_EXIT_USAGE;
      options.latent_rank = (guint) v;
      options.no_latent = v == 0;
    }
  if ((config = tm_cli_config (cli, error)) == NULL)
    return TM_EXIT_DATA;
  if (opt_global_stats != NULL)
    {
      /* Read before the corpus: a bad file fails at once. */
      if ((global = tm_collection_stats_load (opt_global_stats, error)) == NULL)
        return g_error_matches (*error, TM_ERROR, TM_ERROR_IO) ? TM_EXIT_FAILURE : TM_EXIT_DATA;
      options.global_stats = global;
    }

  options.analyzer = config->analyzer;
  if (opt_mode != NULL && !tm_analyzer_mode_from_name (opt_mode, &options.analyzer.mode))
    {
      fprintf (stderr, _("techmatch index: unknown mode '%s' (words, bigrams or mixed)\n"), opt_mode);
      return TM_EXIT_USAGE;
    }
  if (opt_no_synonyms)
    options.analyzer.synonyms = FALSE;
  if (opt_no_stopwords)
    options.analyzer.stopwords = FALSE;
  if (opt_no_stem)
    options.analyzer.stem = FALSE;
  lexicons = absolute (opt_lexicons != NULL ? opt_lexicons : config->lexicons);
  synonyms = absolute (opt_synonyms != NULL ? opt_synonyms : config->synonym_files);
  stopwords = absolute (opt_stopwords != NULL ? opt_stopwords : config->stopword_files);
  options.analyzer.lexicons = (const char * const *) lexicons;
  options.analyzer.synonym_files = (const char * const *) synonyms;
  options.analyzer.stopword_files = (const char * const *) stopwords;
  options.jobs = cli->jobs;
  options.skip_bad = opt_skip_bad;
  options.memory = (guint64) opt_memory << 20;
  options.problem_func = tm_cli_print_problem;

  path = cli->index_path;
  dir = g_path_get_dirname (path);
  if (cli->opt_index == NULL && g_mkdir_with_parents (dir, 0755) != 0)
    {
      g_set_error (error, TM_ERROR, TM_ERROR_IO, _("%s: cannot create the folder"), dir);
      return TM_EXIT_FAILURE;
    }

  if (!tm_index_build ((const char * const *) argv + 1, path, &options, &stats, error))
    return TM_EXIT_FAILURE;
  if (stats.problems > 0)
    {
      g_autofree char *problems = g_strdup_printf (P_("%u problem", "%u problems", stats.problems),
                                                   stats.problems);
      g_autofree char *skipped = g_strdup_printf (P_("%u bad record skipped", "%u bad records skipped",
                                                     stats.bad_records), stats.bad_records);

      /* TRANSLATORS: techmatch index: N problems; N bad records skipped */
      fprintf (stderr, _("techmatch index: %s; %s\n"), problems, skipped);
    }
  if (!opt_quiet)
    printf (_("%s: %u achievements, %u demands, %" PRIu64 " terms, %" PRIu64 " postings, %.1f MB, %.2f s\n"),
            path, stats.records[TM_LIBRARY_ACHIEVEMENT], stats.records[TM_LIBRARY_DEMAND],
            stats.terms, stats.postings, stats.file_size / 1e6, stats.seconds);
  return TM_EXIT_OK;
}

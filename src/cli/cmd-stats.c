/* cmd-stats.c — techmatch stats [-i INDEX]... [--verify | --export-df [-o FILE]]
 *
 * Describes the index, or (--export-df) writes the collection statistics
 * of one or several partitions, summed.  Options: change one, change
 * man/techmatch-stats.1 too.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "tm-cli.h"
#include "tm-commit.h"
#include "tm-error.h"

static char *opt_decisions, *opt_output;
static gboolean opt_verify, opt_export_df;

static GOptionEntry entries[] = {
  { "verify", 0, 0, G_OPTION_ARG_NONE, &opt_verify, N_("Check every checksum, then decode and cross-check everything first"), NULL },
  { "decisions", 'D', 0, G_OPTION_ARG_FILENAME, &opt_decisions,
    N_("The decisions database (default: INDEX.decisions)"), "DB" },
  { "export-df", 0, 0, G_OPTION_ARG_NONE, &opt_export_df,
    N_("Write the collection statistics instead, summed over every -i (techmatch-partitions(7))"), NULL },
  { "output", 'o', 0, G_OPTION_ARG_FILENAME, &opt_output,
    N_("With --export-df: write to FILE (replaced only when complete)"), "FILE" },
  { NULL }
};

/* --export-df: the statistics of every -i, summed, in the format of
 * tm-stats.h.  Each index is opened, read and closed in turn. */
static int
export_df (TmCli *cli, GError **error)
{
  g_autoptr(TmCollectionStats) sum = tm_collection_stats_new ();
  g_autoptr(TmCommitGroup) group = tm_commit_group_new ();
  g_autoptr(GString) text = NULL;
  char *only[2] = { cli->index_path, NULL };
  char **paths = cli->opt_indexes != NULL ? cli->opt_indexes : only;
  FILE *out = stdout;

  for (guint i = 0; paths[i] != NULL; i++)
    {
      g_autoptr(TmIndex) index = NULL;
      g_autoptr(TmCollectionStats) one = NULL;

      if (i == 0 && cli->index != NULL)
        one = tm_collection_stats_from_index (cli->index, error);
      else if ((index = tm_index_open (paths[i], error)) != NULL)
        one = tm_collection_stats_from_index (index, error);
      if (one == NULL)
        return TM_EXIT_INDEX;
      if (!tm_collection_stats_add (sum, one, paths[i], error))
        return TM_EXIT_DATA;
    }
  text = tm_collection_stats_format (sum);
  if (opt_output != NULL && (out = tm_commit_group_open (group, opt_output, error)) == NULL)
    return TM_EXIT_FAILURE;
  if (fwrite (text->str, 1, text->len, out) != text->len || fflush (out) != 0)
    {
      g_set_error (error, TM_ERROR, TM_ERROR_IO, _("writing %s: %s"),
                   opt_output != NULL ? opt_output : _("the standard output"), g_strerror (errno));
      return TM_EXIT_FAILURE;
    }
  if (opt_output != NULL && !tm_commit_group_commit (group, error))
    return TM_EXIT_FAILURE;
  return TM_EXIT_OK;
}

int
tm_cmd_stats (TmCli *cli, int argc, char **argv, GError **error)
{
  g_autoptr(GOptionContext) context = g_option_context_new (NULL);
  g_autoptr(GDateTime) built = NULL;
  g_autoptr(TmSprinter) sp = NULL;
  g_autofree char *when = NULL, *db_path = NULL;
  g_autoptr(TmDecisions) db = NULL;
  g_autoptr(GPtrArray) decisions = NULL;
  guint vanished = 0;
  g_autofree char *weights = NULL;
  const TmAnalyzerOptions *a;
  const double *w;
  const char *path;
  TmIndex *index;
  guint64 postings;
  int status;

  g_option_context_set_summary (context,
    N_("Describe the index: records per library, distinct terms, postings,\n"
       "file size, when and how fast it was built, how it analyzes text."));
  g_option_context_add_main_entries (context, entries, NULL);
  if (!tm_cli_parse (cli, context, &argc, &argv))
    return TM_EXIT_USAGE;
  if (argc > 1)
    {
      fprintf (stderr, _("techmatch stats: unexpected argument '%s'\n"), argv[1]);
      return TM_EXIT_USAGE;
    }
  if (!opt_export_df && ((cli->opt_indexes != NULL && g_strv_length (cli->opt_indexes) > 1) || opt_output != NULL))
    {
      fprintf (stderr, _("techmatch stats: several -i and -o go with --export-df\n"));
      return TM_EXIT_USAGE;
    }
  if (!tm_cli_open (cli, &status, error))
    return status;
  if (opt_export_df)
    return export_df (cli, error);
  index = cli->index;
  path = cli->index_path;
  db_path = tm_config_decisions_path (cli->config, opt_decisions, path);
  if (opt_verify && !tm_index_verify (index, error))
    return TM_EXIT_INDEX;
  postings = tm_index_get_n_postings (index);
  if (!tm_index_check (index, error))
    return TM_EXIT_INDEX;

  /* The decisions beside the index, when there are any: how many, and
   * how many name records the index no longer holds. */
  db = tm_decisions_open (db_path, TM_DECISIONS_READ, cli->config->busy_ms, error);
  if (db == NULL && !g_error_matches (*error, TM_ERROR, TM_ERROR_NOT_FOUND))
    return TM_EXIT_FAILURE;
  g_clear_error (error);
  if (db != NULL && (decisions = tm_decisions_list (db, FALSE, error)) == NULL)
    return TM_EXIT_FAILURE;
  for (guint i = 0; decisions != NULL && i < decisions->len; i++)
    vanished += tm_cli_decision_vanished (index, decisions->pdata[i]) != NULL;

  a = tm_index_get_analyzer_options (index);
  w = tm_index_get_norm_weights (index);
  built = g_date_time_new_from_unix_utc (tm_index_get_build_time (index));
  when = built != NULL ? g_date_time_format_iso8601 (built) : g_strdup ("?");
  weights = g_strdup_printf ("%g,%g,%g", w[0], w[1], w[2]);

  sp = tm_cli_sprinter_stdout (cli, NULL);
  tm_sprinter_begin_document (sp, "stats", 1);
#define INT(k, v) (tm_sprinter_key (sp, k), tm_sprinter_integer (sp, (gint64) (v)))
#define STR(k, v) (tm_sprinter_key (sp, k), tm_sprinter_string (sp, v))
#define BOOL(k, v) (tm_sprinter_key (sp, k), tm_sprinter_boolean (sp, v))
  STR ("index", path);
  INT ("achievements", tm_index_get_n_docs (index, TM_LIBRARY_ACHIEVEMENT));
  INT ("demands", tm_index_get_n_docs (index, TM_LIBRARY_DEMAND));
  INT ("terms", tm_index_get_n_terms (index));
  INT ("postings", postings);
  INT ("file_size", tm_index_get_file_size (index));
  STR ("built", when);
  tm_sprinter_key (sp, "build_seconds");
  tm_sprinter_number (sp, tm_index_get_build_seconds (index), 2);
  STR ("mode", tm_analyzer_mode_name (a->mode));
  BOOL ("synonyms", a->synonyms);
  BOOL ("stopwords", a->stopwords);
  BOOL ("stem", a->stem);
  STR ("weights", weights);
  if (decisions != NULL)
    {
      STR ("decisions_file", db_path);
      INT ("decisions", decisions->len);
      INT ("decisions_vanished", vanished);
    }
  /* The word lists the index was built with, a line each; tree formats
   * have never carried them (version 1). */
  tm_sprinter_only (sp, TM_SPRINTER_TABLE);
  for (const TmWordList * const *p = a->word_lists; p && *p; p++)
    STR ((*p)->kind == TM_WORD_LIST_LEXICON ? "lexicon"
         : (*p)->kind == TM_WORD_LIST_SYNONYMS ? "synonyms_file" : "stopwords_file",
         (*p)->name);
  tm_sprinter_only (sp, TM_SPRINTER_ALL);
#undef INT
#undef STR
#undef BOOL
  tm_sprinter_end (sp);
  if (!tm_sprinter_finish (sp, error))
    return TM_EXIT_FAILURE;
  return TM_EXIT_OK;
}

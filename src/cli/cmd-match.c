/* cmd-match.c — techmatch match [-i INDEX] (--demand ID | --achievement ID |
 *               --text TEXT | --file F | -) [OPTIONS]
 *
 * Ranks one library against a record or a text.  Options: change one,
 * change man/techmatch-match.1 too.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "tm-cli.h"
#include "tm-commit.h"
#include "tm-error.h"
#include "tm-group.h"
#include "tm-limits.h"

static char *opt_demand, *opt_achievement, *opt_text, *opt_file;
static char *opt_top, *opt_terms, *opt_min_trl, *opt_min_score;
static char *opt_model, *opt_weights, *opt_target, *opt_output, *opt_feedback, *opt_semantic;
static char *opt_decisions, *opt_by, *opt_group;
static char **opt_domains, **opt_regions, **opt_ips;
static gboolean opt_explain, opt_header, opt_show_rejected;

/* The defaults are written out in the --help texts (a catalogue's
 * message cannot be put together from macros). */
G_STATIC_ASSERT (TM_DEFAULT_TOP == 10);
G_STATIC_ASSERT (TM_DEFAULT_TERMS == 50);

static GOptionEntry entries[] = {
  { "demand", 'd', 0, G_OPTION_ARG_STRING, &opt_demand, N_("Rank the achievements for this demand"), "ID" },
  { "achievement", 'a', 0, G_OPTION_ARG_STRING, &opt_achievement, N_("Rank the demands for this achievement"), "ID" },
  { "text", 't', 0, G_OPTION_ARG_STRING, &opt_text, N_("Rank for this text (analyzed like a demand)"), "TEXT" },
  { "file", 'f', 0, G_OPTION_ARG_FILENAME, &opt_file, N_("Rank for the text of FILE"), "FILE" },
  { "target", 0, 0, G_OPTION_ARG_STRING, &opt_target,
    N_("For a text: the library to rank, achievement (default) or demand"), "LIBRARY" },
  { "top", 'k', 0, G_OPTION_ARG_STRING, &opt_top, N_("How many results (default 10)"), "K" },
  { "min-score", 0, 0, G_OPTION_ARG_STRING, &opt_min_score, N_("Drop results scoring less"), "S" },
  { "model", 0, 0, G_OPTION_ARG_STRING, &opt_model, N_("tfidf (default, scores 0-1) or bm25"), "MODEL" },
  { "weights", 0, 0, G_OPTION_ARG_STRING, &opt_weights, N_("Field weights title,keywords,body (default 2,1.5,1)"), "T,K,B" },
  { "terms", 0, 0, G_OPTION_ARG_STRING, &opt_terms, N_("Keep the query's N strongest terms; 0 keeps all (default 50)"), "N" },
  { "feedback", 0, 0, G_OPTION_ARG_STRING, &opt_feedback, N_("Feed the top K results back into the query and run it again (0: off, the default)"), "K" },
  { "semantic", 0, 0, G_OPTION_ARG_STRING, &opt_semantic, N_("Weight W of the latent layer in the score, from 0 (off) to 1 (the default: 0.2)"), "W" },
  { "domain", 0, 0, G_OPTION_ARG_STRING_ARRAY, &opt_domains, N_("Only results of this domain (repeatable)"), "DOMAIN" },
  { "region", 0, 0, G_OPTION_ARG_STRING_ARRAY, &opt_regions, N_("Only results whose region holds TEXT (repeatable)"), "TEXT" },
  { "min-trl", 0, 0, G_OPTION_ARG_STRING, &opt_min_trl, N_("Only results of at least this TRL"), "N" },
  { "ip", 0, 0, G_OPTION_ARG_STRING_ARRAY, &opt_ips, N_("Only results with this kind of IP (repeatable)"), "KIND" },
  { "explain", 'e', 0, G_OPTION_ARG_NONE, &opt_explain, N_("Show each result's matched and missing terms"), NULL },
  { "header", 0, 0, G_OPTION_ARG_NONE, &opt_header, N_("Print a header line before TSV rows"), NULL },
  { "output", 'o', 0, G_OPTION_ARG_FILENAME, &opt_output,
    N_("Write to FILE (replaced only when complete)"), "FILE" },
  { "decisions", 'D', 0, G_OPTION_ARG_FILENAME, &opt_decisions,
    N_("The decisions database (default: INDEX.decisions)"), "DB" },
  { "show-rejected", 0, 0, G_OPTION_ARG_NONE, &opt_show_rejected,
    N_("Keep the pairs a manager rejected (marked rejected)"), NULL },
  { "by", 0, 0, G_OPTION_ARG_STRING, &opt_by,
    N_("institution: rank the institutions (enterprises, for an achievement) instead"), "WHAT" },
  { "group", 0, 0, G_OPTION_ARG_STRING, &opt_group,
    N_("With --by: score an institution by the sum (default) or the max of its records"), "HOW" },
  { NULL }
};

/* Fills @o from the configuration and the options; FALSE after printing a
 * usage error.  Shared with explain and batch through tm-cli.h. */
gboolean
tm_cli_match_options (const char *command, const TmConfig *config, TmMatchOptions *o,
                      const char *top, const char *terms, const char *min_score,
                      const char *model, const char *weights, const char *feedback,
                      const char *semantic)
{
  gint64 v;

  tm_match_options_init (o);
  o->score = config->score;
  o->top = config->top;
  o->max_terms = config->terms;
  o->min_score = config->min_score;
  o->feedback = config->feedback;
  o->semantic = config->semantic;
  if (top != NULL)
    {
      if (!tm_cli_parse_int (command, "--top", top, 1, TM_MAX_TOP, &v))
        return FALSE;
      o->top = (guint) v;
    }
  if (terms != NULL)
    {
      if (!tm_cli_parse_int (command, "--terms", terms, 0, TM_MAX_QUERY_TERMS, &v))
        return FALSE;
      o->max_terms = (guint) v;
    }
  if (feedback != NULL)
    {
      if (!tm_cli_parse_int (command, "--feedback", feedback, 0, TM_MAX_FEEDBACK, &v))
        return FALSE;
      o->feedback = (guint) v;
    }
  if (semantic != NULL && !tm_cli_number (semantic, 0, 1, &o->semantic))
    {
      fprintf (stderr, _("techmatch %s: --semantic takes a number from 0 to 1, not '%s'\n"), command, semantic);
      return FALSE;
    }
  if (min_score != NULL && !tm_cli_number (min_score, 0, TM_MAX_MIN_SCORE, &o->min_score))
    {
      fprintf (stderr, _("techmatch %s: --min-score takes a number from 0 to %g, not '%s'\n"),
               command, TM_MAX_MIN_SCORE, min_score);
      return FALSE;
    }
  if (model != NULL && !tm_model_from_name (model, &o->score.model))
    {
      fprintf (stderr, _("techmatch %s: unknown model '%s' (tfidf or bm25)\n"), command, model);
      return FALSE;
    }
  if (weights != NULL)
    {
      g_auto(GStrv) parts = g_strsplit (weights, ",", -1);
      g_autoptr(GError) local = NULL;
      gboolean ok = g_strv_length (parts) == 3;

      for (int f = 0; ok && f < 3; f++)
        ok = tm_cli_number (parts[f], 0, G_MAXDOUBLE, &o->score.weights[f]);
      if (!ok)
        {
          fprintf (stderr, _("techmatch %s: --weights takes three numbers T,K,B, not '%s'\n"),
                   command, weights);
          return FALSE;
        }
      if (!tm_score_params_check (&o->score, &local))
        {
          fprintf (stderr, _("techmatch %s: --weights %s: %s\n"), command, weights, local->message);
          return FALSE;
        }
    }
  return TRUE;
}

/* The pair (@source_doc of the query's library, @target_doc) was
 * rejected: @data is the query's rejected targets. */
static gboolean
exclude_target (TmLibrary target, guint32 source_doc, guint32 target_doc, gpointer data)
{
  return g_hash_table_contains (data, GUINT_TO_POINTER (target_doc));
}

/* The institutions of @results, best first: rank, name, score, how many
 * of its records scored, its best record; in trees, every record. */
static void
print_groups (TmSprinter *sp, const TmIndex *index, const TmResults *results, TmGroupScore how, guint top)
{
  static const char * const columns[] = { "rank", "institution", "score", "records", "best", NULL };
  g_autoptr(GArray) groups = tm_results_group (index, results, how);

  tm_sprinter_columns (sp, columns);
  tm_sprinter_key (sp, "institutions");
  tm_sprinter_begin_list (sp, "institution");
  for (guint i = 0; i < groups->len && (top == 0 || i < top); i++)
    {
      const TmGroup *g = &g_array_index (groups, TmGroup, i);
      const TmResult *best = &g_array_index (results->results, TmResult, g_array_index (g->results, guint, 0));

      tm_sprinter_begin_row (sp);
      tm_sprinter_key (sp, "rank");
      tm_sprinter_integer (sp, i + 1);
      tm_sprinter_key (sp, "institution");
      tm_sprinter_string (sp, g->name);
      tm_sprinter_key (sp, "score");
      tm_sprinter_score (sp, g->score);
      tm_sprinter_key (sp, "records");
      tm_sprinter_integer (sp, g->results->len);
      tm_sprinter_key (sp, "best");
      tm_sprinter_string (sp, tm_index_doc_id (index, results->target, best->doc));
      tm_sprinter_only (sp, TM_SPRINTER_TREE);
      tm_sprinter_key (sp, "results");
      tm_sprinter_begin_list (sp, "result");
      for (guint k = 0; k < g->results->len; k++)
        {
          const TmResult *r = &g_array_index (results->results, TmResult, g_array_index (g->results, guint, k));

          tm_sprinter_begin_row (sp);
          tm_sprinter_key (sp, "id");
          tm_sprinter_string (sp, tm_index_doc_id (index, results->target, r->doc));
          tm_sprinter_key (sp, "score");
          tm_sprinter_score (sp, r->score);
          tm_sprinter_key (sp, "title");
          tm_sprinter_string_or_null (sp, tm_index_doc_title (index, results->target, r->doc));
          tm_sprinter_end (sp);
        }
      tm_sprinter_end (sp);
      tm_sprinter_only (sp, TM_SPRINTER_ALL);
      tm_sprinter_end (sp);
    }
  tm_sprinter_end (sp);
}

static char *
read_stream (FILE *f, const char *name, gsize *len, GError **error)
{
  g_autoptr(GString) s = g_string_new (NULL);
  char buf[65536];
  size_t n;

  while ((n = fread (buf, 1, sizeof buf, f)) > 0)
    {
      g_string_append_len (s, buf, n);
      if (s->len > TM_MAX_RECORD_BYTES)
        {
          g_set_error (error, TM_ERROR, TM_ERROR_LIMIT, _("%s: a query of more than %u bytes (TM_MAX_RECORD_BYTES)"),
                       name, TM_MAX_RECORD_BYTES);
          return NULL;
        }
    }
  if (ferror (f))
    {
      g_set_error (error, TM_ERROR, TM_ERROR_IO, _("%s: reading failed"), name);
      return NULL;
    }
  *len = s->len;
  return g_string_free (g_steal_pointer (&s), FALSE);
}

int
tm_cmd_match (TmCli *cli, int argc, char **argv, GError **error)
{
  static const char * const libraries[] = { "achievement", "demand", NULL };
  g_autoptr(GOptionContext) context = g_option_context_new ("[-]");
  g_autoptr(TmMatcher) matcher = NULL;
  g_autoptr(TmResults) results = NULL;
  g_autoptr(TmSprinter) sp = NULL;
  g_autoptr(TmCommitGroup) group = tm_commit_group_new ();
  FILE *out = stdout;
  g_autofree char *text = NULL, *db_path = NULL;
  g_autoptr(GHashTable) states = NULL, rejected = NULL;
  const TmConfig *config;
  TmIndex *index;
  TmGroupScore how = TM_GROUP_SUM;
  guint top;
  gboolean from_stdin = argc >= 2 && strcmp (argv[argc - 1], "-") == 0;
  TmMatchOptions o;
  TmLibrary target = TM_LIBRARY_ACHIEVEMENT;
  int sources, status;
  gsize len = 0;

  g_option_context_set_summary (context,
    N_("Rank the achievements for a demand (or a text), or the demands for an\n"
       "achievement.  Prints rank, id, score, title and decision, one result\n"
       "a line; with --by institution, the institutions ranked instead."));
  g_option_context_add_main_entries (context, entries, NULL);
  if (!tm_cli_parse (cli, context, &argc, &argv))
    return TM_EXIT_USAGE;
  if (!tm_cli_binary_output ("match", cli->format, opt_output))
    return TM_EXIT_USAGE;
  from_stdin = argc == 2 && strcmp (argv[1], "-") == 0;
  if (argc > 2 || (argc == 2 && !from_stdin))
    {
      fprintf (stderr, _("techmatch match: unexpected argument '%s'\nTry 'techmatch match --help'.\n"), argv[1]);
      return TM_EXIT_USAGE;
    }
  sources = (opt_demand != NULL) + (opt_achievement != NULL) + (opt_text != NULL) + (opt_file != NULL) + from_stdin;
  if (sources != 1)
    {
      fprintf (stderr, _("techmatch match: give one query: --demand ID, --achievement ID, --text TEXT, --file FILE or -\n"));
      return TM_EXIT_USAGE;
    }
  if (opt_target != NULL)
    {
      int t;

      if (!tm_cli_parse_enum (cli, "--target", opt_target, libraries, &t))
        return TM_EXIT_USAGE;
      target = t == 0 ? TM_LIBRARY_ACHIEVEMENT : TM_LIBRARY_DEMAND;
    }
  if (opt_by != NULL && strcmp (opt_by, "institution") != 0)
    {
      fprintf (stderr, _("techmatch match: --by takes institution, not '%s'\n"), opt_by);
      return TM_EXIT_USAGE;
    }
  if (opt_group != NULL && (opt_by == NULL || !tm_group_score_from_name (opt_group, &how)))
    {
      fprintf (stderr, _("techmatch match: --group takes sum or max, with --by institution\n"));
      return TM_EXIT_USAGE;
    }
  if (opt_by != NULL && opt_explain)
    {
      fprintf (stderr, _("techmatch match: --explain explains records, not institutions: not with --by\n"));
      return TM_EXIT_USAGE;
    }
  if ((config = tm_cli_config (cli, error)) == NULL)
    return TM_EXIT_DATA;
  if (!tm_cli_match_options ("match", config, &o, opt_top, opt_terms, opt_min_score, opt_model, opt_weights, opt_feedback, opt_semantic))
    return TM_EXIT_USAGE;
  if (opt_min_trl != NULL)
    {
      gint64 v;
      if (!tm_cli_parse_int ("match", "--min-trl", opt_min_trl, 1, 9, &v))
        return TM_EXIT_USAGE;
      o.min_trl = (int) v;
    }
  o.domains = (const char * const *) opt_domains;
  o.regions = (const char * const *) opt_regions;
  o.ips = (const char * const *) opt_ips;
  o.explain = opt_explain;
  db_path = tm_config_decisions_path (config, opt_decisions, cli->index_path);
  /* Institutions are ranked over every record that scores; --top then
   * counts institutions. */
  top = o.top;
  if (opt_by != NULL)
    o.top = 0;

  /* The query text, before the index: a bad file is reported as such. */
  if (opt_file != NULL)
    {
      FILE *f = g_file_test (opt_file, G_FILE_TEST_IS_DIR) ? NULL : fopen (opt_file, "re");

      if (f == NULL)
        {
          g_set_error (error, TM_ERROR, TM_ERROR_IO, _("%s: cannot read it"), opt_file);
          return TM_EXIT_FAILURE;
        }
      text = read_stream (f, opt_file, &len, error);
      fclose (f);
    }
  else if (from_stdin)
    text = read_stream (stdin, _("standard input"), &len, error);
  else if (opt_text != NULL)
    {
      text = g_strdup (opt_text);
      len = strlen (text);
    }
  if ((opt_file != NULL || from_stdin) && text == NULL)
    return TM_EXIT_FAILURE;

  if (!tm_cli_open (cli, &status, error))
    return status;
  index = cli->index;
  matcher = tm_matcher_new (index, cli->analyzer);

  if (text != NULL)
    results = tm_matcher_run_text (matcher, text, (gssize) len, target, &o, error);
  else
    {
      TmLibrary source = opt_demand != NULL ? TM_LIBRARY_DEMAND : TM_LIBRARY_ACHIEVEMENT;
      const char *id = opt_demand != NULL ? opt_demand : opt_achievement;
      guint32 doc;

      if (!tm_index_find_doc (index, source, id, &doc))
        {
          if (!tm_index_check (index, error))
            return TM_EXIT_INDEX;
          g_set_error (error, TM_ERROR, TM_ERROR_NOT_FOUND, _("no %s with id %s in %s"),
                       tm_library_name (source), id, cli->index_path);
          return TM_EXIT_NOT_FOUND;
        }
      target = source == TM_LIBRARY_DEMAND ? TM_LIBRARY_ACHIEVEMENT : TM_LIBRARY_DEMAND;

      /* The decisions about this record's pairs; rejected ones leave
       * their places to the next results. */
      states = tm_cli_load_decisions (db_path, config->busy_ms, error);
      if (states == NULL)
        return TM_EXIT_FAILURE;
      rejected = g_hash_table_new (NULL, NULL);
      {
        GHashTableIter it;
        gpointer key, value;

        g_hash_table_iter_init (&it, states);
        while (g_hash_table_iter_next (&it, &key, &value))
          {
            g_auto(GStrv) ids = g_strsplit (key, "\t", 2);
            const char *other = source == TM_LIBRARY_DEMAND ? ids[1] : ids[0];
            guint32 t;

            if (GPOINTER_TO_INT (value) == TM_DECISION_REJECTED
                && strcmp (source == TM_LIBRARY_DEMAND ? ids[0] : ids[1], id) == 0
                && tm_index_find_doc (index, target, other, &t))
              g_hash_table_add (rejected, GUINT_TO_POINTER (t));
          }
      }
      if (!opt_show_rejected && g_hash_table_size (rejected) > 0)
        {
          o.exclude = exclude_target;
          o.exclude_data = rejected;
        }
      results = tm_matcher_run_doc (matcher, source, doc, target, &o, error);
    }
  if (results == NULL)
    return TM_EXIT_FAILURE;

  /* A file is written whole or not at all (tm-commit.h). */
  if (opt_output != NULL && (out = tm_commit_group_open (group, opt_output, error)) == NULL)
    return TM_EXIT_FAILURE;
  sp = tm_sprinter_new (cli->format, out, opt_output != NULL ? opt_output : _("standard output"),
                        &(TmSprinterOptions) { .header = opt_header }, error);
  if (sp == NULL)
    return TM_EXIT_FAILURE;
  tm_sprinter_begin_document (sp, "match", 1);
  /* What was asked: tree formats only (a line format's lines are the
   * results). */
  tm_sprinter_only (sp, TM_SPRINTER_TREE);
  tm_sprinter_key (sp, "query");
  tm_sprinter_begin_map (sp);
  tm_sprinter_key (sp, "type");
  tm_sprinter_string (sp, opt_demand ? "demand" : opt_achievement ? "achievement" : "text");
  if (opt_demand || opt_achievement)
    {
      tm_sprinter_key (sp, "id");
      tm_sprinter_string (sp, opt_demand ? opt_demand : opt_achievement);
    }
  tm_sprinter_key (sp, "terms");
  tm_sprinter_integer (sp, results->n_used_terms);
  tm_sprinter_end (sp);
  tm_sprinter_key (sp, "target");
  tm_sprinter_string (sp, tm_library_name (results->target));
  tm_sprinter_key (sp, "model");
  tm_sprinter_string (sp, tm_model_name (o.score.model));
  if (opt_by != NULL)
    {
      tm_sprinter_key (sp, "by");
      tm_sprinter_string (sp, opt_by);
      tm_sprinter_key (sp, "group");
      tm_sprinter_string (sp, how == TM_GROUP_SUM ? "sum" : "max");
    }
  tm_sprinter_only (sp, TM_SPRINTER_ALL);
  if (opt_by != NULL)
    print_groups (sp, index, results, how, top);
  else
    tm_output_results (sp, index, results, opt_explain, states,
                       text == NULL ? (opt_demand ? opt_demand : opt_achievement) : NULL);
  tm_sprinter_end (sp);
  if (!tm_sprinter_finish (sp, error) || !tm_commit_group_commit (group, error))
    return TM_EXIT_FAILURE;
  return TM_EXIT_OK;
}

/* cmd-explain.c — techmatch explain [-i INDEX] --demand ID --achievement ID
 *
 * The full breakdown of one pair's score, from the same scoring code as
 * match.  Options: change one, change man/techmatch-explain.1 too.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "tm-cli.h"
#include "tm-error.h"

static char *opt_demand, *opt_achievement;
static char *opt_model, *opt_weights, *opt_terms, *opt_feedback, *opt_semantic;
static gboolean opt_reverse;

static GOptionEntry entries[] = {
  { "demand", 'd', 0, G_OPTION_ARG_STRING, &opt_demand, N_("The demand"), "ID" },
  { "achievement", 'a', 0, G_OPTION_ARG_STRING, &opt_achievement, N_("The achievement"), "ID" },
  { "reverse", 0, 0, G_OPTION_ARG_NONE, &opt_reverse,
    N_("Score the demand for the achievement (as match --achievement does)"), NULL },
  { "model", 0, 0, G_OPTION_ARG_STRING, &opt_model, N_("tfidf (default) or bm25"), "MODEL" },
  { "weights", 0, 0, G_OPTION_ARG_STRING, &opt_weights, N_("Field weights title,keywords,body"), "T,K,B" },
  { "terms", 0, 0, G_OPTION_ARG_STRING, &opt_terms, N_("Keep the query's N strongest terms; 0 keeps all"), "N" },
  { "feedback", 0, 0, G_OPTION_ARG_STRING, &opt_feedback, N_("Feed the top K results back into the query and run it again (0: off, the default)"), "K" },
  { "semantic", 0, 0, G_OPTION_ARG_STRING, &opt_semantic, N_("Weight W of the latent layer in the score, from 0 (off) to 1 (the default: 0.2)"), "W" },
  { NULL }
};

static gboolean
find (const TmIndex *index, TmLibrary library, const char *id, const char *path, guint32 *doc, GError **error)
{
  if (tm_index_find_doc (index, library, id, doc))
    return TRUE;
  if (tm_index_check (index, error))
    g_set_error (error, TM_ERROR, TM_ERROR_NOT_FOUND, _("no %s with id %s in %s"),
                 tm_library_name (library), id, path);
  return FALSE;
}

/* With --feedback: the documents fed back and the terms they added to
 * the query, with their weights in it.  Trees: a map "feedback" with
 * "documents" and a list "added" of {term, weight}; tables: one line,
 * "feedback", the documents, then term=weight for each added term. */
static void
print_feedback (TmSprinter *sp, const TmResults *results)
{
  g_autoptr(GString) line = g_string_new (NULL);
  guint n = results->feedback != NULL ? results->feedback->len : 0;

  tm_sprinter_only (sp, TM_SPRINTER_TREE);
  tm_sprinter_key (sp, "feedback");
  tm_sprinter_begin_map (sp);
  tm_sprinter_key (sp, "documents");
  tm_sprinter_integer (sp, results->n_feedback_docs);
  tm_sprinter_key (sp, "added");
  tm_sprinter_begin_list (sp, "term");
  for (guint i = 0; i < n; i++)
    {
      const TmFeedbackTerm *f = &g_array_index (results->feedback, TmFeedbackTerm, i);

      tm_sprinter_begin_map (sp);
      tm_sprinter_key (sp, "term");
      tm_sprinter_string (sp, f->term);
      tm_sprinter_key (sp, "weight");
      tm_sprinter_score (sp, f->weight);
      tm_sprinter_end (sp);
    }
  tm_sprinter_end (sp);
  tm_sprinter_end (sp);

  tm_sprinter_only (sp, TM_SPRINTER_TABLE);
  for (guint i = 0; i < n; i++)
    {
      const TmFeedbackTerm *f = &g_array_index (results->feedback, TmFeedbackTerm, i);

      g_string_append_printf (line, "%s%s=%.4f", i > 0 ? " " : "", f->term, tm_output_round (f->weight));
    }
  tm_sprinter_key (sp, "feedback");
  tm_sprinter_integer (sp, results->n_feedback_docs);
  tm_sprinter_string (sp, line->str);
  tm_sprinter_only (sp, TM_SPRINTER_ALL);
}

/* With the latent layer (--semantic above 0, an index that has one):
 * trees say the weight w ("semantic") and the pair's latent cosine, share
 * and neighbours (a map "latent", tm_output_latent()); tables
 * one line, "latent", the weight, the cosine, the share (w × max(cosine,
 * 0)), then "term ≈ neighbour, neighbour" for each query term the
 * achievement lacks, separated by "; ". */
static void
print_latent (TmSprinter *sp, const TmResults *results, const TmResult *r)
{
  g_autoptr(GString) line = g_string_new (NULL);
  guint n = r != NULL && r->neighbours != NULL ? r->neighbours->len : 0;

  tm_sprinter_only (sp, TM_SPRINTER_TREE);
  tm_sprinter_key (sp, "semantic");
  tm_sprinter_score (sp, results->semantic);
  if (r != NULL)
    tm_output_latent (sp, r);

  tm_sprinter_only (sp, TM_SPRINTER_TABLE);
  for (guint i = 0; i < n; i++)
    {
      const TmNeighbour *nb = &g_array_index (r->neighbours, TmNeighbour, i);
      gboolean same = i > 0 && strcmp (nb->query_term,
                                       g_array_index (r->neighbours, TmNeighbour, i - 1).query_term) == 0;

      if (same)
        g_string_append_printf (line, ", %s", nb->term);
      else
        g_string_append_printf (line, "%s%s ≈ %s", i > 0 ? "; " : "", nb->query_term, nb->term);
    }
  tm_sprinter_key (sp, "latent");
  tm_sprinter_score (sp, results->semantic);
  tm_sprinter_score (sp, r != NULL ? r->latent : 0);
  tm_sprinter_score (sp, r != NULL ? r->latent_share : 0);
  tm_sprinter_string (sp, line->str);
  tm_sprinter_only (sp, TM_SPRINTER_ALL);
}

int
tm_cmd_explain (TmCli *cli, int argc, char **argv, GError **error)
{
  g_autoptr(GOptionContext) context = g_option_context_new (NULL);
  g_autoptr(TmMatcher) matcher = NULL;
  g_autoptr(TmResults) results = NULL;
  g_autoptr(TmSprinter) sp = NULL;
  g_autofree char *terms = NULL;
  static const char * const columns[] = {
    "#", "term", "title", "keywords", "body", "idf", "query_weight", "doc_weight", "contribution", NULL
  };
  const TmConfig *config;
  const char *path;
  TmIndex *index;
  TmMatchOptions o;
  int status;
  TmLibrary source, target;
  guint32 ddoc, adoc;
  const TmResult *r = NULL;
  double score = 0;

  g_option_context_set_summary (context,
    N_("Show how a demand and an achievement score against each other: every\n"
       "term they share with its frequencies, idf, weights and share of the\n"
       "score, and the query's strong terms the other lacks."));
  g_option_context_add_main_entries (context, entries, NULL);
  if (!tm_cli_parse (cli, context, &argc, &argv))
    return TM_EXIT_USAGE;
  if (opt_demand == NULL || opt_achievement == NULL || argc > 1)
    {
      fprintf (stderr, _("techmatch explain: give --demand ID and --achievement ID\nTry 'techmatch explain --help'.\n"));
      return TM_EXIT_USAGE;
    }
  if ((config = tm_cli_config (cli, error)) == NULL)
    return TM_EXIT_DATA;
  if (!tm_cli_match_options ("explain", config, &o, NULL, opt_terms, NULL, opt_model, opt_weights, opt_feedback, opt_semantic))
    return TM_EXIT_USAGE;
  if (!tm_cli_open (cli, &status, error))
    return status;
  index = cli->index;
  path = cli->index_path;
  if (!find (index, TM_LIBRARY_DEMAND, opt_demand, path, &ddoc, error)
      || !find (index, TM_LIBRARY_ACHIEVEMENT, opt_achievement, path, &adoc, error))
    return g_error_matches (*error, TM_ERROR, TM_ERROR_NOT_FOUND) ? TM_EXIT_NOT_FOUND : TM_EXIT_INDEX;

  source = opt_reverse ? TM_LIBRARY_ACHIEVEMENT : TM_LIBRARY_DEMAND;
  target = opt_reverse ? TM_LIBRARY_DEMAND : TM_LIBRARY_ACHIEVEMENT;
  o.top = 1;
  o.min_score = 0;
  o.explain = TRUE;
  o.only_doc = opt_reverse ? ddoc : adoc;
  matcher = tm_matcher_new (index, cli->analyzer);
  results = tm_matcher_run_doc (matcher, source, opt_reverse ? adoc : ddoc, target, &o, error);
  if (results == NULL)
    return TM_EXIT_FAILURE;
  if (results->results->len > 0)
    {
      r = &g_array_index (results->results, TmResult, 0);
      score = r->score;
    }
  terms = g_strdup_printf ("%u of %u", results->n_used_terms, results->n_query_terms);

  /* The breakdown always has its column names (explain has no --header). */
  sp = tm_cli_sprinter_stdout (cli, &(TmSprinterOptions) { .header = TRUE });
  tm_sprinter_begin_document (sp, "explain", 1);
  tm_sprinter_key (sp, "demand");
  tm_sprinter_string (sp, opt_demand);
  /* Table lines name each record with its title too. */
  tm_sprinter_only (sp, TM_SPRINTER_TABLE);
  tm_sprinter_string (sp, tm_index_doc_title (index, TM_LIBRARY_DEMAND, ddoc));
  tm_sprinter_only (sp, TM_SPRINTER_ALL);
  tm_sprinter_key (sp, "achievement");
  tm_sprinter_string (sp, opt_achievement);
  tm_sprinter_only (sp, TM_SPRINTER_TABLE);
  tm_sprinter_string (sp, tm_index_doc_title (index, TM_LIBRARY_ACHIEVEMENT, adoc));
  tm_sprinter_only (sp, TM_SPRINTER_ALL);
  tm_sprinter_key (sp, "query");
  tm_sprinter_string (sp, tm_library_name (source));
  tm_sprinter_key (sp, "model");
  tm_sprinter_string (sp, tm_model_name (o.score.model));
  tm_sprinter_key (sp, "score");
  tm_sprinter_score (sp, score);
  tm_sprinter_only (sp, TM_SPRINTER_TREE);
  tm_sprinter_key (sp, "query_terms");
  tm_sprinter_integer (sp, results->n_query_terms);
  tm_sprinter_key (sp, "used_terms");
  tm_sprinter_integer (sp, results->n_used_terms);
  /* Table formats say both on one line. */
  tm_sprinter_only (sp, TM_SPRINTER_TABLE);
  tm_sprinter_key (sp, "terms");
  tm_sprinter_string (sp, terms);
  tm_sprinter_only (sp, TM_SPRINTER_ALL);
  if (o.feedback > 0)
    print_feedback (sp, results);
  if (results->semantic > 0)
    print_latent (sp, results, r);
  tm_sprinter_columns (sp, columns);
  if (r != NULL)
    tm_output_explanation (sp, r);
  tm_sprinter_end (sp);
  if (!tm_sprinter_finish (sp, error))
    return TM_EXIT_FAILURE;
  return TM_EXIT_OK;
}

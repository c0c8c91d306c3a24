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

static char *opt_index, *opt_demand, *opt_achievement, *opt_format;
static char *opt_model, *opt_weights, *opt_terms;
static gboolean opt_reverse;

static GOptionEntry entries[] = {
  { "index", 'i', 0, G_OPTION_ARG_FILENAME, &opt_index, "The index (default: see techmatch(1))", "INDEX" },
  { "demand", 'd', 0, G_OPTION_ARG_STRING, &opt_demand, "The demand", "ID" },
  { "achievement", 'a', 0, G_OPTION_ARG_STRING, &opt_achievement, "The achievement", "ID" },
  { "reverse", 0, 0, G_OPTION_ARG_NONE, &opt_reverse,
    "Score the demand for the achievement (as match --achievement does)", NULL },
  { "model", 0, 0, G_OPTION_ARG_STRING, &opt_model, "tfidf (default) or bm25", "MODEL" },
  { "weights", 0, 0, G_OPTION_ARG_STRING, &opt_weights, "Field weights title,keywords,body", "T,K,B" },
  { "terms", 0, 0, G_OPTION_ARG_STRING, &opt_terms, "Keep the query's N strongest terms; 0 keeps all", "N" },
  { "format", 0, 0, G_OPTION_ARG_STRING, &opt_format, "tsv (default) or json", "FORMAT" },
  { NULL }
};

static gboolean
find (const TmIndex *index, TmLibrary library, const char *id, const char *path, guint32 *doc, GError **error)
{
  if (tm_index_find_doc (index, library, id, doc))
    return TRUE;
  if (tm_index_check (index, error))
    g_set_error (error, TM_ERROR, TM_ERROR_NOT_FOUND, "no %s with id %s in %s",
                 tm_library_name (library), id, path);
  return FALSE;
}

int
tm_cmd_explain (int argc, char **argv, GError **error)
{
  g_autoptr(GOptionContext) context = g_option_context_new (NULL);
  g_autoptr(TmIndex) index = NULL;
  g_autoptr(TmAnalyzer) analyzer = NULL;
  g_autoptr(TmMatcher) matcher = NULL;
  g_autoptr(TmResults) results = NULL;
  g_autofree char *path = NULL;
  TmMatchOptions o;
  TmConfig config;
  TmLibrary source, target;
  guint32 ddoc, adoc;
  const TmResult *r = NULL;
  double score = 0;

  g_option_context_set_summary (context,
    "Show how a demand and an achievement score against each other: every\n"
    "term they share with its frequencies, idf, weights and share of the\n"
    "score, and the query's strong terms the other lacks.");
  g_option_context_add_main_entries (context, entries, NULL);
  if (!tm_cli_parse (context, "explain", &argc, &argv))
    return TM_EXIT_USAGE;
  if (opt_demand == NULL || opt_achievement == NULL || argc > 1)
    {
      fprintf (stderr, "techmatch explain: give --demand ID and --achievement ID\nTry 'techmatch explain --help'.\n");
      return TM_EXIT_USAGE;
    }
  if (opt_format != NULL && strcmp (opt_format, "tsv") != 0 && strcmp (opt_format, "json") != 0)
    {
      fprintf (stderr, "techmatch explain: unknown format '%s' (tsv or json)\n", opt_format);
      return TM_EXIT_USAGE;
    }
  if (!tm_config_load (&config, error))
    return TM_EXIT_DATA;
  if (!tm_cli_match_options ("explain", &config, &o, NULL, opt_terms, NULL, opt_model, opt_weights))
    {
      tm_config_clear (&config);
      return TM_EXIT_USAGE;
    }
  path = tm_config_index_path (&config, opt_index);
  tm_config_clear (&config);
  if (!tm_cli_open_index (path, &index, &analyzer, error))
    return TM_EXIT_INDEX;
  if (!find (index, TM_LIBRARY_DEMAND, opt_demand, path, &ddoc, error)
      || !find (index, TM_LIBRARY_ACHIEVEMENT, opt_achievement, path, &adoc, error))
    return g_error_matches (*error, TM_ERROR, TM_ERROR_NOT_FOUND) ? TM_EXIT_NOT_FOUND : TM_EXIT_INDEX;

  source = opt_reverse ? TM_LIBRARY_ACHIEVEMENT : TM_LIBRARY_DEMAND;
  target = opt_reverse ? TM_LIBRARY_DEMAND : TM_LIBRARY_ACHIEVEMENT;
  o.top = 1;
  o.min_score = 0;
  o.explain = TRUE;
  o.only_doc = opt_reverse ? ddoc : adoc;
  matcher = tm_matcher_new (index, analyzer);
  results = tm_matcher_run_doc (matcher, source, opt_reverse ? adoc : ddoc, target, &o, error);
  if (results == NULL)
    return TM_EXIT_FAILURE;
  if (results->results->len > 0)
    {
      r = &g_array_index (results->results, TmResult, 0);
      score = r->score;
    }

  if (g_strcmp0 (opt_format, "json") == 0)
    {
      g_autoptr(JsonBuilder) b = json_builder_new ();

      json_builder_begin_object (b);
      json_builder_set_member_name (b, "version");
      json_builder_add_int_value (b, 1);
      json_builder_set_member_name (b, "demand");
      json_builder_add_string_value (b, opt_demand);
      json_builder_set_member_name (b, "achievement");
      json_builder_add_string_value (b, opt_achievement);
      json_builder_set_member_name (b, "query");
      json_builder_add_string_value (b, tm_library_name (source));
      json_builder_set_member_name (b, "model");
      json_builder_add_string_value (b, tm_model_name (o.score.model));
      json_builder_set_member_name (b, "score");
      json_builder_add_double_value (b, tm_output_round (score));
      json_builder_set_member_name (b, "query_terms");
      json_builder_add_int_value (b, results->n_query_terms);
      json_builder_set_member_name (b, "used_terms");
      json_builder_add_int_value (b, results->n_used_terms);
      if (r != NULL)
        tm_output_json_explanation (b, r);
      json_builder_end_object (b);
      tm_cli_print_json (b);
      return TM_EXIT_OK;
    }

  printf ("demand\t%s\t%s\n", opt_demand, tm_index_doc_title (index, TM_LIBRARY_DEMAND, ddoc));
  printf ("achievement\t%s\t%s\n", opt_achievement, tm_index_doc_title (index, TM_LIBRARY_ACHIEVEMENT, adoc));
  printf ("query\t%s\n", tm_library_name (source));
  printf ("model\t%s\n", tm_model_name (o.score.model));
  printf ("score\t%.4f\n", tm_output_round (score));
  printf ("terms\t%u of %u\n", results->n_used_terms, results->n_query_terms);
  printf ("#\tterm\ttitle\tkeywords\tbody\tidf\tquery_weight\tdoc_weight\tcontribution\n");
  for (guint j = 0; r != NULL && j < r->contributions->len; j++)
    {
      const TmContribution *c = &g_array_index (r->contributions, TmContribution, j);

      printf ("+\t%s\t%u\t%u\t%u\t%.4f\t%.4f\t%.4f\t%.4f\n", c->term, c->tf[0], c->tf[1], c->tf[2],
              c->idf, c->query_weight, c->doc_weight, c->contribution);
    }
  for (guint j = 0; r != NULL && j < r->missing->len; j++)
    printf ("-\t%s\n", (const char *) r->missing->pdata[j]);
  return TM_EXIT_OK;
}

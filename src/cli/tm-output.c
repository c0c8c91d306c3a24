/* tm-output.c — the parts of the output that several commands print, on
 * the printer of tm-sprinter.h: match's results (also batch's report),
 * and the breakdown of a score (explain, match --explain).  The formats
 * are versioned and documented in techmatch-match(1) and
 * techmatch-explain(1). */
#include "config.h"

#include <math.h>
#include <stdio.h>

#include "tm-cli.h"

double
tm_output_round (double score)
{
  return round (score * 1e4) / 1e4;
}

void
tm_output_explanation (TmSprinter *sp, const TmResult *r)
{
  tm_sprinter_prefix (sp, "+");
  tm_sprinter_key (sp, "terms");
  tm_sprinter_begin_list (sp, "term");
  for (guint j = 0; j < r->contributions->len; j++)
    {
      const TmContribution *c = &g_array_index (r->contributions, TmContribution, j);

      tm_sprinter_begin_row (sp);
      tm_sprinter_key (sp, "term");
      tm_sprinter_string (sp, c->term);
      tm_sprinter_key (sp, "tf");
      tm_sprinter_begin_map (sp);
      for (int f = 0; f < TM_N_IFIELDS; f++)
        {
          tm_sprinter_key (sp, tm_index_field_name (f));
          tm_sprinter_integer (sp, c->tf[f]);
        }
      tm_sprinter_end (sp);
      tm_sprinter_key (sp, "idf");
      tm_sprinter_score (sp, c->idf);
      tm_sprinter_key (sp, "query_weight");
      tm_sprinter_score (sp, c->query_weight);
      tm_sprinter_key (sp, "doc_weight");
      tm_sprinter_score (sp, c->doc_weight);
      tm_sprinter_key (sp, "contribution");
      tm_sprinter_score (sp, c->contribution);
      tm_sprinter_end (sp);
    }
  tm_sprinter_end (sp);
  tm_sprinter_prefix (sp, "-");
  tm_sprinter_key (sp, "missing");
  tm_sprinter_begin_list (sp, "term");
  for (guint j = 0; j < r->missing->len; j++)
    tm_sprinter_string (sp, r->missing->pdata[j]);
  tm_sprinter_end (sp);
  tm_sprinter_prefix (sp, NULL);
}

void
tm_output_latent (TmSprinter *sp, const TmResult *r)
{
  if (r->neighbours == NULL)
    return;
  tm_sprinter_key (sp, "latent");
  tm_sprinter_begin_map (sp);
  tm_sprinter_key (sp, "cosine");
  tm_sprinter_score (sp, r->latent);
  tm_sprinter_key (sp, "share");
  tm_sprinter_score (sp, r->latent_share);
  tm_sprinter_key (sp, "neighbours");
  tm_sprinter_begin_list (sp, "neighbour");
  for (guint i = 0; i < r->neighbours->len; i++)
    {
      const TmNeighbour *nb = &g_array_index (r->neighbours, TmNeighbour, i);

      tm_sprinter_begin_map (sp);
      tm_sprinter_key (sp, "query_term");
      tm_sprinter_string (sp, nb->query_term);
      tm_sprinter_key (sp, "term");
      tm_sprinter_string (sp, nb->term);
      tm_sprinter_key (sp, "similarity");
      tm_sprinter_score (sp, nb->similarity);
      tm_sprinter_end (sp);
    }
  tm_sprinter_end (sp);
  tm_sprinter_end (sp);
}

/* match --explain in table formats: a line per term under its result,
 * "#", "+", the term, its frequencies, idf and share; with the latent
 * layer, "#", "~", "latent", its cosine and its share; "#", "-" and each
 * missing term. */
static void
explanation_lines (TmSprinter *sp, const TmResult *r)
{
  for (guint j = 0; j < r->contributions->len; j++)
    {
      const TmContribution *c = &g_array_index (r->contributions, TmContribution, j);
      g_autofree char *tf = g_strdup_printf ("title=%u,keywords=%u,body=%u", c->tf[0], c->tf[1], c->tf[2]);
      g_autofree char *idf = g_strdup_printf ("idf=%.4f", tm_output_round (c->idf));

      tm_sprinter_begin_row (sp);
      tm_sprinter_string (sp, "#");
      tm_sprinter_string (sp, "+");
      tm_sprinter_string (sp, c->term);
      tm_sprinter_string (sp, tf);
      tm_sprinter_string (sp, idf);
      tm_sprinter_score (sp, c->contribution);
      tm_sprinter_end (sp);
    }
  if (r->neighbours != NULL)
    {
      g_autofree char *cosine = g_strdup_printf ("cosine=%.4f", tm_output_round (r->latent));

      tm_sprinter_begin_row (sp);
      tm_sprinter_string (sp, "#");
      tm_sprinter_string (sp, "~");
      tm_sprinter_string (sp, "latent");
      tm_sprinter_string (sp, cosine);
      tm_sprinter_string (sp, "");
      tm_sprinter_score (sp, r->latent_share);
      tm_sprinter_end (sp);
    }
  for (guint j = 0; j < r->missing->len; j++)
    {
      tm_sprinter_begin_row (sp);
      tm_sprinter_string (sp, "#");
      tm_sprinter_string (sp, "-");
      tm_sprinter_string (sp, r->missing->pdata[j]);
      tm_sprinter_end (sp);
    }
}

void
tm_output_results (TmSprinter *sp, const TmIndex *index, const TmResults *results, gboolean explain,
                   GHashTable *states, const char *query_id)
{
  static const char * const columns[] = { "rank", "id", "score", "title", "decision", NULL };
  TmLibrary t = results->target;

  tm_sprinter_columns (sp, columns);
  tm_sprinter_key (sp, "results");
  tm_sprinter_begin_list (sp, "result");
  for (guint i = 0; i < results->results->len; i++)
    {
      const TmResult *r = &g_array_index (results->results, TmResult, i);
      int trl = tm_index_doc_trl (index, t, r->doc);

      tm_sprinter_begin_row (sp);
      tm_sprinter_key (sp, "rank");
      tm_sprinter_integer (sp, i + 1);
      tm_sprinter_key (sp, "id");
      tm_sprinter_string (sp, tm_index_doc_id (index, t, r->doc));
      tm_sprinter_key (sp, "score");
      tm_sprinter_score (sp, r->score);
      tm_sprinter_key (sp, "title");
      tm_sprinter_string_or_null (sp, tm_index_doc_title (index, t, r->doc));
      {
        const char *id = tm_index_doc_id (index, t, r->doc);
        gboolean to_a = t == TM_LIBRARY_ACHIEVEMENT;

        /* Format 2: the decision about the pair, when the query is a record. */
        tm_cli_print_decision (sp, query_id == NULL ? NULL
                               : tm_cli_decision_of (states, to_a ? query_id : id, to_a ? id : query_id));
      }
      /* The table lines stop at the decision: the rest is for programs. */
      tm_sprinter_only (sp, TM_SPRINTER_TREE);
      tm_sprinter_key (sp, t == TM_LIBRARY_DEMAND ? "org" : "institution");
      tm_sprinter_string_or_null (sp, tm_index_doc_org (index, t, r->doc));
      tm_sprinter_key (sp, "domain");
      tm_sprinter_string_or_null (sp, tm_index_doc_domain (index, t, r->doc));
      tm_sprinter_key (sp, "region");
      tm_sprinter_string_or_null (sp, tm_index_doc_region (index, t, r->doc));
      tm_sprinter_key (sp, "trl");
      if (trl > 0)
        tm_sprinter_integer (sp, trl);
      else
        tm_sprinter_null (sp);
      if (explain && r->contributions != NULL)
        {
          tm_sprinter_key (sp, "explain");
          tm_sprinter_begin_map (sp);
          tm_output_explanation (sp, r);
          tm_output_latent (sp, r);
          tm_sprinter_end (sp);
        }
      tm_sprinter_only (sp, TM_SPRINTER_ALL);
      tm_sprinter_end (sp);
      if (explain && r->contributions != NULL)
        {
          tm_sprinter_only (sp, TM_SPRINTER_TABLE);
          explanation_lines (sp, r);
          tm_sprinter_only (sp, TM_SPRINTER_ALL);
        }
    }
  tm_sprinter_end (sp);
}

/* tm-output.c — how match, explain and batch print results: one place
 * for each machine format, so they cannot drift apart.  The formats are
 * versioned and documented in techmatch-match(1). */
#include "config.h"

#include <math.h>
#include <stdio.h>

#include "tm-cli.h"

/* Scores print with 4 decimals, in TSV and JSON alike. */
double
tm_output_round (double score)
{
  return round (score * 1e4) / 1e4;
}

static void
tsv_field (const char *s)
{
  /* Tabs and line breaks would break the row: they become spaces. */
  for (; *s != '\0'; s++)
    putchar (*s == '\t' || *s == '\n' || *s == '\r' ? ' ' : *s);
}

static void
tsv_explanation (const TmResult *r)
{
  for (guint j = 0; j < r->contributions->len; j++)
    {
      const TmContribution *c = &g_array_index (r->contributions, TmContribution, j);

      printf ("#\t+\t");
      tsv_field (c->term);
      printf ("\ttitle=%u,keywords=%u,body=%u\tidf=%.4f\t%.4f\n",
              c->tf[0], c->tf[1], c->tf[2], c->idf, c->contribution);
    }
  for (guint j = 0; j < r->missing->len; j++)
    {
      printf ("#\t-\t");
      tsv_field (r->missing->pdata[j]);
      putchar ('\n');
    }
}

void
tm_output_tsv (const TmIndex *index, const TmResults *results, gboolean explain)
{
  for (guint i = 0; i < results->results->len; i++)
    {
      const TmResult *r = &g_array_index (results->results, TmResult, i);

      printf ("%u\t%s\t%.4f\t", i + 1, tm_index_doc_id (index, results->target, r->doc),
              tm_output_round (r->score));
      tsv_field (tm_index_doc_title (index, results->target, r->doc));
      putchar ('\n');
      if (explain && r->contributions != NULL)
        tsv_explanation (r);
    }
}

static void
json_string_or_null (JsonBuilder *b, const char *name, const char *value)
{
  json_builder_set_member_name (b, name);
  if (value != NULL && value[0] != '\0')
    json_builder_add_string_value (b, value);
  else
    json_builder_add_null_value (b);
}

void
tm_output_json_explanation (JsonBuilder *b, const TmResult *r)
{
  json_builder_set_member_name (b, "terms");
  json_builder_begin_array (b);
  for (guint j = 0; j < r->contributions->len; j++)
    {
      const TmContribution *c = &g_array_index (r->contributions, TmContribution, j);

      json_builder_begin_object (b);
      json_builder_set_member_name (b, "term");
      json_builder_add_string_value (b, c->term);
      json_builder_set_member_name (b, "tf");
      json_builder_begin_object (b);
      for (int f = 0; f < TM_N_IFIELDS; f++)
        {
          json_builder_set_member_name (b, tm_index_field_name (f));
          json_builder_add_int_value (b, c->tf[f]);
        }
      json_builder_end_object (b);
      json_builder_set_member_name (b, "idf");
      json_builder_add_double_value (b, tm_output_round (c->idf));
      json_builder_set_member_name (b, "query_weight");
      json_builder_add_double_value (b, tm_output_round (c->query_weight));
      json_builder_set_member_name (b, "doc_weight");
      json_builder_add_double_value (b, tm_output_round (c->doc_weight));
      json_builder_set_member_name (b, "contribution");
      json_builder_add_double_value (b, tm_output_round (c->contribution));
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
  json_builder_set_member_name (b, "missing");
  json_builder_begin_array (b);
  for (guint j = 0; j < r->missing->len; j++)
    json_builder_add_string_value (b, r->missing->pdata[j]);
  json_builder_end_array (b);
}

void
tm_output_json_results (JsonBuilder *b, const TmIndex *index, const TmResults *results, gboolean explain)
{
  json_builder_set_member_name (b, "results");
  json_builder_begin_array (b);
  for (guint i = 0; i < results->results->len; i++)
    {
      const TmResult *r = &g_array_index (results->results, TmResult, i);
      TmLibrary t = results->target;
      int trl = tm_index_doc_trl (index, t, r->doc);

      json_builder_begin_object (b);
      json_builder_set_member_name (b, "rank");
      json_builder_add_int_value (b, i + 1);
      json_builder_set_member_name (b, "id");
      json_builder_add_string_value (b, tm_index_doc_id (index, t, r->doc));
      json_builder_set_member_name (b, "score");
      json_builder_add_double_value (b, tm_output_round (r->score));
      json_string_or_null (b, "title", tm_index_doc_title (index, t, r->doc));
      json_string_or_null (b, t == TM_LIBRARY_DEMAND ? "org" : "institution", tm_index_doc_org (index, t, r->doc));
      json_string_or_null (b, "domain", tm_index_doc_domain (index, t, r->doc));
      json_string_or_null (b, "region", tm_index_doc_region (index, t, r->doc));
      json_builder_set_member_name (b, "trl");
      if (trl > 0)
        json_builder_add_int_value (b, trl);
      else
        json_builder_add_null_value (b);
      if (explain && r->contributions != NULL)
        {
          json_builder_set_member_name (b, "explain");
          json_builder_begin_object (b);
          tm_output_json_explanation (b, r);
          json_builder_end_object (b);
        }
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
}

/* tm-summary.c — the summary of a batch run (tm-summary.h). */
#include "config.h"

#include <string.h>

#include "tm-summary.h"

static TmDomainSummary *
domain_of (GHashTable *by_name, GArray *domains, const char *name)
{
  gpointer pos;

  if (!g_hash_table_lookup_extended (by_name, name, NULL, &pos))
    {
      TmDomainSummary d;

      memset (&d, 0, sizeof d);
      d.domain = g_strdup (name);
      g_array_append_val (domains, d);
      pos = GUINT_TO_POINTER (domains->len);
      g_hash_table_insert (by_name, (gpointer) name, pos);
    }
  return &g_array_index (domains, TmDomainSummary, GPOINTER_TO_UINT (pos) - 1);
}

static int
compare_domains (gconstpointer a, gconstpointer b)
{
  const TmDomainSummary *x = a, *y = b;

  /* Records without a domain last. */
  if ((x->domain[0] == '\0') != (y->domain[0] == '\0'))
    return x->domain[0] == '\0' ? 1 : -1;
  return strcmp (x->domain, y->domain);
}

TmSummary *
tm_summary_new (const TmIndex *index, TmBatch *const batches[2], double threshold)
{
  TmSummary *s = g_new0 (TmSummary, 1);
  guint nd = tm_index_get_n_docs (index, TM_LIBRARY_DEMAND);
  guint na = tm_index_get_n_docs (index, TM_LIBRARY_ACHIEVEMENT);
  g_autofree double *dbest = g_new0 (double, nd);
  g_autofree double *abest = g_new0 (double, na);
  g_autoptr(GHashTable) by_name = g_hash_table_new (g_str_hash, g_str_equal);

  s->threshold = threshold;
  s->domains = g_array_new (FALSE, FALSE, sizeof (TmDomainSummary));
  s->unmatched = g_array_new (FALSE, FALSE, sizeof (guint32));
  s->unwanted = g_array_new (FALSE, FALSE, sizeof (guint32));

  /* The best score each record has, from both directions. */
  for (int k = 0; k < 2; k++)
    {
      const TmBatch *b = batches[k];

      for (guint i = 0; b != NULL && i < b->docs->len; i++)
        {
          guint32 src = g_array_index (b->docs, guint32, i);
          const TmResults *r = b->results->pdata[i];

          for (guint j = 0; j < r->results->len; j++)
            {
              const TmResult *m = &g_array_index (r->results, TmResult, j);
              guint32 d = b->source == TM_LIBRARY_DEMAND ? src : m->doc;
              guint32 a = b->source == TM_LIBRARY_DEMAND ? m->doc : src;

              if (d < nd && m->score > dbest[d])
                dbest[d] = m->score;
              if (a < na && m->score > abest[a])
                abest[a] = m->score;
            }
        }
    }

  s->best = g_array_sized_new (FALSE, FALSE, sizeof (double), nd);
  g_array_append_vals (s->best, dbest, nd);
  for (guint32 d = 0; d < nd; d++)
    {
      TmDomainSummary *x = domain_of (by_name, s->domains, tm_index_doc_domain (index, TM_LIBRARY_DEMAND, d));

      x->demands++;
      if (dbest[d] >= threshold && dbest[d] > 0)
        x->strong++;
      else
        {
          x->unmatched++;
          g_array_append_val (s->unmatched, d);
        }
    }
  for (guint32 a = 0; a < na; a++)
    {
      TmDomainSummary *x = domain_of (by_name, s->domains, tm_index_doc_domain (index, TM_LIBRARY_ACHIEVEMENT, a));

      x->achievements++;
      if (!(abest[a] >= threshold && abest[a] > 0))
        {
          x->unwanted++;
          g_array_append_val (s->unwanted, a);
        }
    }
  g_array_sort (s->domains, compare_domains);
  for (guint i = 0; i < s->domains->len; i++)
    {
      const TmDomainSummary *x = &g_array_index (s->domains, TmDomainSummary, i);

      s->total.demands += x->demands;
      s->total.achievements += x->achievements;
      s->total.strong += x->strong;
      s->total.unmatched += x->unmatched;
      s->total.unwanted += x->unwanted;
    }
  return s;
}

void
tm_summary_free (TmSummary *s)
{
  if (s == NULL)
    return;
  for (guint i = 0; i < s->domains->len; i++)
    g_free (g_array_index (s->domains, TmDomainSummary, i).domain);
  g_array_unref (s->domains);
  g_array_unref (s->unmatched);
  g_array_unref (s->unwanted);
  g_array_unref (s->best);
  g_free (s);
}

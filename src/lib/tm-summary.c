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

typedef struct {
  guint part;
  guint32 doc;
  const char *id;
} Record;

static int
compare_records (gconstpointer a, gconstpointer b)
{
  return strcmp (((const Record *) a)->id, ((const Record *) b)->id);
}

/* Every record of @library in @indexes, in id order. */
static GArray *
records_of (const TmIndex *const *indexes, guint n_indexes, TmLibrary library)
{
  GArray *records = g_array_new (FALSE, FALSE, sizeof (Record));

  for (guint p = 0; p < n_indexes; p++)
    for (guint32 d = 0; d < tm_index_get_n_docs (indexes[p], library); d++)
      {
        Record r = { p, d, tm_index_doc_id (indexes[p], library, d) };

        g_array_append_val (records, r);
      }
  /* One index's documents are already in id order. */
  if (n_indexes > 1)
    g_array_sort (records, compare_records);
  return records;
}

TmSummary *
tm_summary_new (const TmIndex *index, TmBatch *const batches[2], double threshold)
{
  return tm_summary_new_over (&index, 1, batches, threshold);
}

TmSummary *
tm_summary_new_over (const TmIndex *const *indexes, guint n_indexes, TmBatch *const batches[2], double threshold)
{
  TmSummary *s = g_new0 (TmSummary, 1);
  g_autofree guint32 *offsets = g_new0 (guint32, 2 * (n_indexes + 1));
  guint32 *off[2] = { offsets, offsets + n_indexes + 1 };
  guint nd, na;
  g_autofree double *dbest = NULL, *abest = NULL;
  g_autoptr(GHashTable) by_name = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GArray) demands = records_of (indexes, n_indexes, TM_LIBRARY_DEMAND);
  g_autoptr(GArray) achievements = records_of (indexes, n_indexes, TM_LIBRARY_ACHIEVEMENT);

  /* Batch numbers (tm-batch.h): a document's number plus the documents
   * of its library in the indexes before its own. */
  for (int l = 0; l < 2; l++)
    for (guint p = 0; p < n_indexes; p++)
      off[l][p + 1] = off[l][p] + tm_index_get_n_docs (indexes[p], (TmLibrary) l);
  nd = off[TM_LIBRARY_DEMAND][n_indexes];
  na = off[TM_LIBRARY_ACHIEVEMENT][n_indexes];
  dbest = g_new0 (double, nd);
  abest = g_new0 (double, na);

  s->threshold = threshold;
  s->domains = g_array_new (FALSE, FALSE, sizeof (TmDomainSummary));
  s->unmatched = g_array_new (FALSE, FALSE, sizeof (guint32));
  s->unwanted = g_array_new (FALSE, FALSE, sizeof (guint32));
  s->unmatched_parts = g_array_new (FALSE, FALSE, sizeof (guint));
  s->unwanted_parts = g_array_new (FALSE, FALSE, sizeof (guint));
  s->unmatched_best = g_array_new (FALSE, FALSE, sizeof (double));

  /* The best score each record has, from both directions. */
  for (int k = 0; k < 2; k++)
    {
      const TmBatch *b = batches[k];
      TmLibrary target = b != NULL && b->source == TM_LIBRARY_DEMAND ? TM_LIBRARY_ACHIEVEMENT : TM_LIBRARY_DEMAND;

      for (guint i = 0; b != NULL && i < b->docs->len; i++)
        {
          guint sp = b->parts != NULL ? g_array_index (b->parts, guint, i) : 0;
          guint32 src = g_array_index (b->docs, guint32, i) + off[b->source][sp];
          const TmResults *r = b->results->pdata[i];

          for (guint j = 0; j < r->results->len; j++)
            {
              const TmResult *m = &g_array_index (r->results, TmResult, j);
              guint32 doc = m->doc + off[target][m->part];
              guint32 d = b->source == TM_LIBRARY_DEMAND ? src : doc;
              guint32 a = b->source == TM_LIBRARY_DEMAND ? doc : src;

              if (d < nd && m->score > dbest[d])
                dbest[d] = m->score;
              if (a < na && m->score > abest[a])
                abest[a] = m->score;
            }
        }
    }

  s->best = g_array_sized_new (FALSE, FALSE, sizeof (double), nd);
  g_array_append_vals (s->best, dbest, nd);
  for (guint i = 0; i < demands->len; i++)
    {
      const Record *rec = &g_array_index (demands, Record, i);
      guint32 d = rec->doc + off[TM_LIBRARY_DEMAND][rec->part];
      TmDomainSummary *x = domain_of (by_name, s->domains,
                                      tm_index_doc_domain (indexes[rec->part], TM_LIBRARY_DEMAND, rec->doc));

      x->demands++;
      if (dbest[d] >= threshold && dbest[d] > 0)
        x->strong++;
      else
        {
          x->unmatched++;
          g_array_append_val (s->unmatched, rec->doc);
          g_array_append_val (s->unmatched_parts, rec->part);
          g_array_append_val (s->unmatched_best, dbest[d]);
        }
    }
  for (guint i = 0; i < achievements->len; i++)
    {
      const Record *rec = &g_array_index (achievements, Record, i);
      guint32 a = rec->doc + off[TM_LIBRARY_ACHIEVEMENT][rec->part];
      TmDomainSummary *x = domain_of (by_name, s->domains,
                                      tm_index_doc_domain (indexes[rec->part], TM_LIBRARY_ACHIEVEMENT, rec->doc));

      x->achievements++;
      if (!(abest[a] >= threshold && abest[a] > 0))
        {
          x->unwanted++;
          g_array_append_val (s->unwanted, rec->doc);
          g_array_append_val (s->unwanted_parts, rec->part);
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
  g_array_unref (s->unmatched_parts);
  g_array_unref (s->unwanted_parts);
  g_array_unref (s->unmatched_best);
  g_free (s);
}

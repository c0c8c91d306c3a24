/* tm-group.c — results ranked by institution (tm-group.h). */
#include "config.h"

#include <string.h>

#include "tm-group.h"

gboolean
tm_group_score_from_name (const char *name, TmGroupScore *how)
{
  if (strcmp (name, "sum") == 0)
    *how = TM_GROUP_SUM;
  else if (strcmp (name, "max") == 0)
    *how = TM_GROUP_MAX;
  else
    return FALSE;
  return TRUE;
}

static void
clear_group (gpointer p)
{
  TmGroup *g = p;

  g_clear_pointer (&g->results, g_array_unref);
}

static int
compare_groups (gconstpointer a, gconstpointer b)
{
  const TmGroup *x = a, *y = b;

  if (x->score != y->score)
    return x->score > y->score ? -1 : 1;
  return strcmp (x->name, y->name);
}

GArray *
tm_results_group (const TmIndex *index, const TmResults *results, TmGroupScore how)
{
  return tm_results_group_over (&index, results, how);
}

GArray *
tm_results_group_over (const TmIndex *const *indexes, const TmResults *results, TmGroupScore how)
{
  GArray *groups = g_array_new (FALSE, TRUE, sizeof (TmGroup));
  g_autoptr(GHashTable) pos = g_hash_table_new (g_str_hash, g_str_equal);

  g_array_set_clear_func (groups, clear_group);
  /* Results come best first, so each group's list does too. */
  for (guint i = 0; i < results->results->len; i++)
    {
      const TmResult *r = &g_array_index (results->results, TmResult, i);
      const char *name = tm_index_doc_org (indexes[r->part], results->target, r->doc);
      TmGroup *g;
      gpointer p;

      if (name == NULL || name[0] == '\0')
        continue;
      if (!g_hash_table_lookup_extended (pos, name, NULL, &p))
        {
          TmGroup n = { name, 0, g_array_new (FALSE, FALSE, sizeof (guint)) };

          g_array_append_val (groups, n);
          p = GUINT_TO_POINTER (groups->len);
          g_hash_table_insert (pos, (gpointer) name, p);
        }
      g = &g_array_index (groups, TmGroup, GPOINTER_TO_UINT (p) - 1);
      g_array_append_val (g->results, i);
      if (how == TM_GROUP_SUM && g->results->len <= TM_GROUP_SUM_RECORDS)
        g->score += r->score;
      else if (r->score > g->score)
        g->score = r->score;
    }
  g_array_sort (groups, compare_groups);
  return groups;
}

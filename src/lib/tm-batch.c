/* tm-batch.c — the batch run (see tm-batch.h). */
#include "config.h"

#include <string.h>

#include "tm-batch.h"
#include "tm-error.h"
#include "tm-i18n.h"

guint
tm_batch_shard_of (const char *id, guint n_shards)
{
  guint32 h = 2166136261u;

  if (n_shards <= 1)
    return 1;
  /* FNV-1a: stable across machines and versions, unlike g_str_hash(). */
  for (const guchar *p = (const guchar *) id; *p != '\0'; p++)
    h = (h ^ *p) * 16777619u;
  return h % n_shards + 1;
}

typedef struct {
  const TmIndex *index;
  const TmAnalyzer *analyzer;
  const TmBatchOptions *options;
  TmBatch *batch;
  TmLibrary target;
  /* tm_batch_run_partitions(): the indexes, and per library the batch
   * number of each index's first document. */
  const TmIndex *const *indexes;
  guint n_indexes;
  guint32 *offsets[2];
  gint next;              /* the next source to take, atomically */
  gint done;              /* sources finished, atomically */
  gint finished;          /* workers finished, atomically */
  GMutex lock;
  GError *error;          /* the first error of any worker */
} Run;

/* Sources are taken in runs of this many: few enough to spread the work
 * evenly, enough that taking one costs nothing. */
#define CHUNK 16

static void work (Run *run);
static void work_partitions (Run *run);

static gpointer
worker (gpointer data)
{
  Run *run = data;

  if (run->indexes != NULL)
    work_partitions (run);
  else
    work (run);
  g_atomic_int_inc (&run->finished);
  return NULL;
}

static void
work (Run *run)
{
  g_autoptr(TmMatcher) matcher = tm_matcher_new (run->index, run->analyzer);
  guint n = run->batch->docs->len;

  for (;;)
    {
      guint begin = (guint) g_atomic_int_add (&run->next, CHUNK);

      if (begin >= n)
        break;
      for (guint i = begin, prepared = begin; i < MIN (n, begin + CHUNK); i++)
        {
          guint32 doc = g_array_index (run->batch->docs, guint32, i);
          g_autoptr(GError) error = NULL;
          TmResults *results;

          if (run->options->cancel != NULL && g_atomic_int_get (run->options->cancel))
            return;
          /* The latent scan of the chunk's next queries at once. */
          if (i == prepared)
            prepared += tm_matcher_prepare_docs (matcher, run->batch->source,
                                                 &g_array_index (run->batch->docs, guint32, i),
                                                 MIN (n, begin + CHUNK) - i, run->target,
                                                 &run->options->match);
          results = tm_matcher_run_doc (matcher, run->batch->source, doc, run->target,
                                        &run->options->match, &error);
          if (results == NULL)
            {
              g_mutex_lock (&run->lock);
              if (run->error == NULL)
                run->error = g_steal_pointer (&error);
              g_mutex_unlock (&run->lock);
              g_atomic_int_set (&run->next, (gint) n);
              return;
            }
          run->batch->results->pdata[i] = results;
          g_atomic_int_inc (&run->done);
        }
    }
}

/* Runs the workers over run->batch's sources, reporting progress from
 * the calling thread.  FALSE with @error set when a worker failed or the
 * run was cancelled. */
static gboolean
run_workers (Run *run, GError **error)
{
  const TmBatchOptions *o = run->options;
  TmBatch *batch = run->batch;
  guint jobs = o->jobs > 0 ? o->jobs : g_get_num_processors ();
  g_autofree GThread **threads = NULL;

  g_mutex_init (&run->lock);
  jobs = MAX (1, MIN (jobs, batch->docs->len / CHUNK + 1));
  threads = g_new0 (GThread *, jobs);
  for (guint t = 0; t < jobs; t++)
    threads[t] = g_thread_new ("tm-batch", worker, run);
  /* The calling thread reports progress while the workers run. */
  while ((guint) g_atomic_int_get (&run->finished) < jobs)
    {
      if (o->progress != NULL)
        o->progress ((guint) g_atomic_int_get (&run->done), batch->docs->len, o->user_data);
      g_usleep (G_USEC_PER_SEC / 20);
    }
  for (guint t = 0; t < jobs; t++)
    g_thread_join (threads[t]);
  g_mutex_clear (&run->lock);
  if (o->progress != NULL)
    o->progress ((guint) g_atomic_int_get (&run->done), batch->docs->len, o->user_data);

  if (run->error != NULL)
    {
      g_propagate_error (error, run->error);
      return FALSE;
    }
  if (o->cancel != NULL && g_atomic_int_get (o->cancel))
    {
      g_set_error_literal (error, TM_ERROR, TM_ERROR_CANCELLED, _("interrupted"));
      return FALSE;
    }
  return TRUE;
}

/* Runs @run (zeroed, with the partitions' fields set for
 * tm_batch_run_partitions()) over @batch's sources, which come from
 * batch->source, against the other library; @index is the one index or
 * the first partition.  @batch's results are made here, one per source.
 * FALSE with @error set as run_workers(). */
static gboolean
run_batch (Run *run, const TmIndex *index, const TmAnalyzer *analyzer, const TmBatchOptions *o,
           TmBatch *batch, GError **error)
{
  batch->results = g_ptr_array_new_with_free_func ((GDestroyNotify) tm_results_free);
  g_ptr_array_set_size (batch->results, batch->docs->len);
  run->index = index;
  run->analyzer = analyzer;
  run->options = o;
  run->batch = batch;
  run->target = batch->source == TM_LIBRARY_DEMAND ? TM_LIBRARY_ACHIEVEMENT : TM_LIBRARY_DEMAND;
  return run_workers (run, error);
}

/* transfer full */
TmBatch *
tm_batch_run (const TmIndex *index, const TmAnalyzer *analyzer, TmLibrary source,
              const TmBatchOptions *o, GError **error)
{
  g_autoptr(TmBatch) batch = g_new0 (TmBatch, 1);
  guint n_docs = tm_index_get_n_docs (index, source);
  Run run;

  batch->source = source;
  batch->docs = g_array_new (FALSE, FALSE, sizeof (guint32));
  for (guint32 d = 0; d < n_docs; d++)
    if (o->n_shards <= 1 || tm_batch_shard_of (tm_index_doc_id (index, source, d), o->n_shards) == o->shard)
      g_array_append_val (batch->docs, d);
  if (!tm_index_check (index, error))
    return NULL;

  memset (&run, 0, sizeof run);
  if (!run_batch (&run, index, analyzer, o, batch, error))
    return NULL;
  return g_steal_pointer (&batch);
}

/* ---- over partitions ----------------------------------------------------------- */

/* What the exclude callback of a query over one partition is handed:
 * the batch numbers it passes on. */
typedef struct {
  const TmMatchOptions *match;
  guint32 source;           /* the source's batch number */
  guint32 target_offset;    /* the batch number of the partition's first target */
} Exclude;

static gboolean
exclude_in_batch (TmLibrary target, guint32 source_doc, guint32 target_doc, gpointer data)
{
  const Exclude *x = data;

  return x->match->exclude (target, x->source, target_doc + x->target_offset, x->match->exclude_data);
}

typedef struct {
  const TmIndex *const *indexes;
  TmLibrary target;
} Order;

/* Best first, ties by id: the order of one index's results. */
static int
compare_merged (gconstpointer a, gconstpointer b, gpointer data)
{
  const TmResult *x = a, *y = b;
  const Order *order = data;

  if (x->score != y->score)
    return x->score > y->score ? -1 : 1;
  return strcmp (tm_index_doc_id (order->indexes[x->part], order->target, x->doc),
                 tm_index_doc_id (order->indexes[y->part], order->target, y->doc));
}

/* The top @top (0: all) of the results of each partition, @parts[p] run
 * against indexes[p] (NULL: not run).  The explanations' strings are
 * copied into the merged results.  transfer full */
static TmResults *
merge_results (TmResults **parts, guint n_parts, const TmIndex *const *indexes, TmLibrary target, guint top)
{
  TmResults *merged = g_new0 (TmResults, 1);
  Order order = { indexes, target };
  gboolean first = TRUE;

  merged->target = target;
  merged->results = g_array_new (FALSE, FALSE, sizeof (TmResult));
  merged->strings = g_string_chunk_new (1024);
  for (guint p = 0; p < n_parts; p++)
    {
      TmResults *r = parts[p];

      if (r == NULL)
        continue;
      /* The query is the same against every partition (tm-match.h). */
      if (first)
        {
          merged->n_query_terms = r->n_query_terms;
          merged->n_used_terms = r->n_used_terms;
          first = FALSE;
        }
      for (guint i = 0; i < r->results->len; i++)
        {
          TmResult *m = &g_array_index (r->results, TmResult, i);

          m->part = p;
          g_array_append_val (merged->results, *m);
          /* The arrays now belong to the merged results. */
          m->contributions = NULL;
          m->missing = NULL;
        }
    }
  g_array_sort_with_data (merged->results, compare_merged, &order);
  if (top > 0 && merged->results->len > top)
    {
      for (guint i = top; i < merged->results->len; i++)
        {
          TmResult *m = &g_array_index (merged->results, TmResult, i);

          g_clear_pointer (&m->contributions, g_array_unref);
          g_clear_pointer (&m->missing, g_ptr_array_unref);
        }
      g_array_set_size (merged->results, top);
    }
  for (guint i = 0; i < merged->results->len; i++)
    {
      TmResult *m = &g_array_index (merged->results, TmResult, i);

      for (guint c = 0; m->contributions != NULL && c < m->contributions->len; c++)
        {
          TmContribution *t = &g_array_index (m->contributions, TmContribution, c);

          t->term = g_string_chunk_insert_const (merged->strings, t->term);
        }
      for (guint c = 0; m->missing != NULL && c < m->missing->len; c++)
        m->missing->pdata[c] = g_string_chunk_insert_const (merged->strings, m->missing->pdata[c]);
    }
  return merged;
}

static void
work_partitions (Run *run)
{
  const TmBatchOptions *o = run->options;
  TmBatch *batch = run->batch;
  guint n = batch->docs->len, n_parts = run->n_indexes;
  g_autofree TmMatcher **matchers = g_new0 (TmMatcher *, n_parts);
  g_autofree TmResults **parts = g_new0 (TmResults *, n_parts);
  TmMatchOptions match = o->match;
  Exclude x = { &o->match, 0, 0 };

  if (o->match.exclude != NULL)
    {
      match.exclude = exclude_in_batch;
      match.exclude_data = &x;
    }
  for (guint p = 0; p < n_parts; p++)
    if (o->target_part == 0 || o->target_part == p + 1)
      matchers[p] = tm_matcher_new (run->indexes[p], run->analyzer);

  for (;;)
    {
      guint begin = (guint) g_atomic_int_add (&run->next, CHUNK);

      if (begin >= n)
        break;
      for (guint i = begin; i < MIN (n, begin + CHUNK); i++)
        {
          guint32 doc = g_array_index (batch->docs, guint32, i);
          guint sp = g_array_index (batch->parts, guint, i);
          g_autoptr(GError) error = NULL;

          if (o->cancel != NULL && g_atomic_int_get (o->cancel))
            goto out;
          x.source = doc + run->offsets[batch->source][sp];
          for (guint p = 0; p < n_parts && error == NULL; p++)
            {
              if (matchers[p] == NULL)
                continue;
              x.target_offset = run->offsets[run->target][p];
              parts[p] = tm_matcher_run_doc_from (matchers[p], run->indexes[sp], batch->source, doc,
                                                  run->target, &match, &error);
            }
          if (error == NULL)
            batch->results->pdata[i] = merge_results (parts, n_parts, run->indexes, run->target, o->match.top);
          for (guint p = 0; p < n_parts; p++)
            g_clear_pointer (&parts[p], tm_results_free);
          if (error != NULL)
            {
              g_mutex_lock (&run->lock);
              if (run->error == NULL)
                run->error = g_steal_pointer (&error);
              g_mutex_unlock (&run->lock);
              g_atomic_int_set (&run->next, (gint) n);
              goto out;
            }
          g_atomic_int_inc (&run->done);
        }
    }
out:
  for (guint p = 0; p < n_parts; p++)
    g_clear_pointer (&matchers[p], tm_matcher_free);
}

typedef struct {
  guint part;
  guint32 doc;
  const char *id;
} Source;

static int
compare_sources (gconstpointer a, gconstpointer b)
{
  return strcmp (((const Source *) a)->id, ((const Source *) b)->id);
}

/* transfer full */
TmBatch *
tm_batch_run_partitions (const TmIndex *const *indexes, guint n_indexes, const TmAnalyzer *analyzer,
                         TmLibrary source, const TmBatchOptions *o, GError **error)
{
  g_autoptr(TmBatch) batch = g_new0 (TmBatch, 1);
  g_autoptr(GArray) sources = g_array_new (FALSE, FALSE, sizeof (Source));
  g_autofree guint32 *offsets = g_new0 (guint32, 2 * n_indexes);
  Run run;

  g_return_val_if_fail (n_indexes > 0, NULL);
  g_return_val_if_fail (o->target_part <= n_indexes, NULL);
  if (o->match.feedback > 0)
    {
      g_set_error_literal (error, TM_ERROR, TM_ERROR_BAD_QUERY,
                           _("query feedback over several partitions would feed back each partition's "
                             "top results, not the corpus's"));
      return NULL;
    }

  memset (&run, 0, sizeof run);
  run.offsets[0] = offsets;
  run.offsets[1] = offsets + n_indexes;
  for (int l = 0; l < 2; l++)
    for (guint p = 1; p < n_indexes; p++)
      run.offsets[l][p] = run.offsets[l][p - 1] + tm_index_get_n_docs (indexes[p - 1], (TmLibrary) l);

  for (guint p = 0; p < n_indexes; p++)
    {
      guint n_docs = tm_index_get_n_docs (indexes[p], source);

      for (guint32 d = 0; d < n_docs; d++)
        {
          Source s = { p, d, tm_index_doc_id (indexes[p], source, d) };

          if (o->n_shards <= 1 || tm_batch_shard_of (s.id, o->n_shards) == o->shard)
            g_array_append_val (sources, s);
        }
      if (!tm_index_check (indexes[p], error))
        return NULL;
    }
  g_array_sort (sources, compare_sources);
  batch->source = source;
  batch->docs = g_array_sized_new (FALSE, FALSE, sizeof (guint32), sources->len);
  batch->parts = g_array_sized_new (FALSE, FALSE, sizeof (guint), sources->len);
  for (guint i = 0; i < sources->len; i++)
    {
      const Source *s = &g_array_index (sources, Source, i);

      g_array_append_val (batch->docs, s->doc);
      g_array_append_val (batch->parts, s->part);
    }

  run.indexes = indexes;
  run.n_indexes = n_indexes;
  if (!run_batch (&run, indexes[0], analyzer, o, batch, error))
    return NULL;
  return g_steal_pointer (&batch);
}

const char *
tm_batch_source_id (const TmBatch *batch, const TmIndex *const *indexes, guint i)
{
  guint part = batch->parts != NULL ? g_array_index (batch->parts, guint, i) : 0;

  return tm_index_doc_id (indexes[part], batch->source, g_array_index (batch->docs, guint32, i));
}

void
tm_batch_free (TmBatch *batch)
{
  if (batch == NULL)
    return;
  if (batch->docs != NULL)
    g_array_unref (batch->docs);
  if (batch->results != NULL)
    g_ptr_array_unref (batch->results);
  if (batch->parts != NULL)
    g_array_unref (batch->parts);
  g_free (batch);
}

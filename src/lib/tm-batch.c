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

static gpointer
worker (gpointer data)
{
  Run *run = data;

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
      for (guint i = begin; i < MIN (n, begin + CHUNK); i++)
        {
          guint32 doc = g_array_index (run->batch->docs, guint32, i);
          g_autoptr(GError) error = NULL;
          TmResults *results;

          if (run->options->cancel != NULL && g_atomic_int_get (run->options->cancel))
            return;
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

/* transfer full */
TmBatch *
tm_batch_run (const TmIndex *index, const TmAnalyzer *analyzer, TmLibrary source,
              const TmBatchOptions *o, GError **error)
{
  g_autoptr(TmBatch) batch = g_new0 (TmBatch, 1);
  guint n_docs = tm_index_get_n_docs (index, source);
  guint jobs = o->jobs > 0 ? o->jobs : g_get_num_processors ();
  g_autofree GThread **threads = NULL;
  Run run;

  batch->source = source;
  batch->docs = g_array_new (FALSE, FALSE, sizeof (guint32));
  for (guint32 d = 0; d < n_docs; d++)
    if (o->n_shards <= 1 || tm_batch_shard_of (tm_index_doc_id (index, source, d), o->n_shards) == o->shard)
      g_array_append_val (batch->docs, d);
  batch->results = g_ptr_array_new_with_free_func ((GDestroyNotify) tm_results_free);
  g_ptr_array_set_size (batch->results, batch->docs->len);
  if (!tm_index_check (index, error))
    return NULL;

  memset (&run, 0, sizeof run);
  run.index = index;
  run.analyzer = analyzer;
  run.options = o;
  run.batch = batch;
  run.target = source == TM_LIBRARY_DEMAND ? TM_LIBRARY_ACHIEVEMENT : TM_LIBRARY_DEMAND;
  g_mutex_init (&run.lock);

  jobs = MAX (1, MIN (jobs, batch->docs->len / CHUNK + 1));
  threads = g_new0 (GThread *, jobs);
  for (guint t = 0; t < jobs; t++)
    threads[t] = g_thread_new ("tm-batch", worker, &run);
  /* The calling thread reports progress while the workers run. */
  while ((guint) g_atomic_int_get (&run.finished) < jobs)
    {
      if (o->progress != NULL)
        o->progress ((guint) g_atomic_int_get (&run.done), batch->docs->len, o->user_data);
      g_usleep (G_USEC_PER_SEC / 20);
    }
  for (guint t = 0; t < jobs; t++)
    g_thread_join (threads[t]);
  g_mutex_clear (&run.lock);
  if (o->progress != NULL)
    o->progress ((guint) g_atomic_int_get (&run.done), batch->docs->len, o->user_data);

  if (run.error != NULL)
    {
      g_propagate_error (error, run.error);
      return NULL;
    }
  if (o->cancel != NULL && g_atomic_int_get (o->cancel))
    {
      g_set_error_literal (error, TM_ERROR, TM_ERROR_CANCELLED, _("interrupted"));
      return NULL;
    }
  return g_steal_pointer (&batch);
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
  g_free (batch);
}

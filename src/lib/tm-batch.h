/* tm-batch.h — every record of one library matched against the other, in
 * threads: the nightly job.
 *
 * Sources are taken in id order; a shard K of N keeps the sources whose
 * id hashes to K (a stable partition, the same on every machine), so N
 * runs over one read-only index, merged, give exactly the unsharded run.
 * Each worker thread has its own matcher (accumulators, analysis); the
 * results land in a slot per source, so the output does not depend on the
 * number of threads.
 */
#pragma once

#include <glib.h>

#include "tm-index.h"
#include "tm-match.h"

G_BEGIN_DECLS

typedef struct {
  TmMatchOptions match;   /* what every query uses (top, filters, model...) */
  guint jobs;             /* worker threads; 0 = one per core */
  guint shard, n_shards;  /* this run's shard, 1..n_shards; n_shards 0 or 1: all */
  gint *cancel;           /* when set (atomically) non-zero, the run stops */
  /* Called on the calling thread every 50 ms (twenty times a second)
   * while the workers run, and once at the end; may be NULL. */
  void (*progress) (guint done, guint total, gpointer user_data);
  gpointer user_data;
} TmBatchOptions;

typedef struct _TmBatch {
  TmLibrary source;       /* the library whose records were the queries */
  GArray *docs;           /* guint32: the source documents, in id order */
  GPtrArray *results;     /* TmResults *, one per source (empty results for a
                           * record with nothing to match on) */
} TmBatch;

/* Which shard (1..n) a record id belongs to. */
guint     tm_batch_shard_of (const char *id, guint n_shards);

/* Runs every source of @source against the other library.  Errors:
 * TM_ERROR_CANCELLED when *cancel was set, TM_ERROR_CORRUPT_INDEX.
 * transfer full: free with tm_batch_free(). */
TmBatch  *tm_batch_run (const TmIndex *index, const TmAnalyzer *analyzer, TmLibrary source,
                        const TmBatchOptions *options, GError **error);
void      tm_batch_free (TmBatch *batch);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TmBatch, tm_batch_free)

G_END_DECLS

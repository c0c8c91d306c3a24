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
  /* tm_batch_run_partitions(): only the targets of indexes[@target_part
   * - 1]; 0: of every index. */
  guint target_part;
} TmBatchOptions;

typedef struct _TmBatch {
  TmLibrary source;       /* the library whose records were the queries */
  GArray *docs;           /* guint32: the source documents, in id order */
  GPtrArray *results;     /* TmResults *, one per source (empty results for a
                           * record with nothing to match on) */
  /* tm_batch_run_partitions(): per source, which index holds it (a
   * position in the indexes, guint); NULL for one index.  The results'
   * TmResult.part say which holds each target. */
  GArray *parts;
} TmBatch;

/* Which shard (1..n) a record id belongs to. */
guint     tm_batch_shard_of (const char *id, guint n_shards);

/* Runs every source of @source against the other library.  Errors:
 * TM_ERROR_CANCELLED when *cancel was set, TM_ERROR_CORRUPT_INDEX.
 * transfer full: free with tm_batch_free(). */
TmBatch  *tm_batch_run (const TmIndex *index, const TmAnalyzer *analyzer, TmLibrary source,
                        const TmBatchOptions *options, GError **error);

/* The same over @n_indexes partitions of one corpus, each built with the
 * same global statistics (tm-stats.h), or any other indexes of the same
 * analyzer settings whose records are apart: the sources of every index,
 * in id order, each run against every index (or indexes[target_part -
 * 1] alone) and the results merged into its top K, ties broken by id.
 * It gives what tm_batch_run() gives over the index of the whole corpus;
 * TmResult.doc is then a document of indexes[TmResult.part].  The
 * options' exclude callback gets "batch numbers": a document's number
 * in its index plus the documents of that library in the indexes before
 * it.  Query feedback is refused (TM_ERROR_BAD_QUERY): it would feed
 * back each partition's top results, not the corpus's.  Errors as
 * tm_batch_run().  transfer full: free with tm_batch_free(). */
TmBatch  *tm_batch_run_partitions (const TmIndex *const *indexes, guint n_indexes, const TmAnalyzer *analyzer,
                                   TmLibrary source, const TmBatchOptions *options, GError **error);

/* The id of source @i of @batch, run over @indexes (those given to
 * tm_batch_run_partitions(), or the one index). */
const char *tm_batch_source_id (const TmBatch *batch, const TmIndex *const *indexes, guint i);

void      tm_batch_free (TmBatch *batch);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TmBatch, tm_batch_free)

G_END_DECLS

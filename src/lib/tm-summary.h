/* tm-summary.h — where supply and demand meet, and where they do not:
 * the summary of a batch run, per domain.
 *
 * A demand has a strong match when some achievement scores at least the
 * threshold with it, in either direction of the run (its own d2a
 * results, or its place in an achievement's a2d results); a demand with
 * none is unmatched: the list a platform publishes as open challenges.
 * An achievement is wanted when some demand scores at least the
 * threshold with it, likewise; one that no demand wants is unwanted.
 * Only the pairs that the run kept (its top K) count.
 */
#pragma once

#include <glib.h>

#include "tm-batch.h"
#include "tm-index.h"

G_BEGIN_DECLS

/* A strong match, for the TF-IDF cosine: the threshold at which the
 * bundled corpus's judged pairs are best told apart, favouring
 * precision (tests/eval/threshold.py: among each demand's top 10, F1
 * peaks at 0.746 at 0.13; 0.15 keeps F1 at 0.736 with precision 0.833
 * and recall 0.659, where 0.13 has precision 0.764). */
#define TM_STRONG_SCORE 0.15

typedef struct {
  char *domain;            /* "" for records without one */
  guint demands, achievements;
  guint strong;            /* demands with a strong match */
  guint unmatched;         /* demands without */
  guint unwanted;          /* achievements no demand wants */
} TmDomainSummary;

typedef struct {
  double threshold;
  GArray *domains;         /* TmDomainSummary, by domain name ("" last) */
  TmDomainSummary total;   /* domain NULL */
  GArray *unmatched;       /* guint32: demand documents without a strong match, in id order */
  GArray *best;            /* double per demand document: its best score (0: none); over
                            * partitions, per batch number (tm-batch.h) */
  GArray *unwanted;        /* guint32: achievement documents no demand wants, in id order */
  /* guint: which of the indexes holds each of @unmatched and @unwanted
   * (0 for one index); double: the best score of each of @unmatched. */
  GArray *unmatched_parts, *unwanted_parts;
  GArray *unmatched_best;
} TmSummary;

/* The summary of @batches (index 0: the d2a run, 1: the a2d run; either
 * may be NULL) at @threshold.  transfer full: free with
 * tm_summary_free(). */
TmSummary *tm_summary_new (const TmIndex *index, TmBatch *const batches[2], double threshold);
/* The same for @batches run over the @n_indexes partitions @indexes
 * (tm_batch_run_partitions()). */
TmSummary *tm_summary_new_over (const TmIndex *const *indexes, guint n_indexes, TmBatch *const batches[2],
                                double threshold);
void       tm_summary_free (TmSummary *summary);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TmSummary, tm_summary_free)

G_END_DECLS

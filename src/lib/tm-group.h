/* tm-group.h — results ranked by institution: which laboratory (or,
 * for an achievement's demands, which enterprise) to call.
 *
 * The results of one query are grouped by their record's institution
 * (an achievement's <institution>, a demand's <org>), and the groups
 * ranked by the sum or the maximum of their records' scores, ties
 * broken by name.  Records without an institution are left out.
 */
#pragma once

#include <glib.h>

#include "tm-index.h"
#include "tm-match.h"

G_BEGIN_DECLS

/* A sum counts an institution's best records only: a laboratory with
 * three good answers should come before one with a single better answer,
 * but thirty faint overlaps of a large university (common words of the
 * field) must not add up to an answer.  On the bundled corpus, summing
 * every record put a university with 33 matches scoring 0.0x first for
 * D-2025-2001; three keeps the labs that answer it on top. */
#define TM_GROUP_SUM_RECORDS 3

typedef enum {
  TM_GROUP_SUM,            /* the sum of its best TM_GROUP_SUM_RECORDS scores */
  TM_GROUP_MAX,            /* the lab with the single best answer first */
} TmGroupScore;

typedef struct {
  const char *name;        /* owned by the index */
  double score;            /* sum of its best records' scores, or max */
  GArray *results;         /* guint: positions in the results, best first */
} TmGroup;

/* "sum" or "max" to a TmGroupScore; FALSE for anything else. */
gboolean tm_group_score_from_name (const char *name, TmGroupScore *how);

/* The groups of @results, best first.  transfer full: a GArray of
 * TmGroup that frees their lists. */
GArray  *tm_results_group (const TmIndex *index, const TmResults *results, TmGroupScore how);

/* The same for results whose documents are in several indexes, the
 * partitions of a batch (tm_batch_run_partitions()): each result's in
 * @indexes[TmResult.part]. */
GArray  *tm_results_group_over (const TmIndex *const *indexes, const TmResults *results, TmGroupScore how);

G_END_DECLS

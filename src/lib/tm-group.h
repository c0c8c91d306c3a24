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

typedef enum {
  TM_GROUP_SUM,            /* a lab with several good answers first */
  TM_GROUP_MAX,            /* the lab with the single best answer first */
} TmGroupScore;

typedef struct {
  const char *name;        /* owned by the index */
  double score;            /* sum or max of its records' scores */
  GArray *results;         /* guint: positions in the results, best first */
} TmGroup;

/* "sum" or "max" to a TmGroupScore; FALSE for anything else. */
gboolean tm_group_score_from_name (const char *name, TmGroupScore *how);

/* The groups of @results, best first.  transfer full: a GArray of
 * TmGroup that frees their lists. */
GArray  *tm_results_group (const TmIndex *index, const TmResults *results, TmGroupScore how);

G_END_DECLS

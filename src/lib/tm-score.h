/* tm-score.h — scoring parameters shared by the index builder (which
 * stores norms for the default weights) and the matcher. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef enum {
  TM_MODEL_TFIDF,  /* cosine of log-tf × idf vectors: scores in 0–1 */
  TM_MODEL_BM25,   /* BM25 over weighted fields (BM25F): scores unbounded */
} TmModel;

typedef struct {
  TmModel model;
  double weights[3];  /* title, keywords, body: how much a term there counts */
  double k1, b;       /* BM25 */
} TmScoreParams;

/* The defaults (measured on the bundled judgments: see tests/eval). */
void        tm_score_params_init (TmScoreParams *params);
const char *tm_model_name (TmModel model);
gboolean    tm_model_from_name (const char *name, TmModel *model);

G_END_DECLS

/* tm-score.c — scoring parameters and their defaults. */
#include "config.h"

#include <string.h>

#include "tm-score.h"

void
tm_score_params_init (TmScoreParams *p)
{
  p->model = TM_MODEL_TFIDF;
  /* Title counts most, then keywords, then the body.  On the bundled
   * judgments (tests/eval, words mode) the weights matter little: nDCG@10
   * 0.937 for 2/1.5/1, 0.937 for 1/1/1, 0.927 for 3/2/1. */
  p->weights[0] = 2.0;
  p->weights[1] = 1.5;
  p->weights[2] = 1.0;
  /* BM25's usual values. */
  p->k1 = 1.2;
  p->b = 0.75;
}

const char *
tm_model_name (TmModel model)
{
  return model == TM_MODEL_BM25 ? "bm25" : "tfidf";
}

gboolean
tm_model_from_name (const char *name, TmModel *model)
{
  if (g_strcmp0 (name, "tfidf") == 0)
    *model = TM_MODEL_TFIDF;
  else if (g_strcmp0 (name, "bm25") == 0)
    *model = TM_MODEL_BM25;
  else
    return FALSE;
  return TRUE;
}

/* tm-score.c — scoring parameters and their defaults. */
#include "config.h"

#include <math.h>
#include <string.h>

#include "tm-error.h"
#include "tm-i18n.h"

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

gboolean
tm_score_params_check (const TmScoreParams *p, GError **error)
{
  static const char * const names[] = { "title-weight", "keywords-weight", "body-weight" };
  gboolean any = FALSE;

  for (int f = 0; f < 3; f++)
    {
      double w = p->weights[f];

      if (!isfinite (w) || (w != 0 && (w < TM_MIN_WEIGHT || w > TM_MAX_WEIGHT)))
        {
          g_set_error (error, TM_ERROR, TM_ERROR_INVALID,
                       _("%s is %g: a field weight is 0 or from %g to %g"), names[f], w,
                       TM_MIN_WEIGHT, TM_MAX_WEIGHT);
          return FALSE;
        }
      any |= w > 0;
    }
  if (!any)
    {
      g_set_error (error, TM_ERROR, TM_ERROR_INVALID,
                   _("every field weight is 0: at least one field must count"));
      return FALSE;
    }
  if (!isfinite (p->k1) || p->k1 < 0 || p->k1 > TM_MAX_K1)
    {
      g_set_error (error, TM_ERROR, TM_ERROR_INVALID, _("k1 is %g: a number from 0 to %g"), p->k1, TM_MAX_K1);
      return FALSE;
    }
  if (!isfinite (p->b) || p->b < 0 || p->b > 1)
    {
      g_set_error (error, TM_ERROR, TM_ERROR_INVALID, _("b is %g: a number from 0 to 1"), p->b);
      return FALSE;
    }
  return TRUE;
}

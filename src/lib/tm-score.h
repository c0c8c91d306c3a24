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

/* Field weights are 0 (the field does not count) or from TM_MIN_WEIGHT
 * to TM_MAX_WEIGHT: only their ratios matter, and weights further apart
 * than 10^6 would underflow or overflow the squared norms of a
 * document (1e-320 made every norm 0 and every score NaN). */
#define TM_MIN_WEIGHT 0.001
#define TM_MAX_WEIGHT 1000.0
/* BM25's k1 beyond this is term frequency without saturation anyway. */
#define TM_MAX_K1 100.0
/* A minimum score: cosines are at most 1, BM25 scores a few dozen. */
#define TM_MAX_MIN_SCORE 1e6

/* Checks @params: each weight 0 or in [TM_MIN_WEIGHT, TM_MAX_WEIGHT] and
 * at least one not 0, k1 in [0, TM_MAX_K1], b in [0, 1], all finite.
 * FALSE with TM_ERROR_INVALID naming the parameter as the command line
 * and techmatch.conf(5) call it.  Every caller checks the same way, so
 * an option and a configuration key accept the same values. */
gboolean    tm_score_params_check (const TmScoreParams *params, GError **error);

/* The defaults (measured on the bundled judgments: see tests/eval). */
void        tm_score_params_init (TmScoreParams *params);
const char *tm_model_name (TmModel model);
gboolean    tm_model_from_name (const char *name, TmModel *model);

G_END_DECLS

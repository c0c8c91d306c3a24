/* tm-match.h — ranking one library against a query: the scorer.
 *
 * A query is a record (a demand matched against the achievements, or an
 * achievement against the demands) or a text (analyzed like a demand's
 * description).  Its terms are weighted by field (title, keywords, body:
 * TmScoreParams) and, like Lucene's MoreLikeThis, a long query keeps only
 * its N strongest terms.  Scores:
 *
 *   TF-IDF (default)  cosine of the query and document vectors, each term
 *                     weighted (1 + ln tf') × idf, where tf' is the
 *                     field-weighted term frequency and
 *                     idf = ln((1 + N) / (1 + df)) + 1 over the target
 *                     library: scores lie in 0–1, so a threshold means the
 *                     same for every query.
 *   BM25              Σ idf × tf'(k1 + 1) / (tf' + k1 (1 − b + b L'/avgL'))
 *                     with field-weighted lengths L' (BM25F); unbounded.
 *
 * Query feedback (pseudo-relevance feedback, Rocchio 1971), when asked
 * for: the query is run once, the top K' results' document vectors are
 * added to it, q' = α q/|q| + β mean(d/|d|), with each document vector
 * weighted as the scorer weighs it; the strongest terms of q' are kept
 * and q' is run again, through the same scorer (and its exact pruning).
 *
 * The latent layer (tm-index-latent.c), when the index has one and the
 * weight w (TmMatchOptions.semantic) is above 0: the query's kept terms,
 * with their query weights, fold into the latent space as Σ w_t V_t, and
 * the score becomes (1 − w) × lexical + w × max(latent cosine, 0), still
 * in 0–1 for TF-IDF.  A document that shares no term with the query can
 * then be proposed; at w = 0 every score is the lexical one to the bit.
 *
 * Results are the top K by score, ties broken by id, so output is
 * deterministic.  tm_matcher_run_record(), tm_matcher_run_doc() (what
 * match --demand/--achievement and batch use) and tm_matcher_run_text()
 * build the query their way and then share one scoring function, which
 * explain runs too: explaining only keeps the per-term breakdown.
 */
#pragma once

#include <glib.h>

#include "tm-analyzer.h"
#include "tm-index.h"
#include "tm-score.h"

G_BEGIN_DECLS

/* The defaults of tm_match_options_init(), which the CLI shows and
 * techmatch.conf(5) overrides: ten results, a query's 50 strongest terms
 * (why 50: tm-match.c). */
#define TM_DEFAULT_TOP 10
#define TM_DEFAULT_TERMS 50

/* Query feedback (why these values: tm-match.c): off by default; β (with
 * α = 1), the share of the feedback documents' mean; the terms it may add
 * to the query's kept terms (the --terms cut-off still applies).  At most
 * TM_MAX_FEEDBACK documents: each costs a forward list per query, and
 * past a hundred their mean is the library's centroid, not the topic. */
#define TM_DEFAULT_FEEDBACK 0
#define TM_FEEDBACK_BETA 0.5
#define TM_FEEDBACK_TERMS 40
#define TM_MAX_FEEDBACK 100
/* β is taken from 0 to this: beyond, the query's own terms no longer count. */
#define TM_MAX_FEEDBACK_BETA 1e6

/* The latent layer's weight w by default (why: tm-match.c); from 0 (off)
 * to 1 (the latent cosine alone).  Written out in the --help texts. */
#define TM_DEFAULT_SEMANTIC_TENTHS 2
#define TM_DEFAULT_SEMANTIC (TM_DEFAULT_SEMANTIC_TENTHS / 10.0)

typedef struct {
  TmScoreParams score;
  guint top;               /* K; 0 = every document that scores */
  guint max_terms;         /* the query's strongest terms kept; 0 = all */
  double min_score;        /* results below are dropped */
  /* Filters on the target documents, all of which must hold (NULL-terminated
   * lists, or NULL): a domain equal to each of @domains, a region holding
   * each of @regions, a TRL of at least @min_trl, every IP type of @ips. */
  const char * const *domains;
  const char * const *regions;
  int min_trl;
  const char * const *ips;
  gboolean explain;        /* keep the per-term breakdown */
  /* Explain only this target document (G_MAXUINT32: no restriction). */
  guint32 only_doc;
  /* Pairs left out before the top K is taken, so that K others fill
   * their places (what a manager rejected): called for each candidate
   * that passes the filters, with the query's document (G_MAXUINT32 for
   * a text or a record that is not in the index), from the thread that
   * runs the query; NULL keeps every pair. */
  gboolean (*exclude) (TmLibrary target, guint32 source_doc, guint32 target_doc, gpointer data);
  gpointer exclude_data;
  /* Score every document that shares a term instead of pruning
   * (tm-match.c): the same results, slower; for tests and measurements. */
  gboolean exhaustive;
  /* Query feedback: the top @feedback results feed the query back (0:
   * off; at most TM_MAX_FEEDBACK), with β @feedback_beta and at most
   * @feedback_terms terms added.  The first run has no filters, no
   * exclusions, no threshold and no single-document restriction, so a
   * pair's score does not depend on them (explain gives the score match
   * gives). */
  guint feedback;
  double feedback_beta;
  guint feedback_terms;
  /* The latent layer's weight w, 0 to 1 (0: off; ignored for an index
   * without the layer). */
  double semantic;
} TmMatchOptions;

void tm_match_options_init (TmMatchOptions *options);

/* A query term's part in one result. */
typedef struct {
  const char *term;        /* owned by the results */
  guint32 tf[TM_N_IFIELDS];/* in the document, per field */
  double idf;
  double query_weight;
  double doc_weight;
  double contribution;     /* its share of the score (the shares add up to it) */
} TmContribution;

/* When explaining with the latent layer: a strong query term the result
 * lacks and a term the result holds that lies close to it in the latent
 * space (违章 ≈ 违规), by the cosine of their projections. */
typedef struct {
  const char *query_term;  /* owned by the results */
  const char *term;        /* owned by the results */
  double similarity;
} TmNeighbour;

typedef struct {
  guint32 doc;
  double score;
  GArray *contributions;   /* TmContribution, largest first; NULL unless explaining.
                            * With the latent layer they are the lexical
                            * shares times 1 − w: they and latent_share add
                            * up to the score. */
  GPtrArray *missing;      /* strong query terms the document lacks (char *) */
  /* A batch over partitions (tm-batch.h): which of its indexes holds
   * @doc; 0 otherwise. */
  guint part;
  double latent;           /* the latent cosine (0 without the layer) */
  double latent_share;     /* w × max(latent, 0): its part of the score */
  GArray *neighbours;      /* TmNeighbour, by query term strength then
                            * similarity; NULL unless explaining with the layer */
} TmResult;

/* A term the query feedback brought into the query. */
typedef struct {
  const char *term;        /* owned by the results */
  double weight;           /* its query weight in the second run */
} TmFeedbackTerm;

typedef struct {
  TmLibrary target;
  GArray *results;         /* TmResult, best first */
  guint n_query_terms;     /* terms of the query found in the target library */
  guint n_used_terms;      /* kept after the MoreLikeThis cut-off */
  /* Query feedback: the documents it took (0: none, or it was off) and,
   * when explaining, the kept terms it added to the query (TmFeedbackTerm,
   * strongest first; NULL otherwise). */
  guint n_feedback_docs;
  GArray *feedback;
  /* The latent layer's weight the scores were blended with: 0 when it
   * was off or the index has none. */
  double semantic;
  GStringChunk *strings;
} TmResults;

void tm_results_free (TmResults *results);

typedef struct _TmMatcher TmMatcher;

/* Working memory for one thread over one index (accumulators, analysis).
 * @analyzer must be built with the index's analyzer options.  transfer
 * full: free with tm_matcher_free(). */
TmMatcher *tm_matcher_new (const TmIndex *index, const TmAnalyzer *analyzer);
void       tm_matcher_free (TmMatcher *matcher);

/* Ranks the @target library against @record (of the other library).
 * Errors: TM_ERROR_BAD_QUERY (nothing to match on),
 * TM_ERROR_CORRUPT_INDEX.  transfer full: free with tm_results_free(). */
TmResults *tm_matcher_run_record (TmMatcher *matcher, const TmRecord *record, TmLibrary target,
                                  const TmMatchOptions *options, GError **error);

/* The same for document @doc of @source, from the index's forward lists
 * (no analysis, no stored record): what batch and match --demand use.
 * A document with no term gives empty results. */
TmResults *tm_matcher_run_doc (TmMatcher *matcher, TmLibrary source, guint32 doc, TmLibrary target,
                               const TmMatchOptions *options, GError **error);

/* The same for document @doc of @source in @source_index, another
 * partition of the same corpus (tm-stats.h): its terms weighed with the
 * global statistics both were built with, ranked against the matcher's
 * index.  The exclude callback gets G_MAXUINT32 as the source's
 * document unless @source_index is the matcher's. */
TmResults *tm_matcher_run_doc_from (TmMatcher *matcher, const TmIndex *source_index, TmLibrary source,
                                    guint32 doc, TmLibrary target, const TmMatchOptions *options,
                                    GError **error);

/* For a batch over the documents @docs of @source: scans the target's
 * latent vectors once for the first of them, as many as fit in a block
 * (up to 16, fewer for a large library), rather than once each, and
 * keeps their latent cosines until the next call.  tm_matcher_run_doc()
 * for those documents then finds its row there: the same floats, the
 * same results; for any other query the block is not used.  At 10^6
 * documents a query's scan reads 128 MB, from memory rather than cache:
 * the block reads it once for all.  Returns how many of @docs the block
 * took (at least one when @n_docs is not 0): call it again for the next.
 * Nothing is scanned when @options turn the layer off. */
guint tm_matcher_prepare_docs (TmMatcher *matcher, TmLibrary source, const guint32 *docs, guint n_docs,
                               TmLibrary target, const TmMatchOptions *options);

/* The same for a text, analyzed like a demand's description. */
TmResults *tm_matcher_run_text (TmMatcher *matcher, const char *text, gssize len, TmLibrary target,
                                const TmMatchOptions *options, GError **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TmMatcher, tm_matcher_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (TmResults, tm_results_free)

G_END_DECLS

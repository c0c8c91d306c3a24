/* tm-pretok.h — the second stage of analysis: runs of one kind.
 *
 * Splits normalized text (tm-normalize.h) into runs with one PCRE2
 * pattern (UTF, UCP, JIT-compiled): Han runs, which the segmenter cuts
 * into words, and technical tokens, kept whole: Latin words and
 * abbreviations (pem, sic), alloys and models (ti-6al-4v, g8.5+), numbers
 * with their units (27.3%, 1200°c, 30w).  A number followed by one space
 * and a unit ("30 w") becomes the same token as "30w".  Text between runs
 * (spaces, punctuation, symbols) separates them; nothing is ever joined
 * across it, so no bigram spans a non-Han gap.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef enum {
  TM_RUN_HAN,
  TM_RUN_LATIN,   /* has a letter: words, abbreviations, models, alloys */
  TM_RUN_NUMBER,  /* digits with decimal point, sign, percent or a unit */
} TmRunKind;

typedef struct _TmPretok TmPretok;
typedef struct _TmPretokScratch TmPretokScratch;

/* transfer full: free with tm_pretok_free() */
TmPretok *tm_pretok_new (GError **error);
void      tm_pretok_free (TmPretok *pretok);

/* Per-thread working memory (PCRE2 match data).  transfer full */
TmPretokScratch *tm_pretok_scratch_new (const TmPretok *pretok);
void             tm_pretok_scratch_free (TmPretokScratch *scratch);

/* Calls @func for each run of @text (valid UTF-8), in order, with its
 * byte offsets.  For a number joined to a unit across one space, @term
 * is the joined spelling (valid during the call only); otherwise @term
 * is NULL and the run's text is text[start..end).  Fails (TM_ERROR_LIMIT,
 * naming the byte offset) only when PCRE2 reports an error, such as a
 * resource limit; the runs before it have been handed on. */
typedef void (*TmRunFunc) (TmRunKind kind, gsize start, gsize end, const char *term,
                           gpointer user_data);

gboolean tm_pretok_run (const TmPretok *pretok, TmPretokScratch *scratch,
                        const char *text, gsize len, TmRunFunc func, gpointer user_data,
                        GError **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TmPretok, tm_pretok_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (TmPretokScratch, tm_pretok_scratch_free)

G_END_DECLS

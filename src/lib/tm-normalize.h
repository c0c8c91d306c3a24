/* tm-normalize.h — the first stage of analysis: one canonical spelling.
 *
 * Compatibility normalization (NFKC, applied character by character:
 * full-width letters and digits become ASCII, ℃ becomes °c, ² becomes 2),
 * lower-casing, white space and control characters (NUL included) folded
 * to a plain space, and traditional Chinese converted to simplified phrase
 * by phrase, as OpenCC's t2s conversion does, with its tables compiled in.
 * A map from every byte of the result to the byte of the input it came
 * from keeps the offsets that highlighting needs.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct _TmNormalizer TmNormalizer;

/* @t2s_table: the conversion, "KEY<TAB>VALUE" per line, keys and values
 * Han text (the "t2s-table.txt" resource, generated at build time from
 * OpenCC's TSPhrases and TSCharacters): at each place of a traditional
 * text the longest key is replaced by its value.  @t2s_chars: the
 * characters that mark text as traditional, one per line (the
 * "t2s-chars.txt" resource): a text without any of them is left as it
 * is.  That is faster and keeps simplified text as it is: t2s applied to
 * simplified text is not the identity (乾县, a county, would become 干县).
 * A malformed table is an error (TM_ERROR_PARSE).
 * transfer full: free with tm_normalizer_free(). */
TmNormalizer *tm_normalizer_new (GBytes *t2s_table, GBytes *t2s_chars, GError **error);
void          tm_normalizer_free (TmNormalizer *normalizer);

/* The output of a normalization; reused from call to call. */
typedef struct {
  GString *text;  /* normalized UTF-8 */
  GArray *map;    /* guint32 per byte of text, plus one: input byte offset */
  /* working space */
  GString *tmp;
  GArray *tmp_map;
} TmNormalized;

TmNormalized *tm_normalized_new (void);
void          tm_normalized_free (TmNormalized *n);

/* Normalizes @text (@len bytes).  Invalid UTF-8 is an error
 * (TM_ERROR_PARSE) that names the byte offset.  Thread-safe: many threads
 * may share one normalizer, each with its own @out. */
gboolean tm_normalizer_run (const TmNormalizer *normalizer, const char *text, gsize len,
                            TmNormalized *out, GError **error);

/* Whether @c is in the Han script (CJK unified ideographs, extensions,
 * compatibility ideographs). */
gboolean tm_unichar_is_han (gunichar c);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TmNormalizer, tm_normalizer_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (TmNormalized, tm_normalized_free)

G_END_DECLS

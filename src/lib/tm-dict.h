/* tm-dict.h — the segmenter's word dictionary and the segmentation itself.
 *
 * A TmDict is jieba's word-frequency dictionary, compiled at build time
 * into a trie that is used in place (no parsing at run time), plus an
 * overlay of words added at run time from lexicon files.  Segmentation is
 * jieba's: build the graph of every dictionary word starting at every
 * character, then take the route of maximum probability (the sum of
 * log(freq / total) over its words) from the end of the run backwards.
 *
 * A TmDict is read-only once its lexicons are loaded, and may then be
 * shared by any number of threads.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct _TmDict TmDict;

/* The dictionary in @bytes (the compiled format of tm-dict-format.h).
 * Returns NULL with TM_ERROR_PARSE when the
 * data is not a valid compiled dictionary.  Keeps a reference to @bytes.
 * transfer full: free with tm_dict_free(). */
TmDict  *tm_dict_new (GBytes *bytes, GError **error);

/* Adds the words of a lexicon: one per line, "WORD" or "WORD WEIGHT"
 * (a positive integer frequency; without one the word gets the smallest
 * frequency that lets it win over its own parts, as jieba's
 * suggest_freq() computes it).  Lines starting with # and blank lines are
 * skipped.  @name names the text in messages (file:line: ...).  Words
 * are used as written: lexicons hold normalized text (simplified,
 * lower-case). */
gboolean tm_dict_load_lexicon (TmDict *dict, const char *text, gssize len,
                               const char *name, GError **error);

/* Adds one word; @freq 0 means "suggest one" (see above). */
void     tm_dict_add_word (TmDict *dict, const char *word, guint64 freq);

/* Whether @word (UTF-8, @len bytes) is a dictionary word (frequency > 0). */
gboolean tm_dict_contains (const TmDict *dict, const char *word, gsize len);

guint    tm_dict_get_n_words (const TmDict *dict);

/* Working memory for tm_dict_segment(): one per thread, reused from call
 * to call, so that segmenting allocates nothing per word (it grows only
 * to the longest run seen).  transfer full: free with
 * tm_seg_scratch_free(). */
typedef struct _TmSegScratch TmSegScratch;

TmSegScratch *tm_seg_scratch_new (void);
void          tm_seg_scratch_free (TmSegScratch *scratch);

/* Splits the run @text (UTF-8, @len bytes, valid; normally one run of Han
 * characters) into words and calls @func with the byte offsets of each
 * word, in order. */
typedef void (*TmSegmentFunc) (gsize start, gsize end, gpointer user_data);

void     tm_dict_segment (const TmDict *dict, const char *text, gsize len,
                          TmSegScratch *scratch, TmSegmentFunc func, gpointer user_data);

void     tm_dict_free (TmDict *dict);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TmDict, tm_dict_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (TmSegScratch, tm_seg_scratch_free)

G_END_DECLS

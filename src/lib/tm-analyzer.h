/* tm-analyzer.h — text to terms: what the index stores and queries use.
 *
 * The stages, each its own module: normalize (tm-normalize.h: NFKC, lower
 * case, traditional → simplified), pre-tokenize (tm-pretok.h: Han runs and
 * technical tokens), segment Han runs with the dictionary (tm-dict.h: the
 * built-in word list plus lexicons), drop stopwords, stem English words
 * (Snowball; abbreviations written in capitals are kept as they are), map
 * synonyms onto their group's canonical term, then emit terms as the mode
 * asks:
 *
 *   words    dictionary words; runs of characters the dictionary does not
 *            know (two or more single characters in a row) as bigrams
 *   bigrams  overlapping character bigrams of every Han run
 *   mixed    words, plus the bigrams inside every word of three or more
 *            characters
 *
 * Latin words, abbreviations and numbers are terms in every mode.  No
 * term is built across a gap between runs.
 *
 * A TmAnalyzer is immutable once built and is shared by threads; each
 * thread analyzes with its own TmAnalysis (working memory), so analysis
 * allocates nothing per term.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef enum {
  TM_MODE_WORDS,
  TM_MODE_BIGRAMS,
  TM_MODE_MIXED,
} TmAnalyzerMode;

typedef enum {
  TM_TERM_WORD,    /* a Han dictionary word (or a synonym's canonical term) */
  TM_TERM_BIGRAM,  /* two Han characters */
  TM_TERM_LATIN,   /* a Latin word, abbreviation, model or alloy */
  TM_TERM_NUMBER,  /* a number, with its unit when it has one */
} TmTermKind;

/* The kinds of word list an analyzer adds to its built-in ones. */
typedef enum {
  TM_WORD_LIST_LEXICON,    /* words, as corpus/lexicon.txt */
  TM_WORD_LIST_STOPWORDS,  /* stopwords, as corpus/stopwords-*.txt */
  TM_WORD_LIST_SYNONYMS,   /* synonym groups, as corpus/synonyms.txt */
} TmWordListKind;

#define TM_N_WORD_LIST_KINDS 3

/* A word list already in memory: an index carries the lists it was
 * built with, so that a query never opens a file the index names.
 * @name is what messages call it (the file it came from). */
typedef struct {
  TmWordListKind kind;
  const char *name;
  const char *text;
  gsize len;
} TmWordList;

typedef struct {
  TmAnalyzerMode mode;
  gboolean synonyms;      /* map synonyms to their canonical term */
  gboolean stopwords;     /* drop stopwords */
  gboolean stem;          /* stem English words */
  /* Files added to the built-in resources (NULL-terminated lists, or
   * NULL): same formats as corpus/lexicon.txt, corpus/synonyms.txt and
   * corpus/stopwords-*.txt. */
  const char * const *lexicons;
  const char * const *synonym_files;
  const char * const *stopword_files;
  /* Word lists in memory, added after the files of their kind
   * (NULL-terminated, or NULL). */
  const TmWordList * const *word_lists;
} TmAnalyzerOptions;

/* The defaults: words mode, synonyms, stopwords and stemming on. */
void tm_analyzer_options_init (TmAnalyzerOptions *options);

const char *tm_analyzer_mode_name (TmAnalyzerMode mode);
gboolean    tm_analyzer_mode_from_name (const char *name, TmAnalyzerMode *mode);
const char *tm_term_kind_name (TmTermKind kind);

typedef struct _TmAnalyzer TmAnalyzer;
typedef struct _TmAnalysis TmAnalysis;

/* Builds an analyzer from the resources compiled into the program, the
 * files named in @options (regular files of at most
 * TM_MAX_WORD_LIST_BYTES) and its in-memory word lists.  Errors:
 * TM_ERROR_IO (a file cannot be read or is not a regular file),
 * TM_ERROR_LIMIT (a file is too large), TM_ERROR_PARSE (a word list is
 * malformed: file:line).
 * transfer full: free with tm_analyzer_free(). */
TmAnalyzer *tm_analyzer_new (const TmAnalyzerOptions *options, GError **error);
void        tm_analyzer_free (TmAnalyzer *analyzer);

const TmAnalyzerOptions *tm_analyzer_get_options (const TmAnalyzer *analyzer);

/* Every word list the analyzer added to its built-in ones, files and
 * in-memory lists alike, in the order it loaded them, with their whole
 * text: what an index stores so that its queries need no file.  Owned
 * by the analyzer; @n_lists receives their number. */
const TmWordList *tm_analyzer_get_word_lists (const TmAnalyzer *analyzer, guint *n_lists);

/* Working memory for one thread.  transfer full: free with
 * tm_analysis_free(). */
TmAnalysis *tm_analysis_new (const TmAnalyzer *analyzer);
void        tm_analysis_free (TmAnalysis *analysis);

typedef struct {
  const char *text;   /* the term, UTF-8, not NUL-terminated */
  gsize len;
  TmTermKind kind;
  int field;          /* as passed to tm_analyzer_analyze() */
  gsize start, end;   /* byte offsets of its source in the original text */
} TmTerm;

/* @term and its text are valid during the call only. */
typedef void (*TmTermFunc) (const TmTerm *term, gpointer user_data);

/* Analyzes @text (@len bytes, or -1 when NUL-terminated) and hands each
 * term to @func in text order.  Fails only on invalid UTF-8
 * (TM_ERROR_PARSE, naming the byte offset); an embedded NUL (with an
 * explicit @len) separates like a space. */
gboolean tm_analyzer_analyze (const TmAnalyzer *analyzer, TmAnalysis *analysis,
                              int field, const char *text, gssize len,
                              TmTermFunc func, gpointer user_data, GError **error);

/* Splits @text into dictionary words only, as the segmenter sees them:
 * calls @func with the offsets, in the normalized text @normalized_out
 * (which the call fills), of each word of each Han run, and with
 * start == end between runs.  For debugging segmentation and for the
 * agreement test against the reference segmenter. */
gboolean tm_analyzer_segment (const TmAnalyzer *analyzer, TmAnalysis *analysis,
                              const char *text, gssize len, GString *normalized_out,
                              void (*func) (gsize start, gsize end, gpointer user_data),
                              gpointer user_data, GError **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TmAnalyzer, tm_analyzer_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (TmAnalysis, tm_analysis_free)

G_END_DECLS

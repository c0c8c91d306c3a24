/* tm-dict.c — the word dictionary and segmentation (see tm-dict.h; the
 * compiled format is specified in tm-dict-format.h).
 *
 * Words come from two places: the compiled trie, used in place, and an
 * overlay hash of the words added at run time (lexicons) together with
 * their prefixes.  An overlay entry overrides the trie's frequency for the
 * same word.  Semantics follow jieba exactly (the agreement test holds us
 * to it): a prefix-only entry has frequency 0; a substring unknown to both
 * counts as frequency 1 when scored.
 */
#include "config.h"

#include <math.h>
#include <string.h>

#include "tm-dict.h"
#include "tm-dict-format.h"
#include "tm-error.h"
#include "tm-private.h"

#define NO_NODE G_MAXUINT32

typedef TmSpan Span;

/* A node of the overlay trie: words added at run time and their
 * prefixes.  Small (lexicons hold hundreds or thousands of words), so
 * siblings are a linked list. */
typedef struct {
  gunichar label;
  guint32 first_child;
  guint32 next_sibling;
  gboolean has_freq;  /* an added word: its frequency overrides the trie's */
  guint64 freq;
  double log_freq;
} OverlayNode;

struct _TmDict {
  GBytes *bytes;
  const TmDictNode *nodes;
  const guint32 *labels;
  guint32 n_nodes;
  guint n_words;
  guint64 total;
  double log_total;
  GArray *overlay;          /* OverlayNode; 0 is the root */
  GHashTable *overlay_first; /* first character → overlay node */
  guint n_overlay_words;
  /* The root's children by code point, for the BMP: the root has tens of
   * thousands of children, and every position of every run starts there. */
  guint32 *root_child;      /* 0x10000 entries; NO_NODE where none */
  guint8 overlay_first_bits[0x10000 / 8];
};

struct _TmSegScratch {
  GArray *chars;       /* gunichar */
  GArray *offsets;     /* gsize, n + 1: byte offset of each character */
  GArray *edge_start;  /* guint32, n + 1: first edge of each position */
  GArray *edges;       /* Edge */
  GArray *score;       /* double, n + 1 */
  GArray *next;        /* guint32, n: end of the best first word */
};

typedef struct {
  guint32 end;         /* index of the word's last character */
  double log_freq;
} Edge;

/* FNV-1a over the bytes, then MurmurHash3's finalizer: terms are short
 * UTF-8 strings whose bytes vary little (CJK is 0xE4–0xE9 then two
 * continuation bytes), so the low bits GHashTable uses need the final
 * mixing. */
guint
_tm_span_hash (gconstpointer p)
{
  const Span *s = p;
  const guint8 *b = (const guint8 *) s->text;
  guint32 h = 2166136261u;

  for (gsize i = 0; i < s->len; i++)
    h = (h ^ b[i]) * 16777619u;
  h ^= h >> 16;
  h *= 0x85EBCA6Bu;
  h ^= h >> 13;
  h *= 0xC2B2AE35u;
  h ^= h >> 16;
  return h;
}

gboolean
_tm_span_equal (gconstpointer a, gconstpointer b)
{
  const Span *x = a, *y = b;

  return x->len == y->len && memcmp (x->text, y->text, x->len) == 0;
}

/* transfer full */
TmDict *
tm_dict_new (GBytes *bytes, GError **error)
{
  g_autoptr(TmDict) dict = NULL;
  const TmDictHeader *header;
  gsize size;
  const guint8 *data = g_bytes_get_data (bytes, &size);

  if (size < sizeof (TmDictHeader) || ((gsize) data % G_ALIGNOF (TmDictNode)) != 0)
    {
      g_set_error (error, TM_ERROR, TM_ERROR_PARSE, _("compiled dictionary: too short or misaligned"));
      return NULL;
    }
  header = (const TmDictHeader *) data;
  if (memcmp (header->magic, TM_DICT_MAGIC, sizeof header->magic) != 0
      || header->version != TM_DICT_VERSION
      || header->n_nodes == 0
      || size != sizeof *header + (gsize) header->n_nodes * sizeof (TmDictNode)
                 + (gsize) (header->n_nodes + (header->n_nodes & 1)) * sizeof (guint32)
      || header->total == 0)
    {
      g_set_error (error, TM_ERROR, TM_ERROR_PARSE, _("compiled dictionary: bad header"));
      return NULL;
    }

  dict = g_new0 (TmDict, 1);
  dict->bytes = g_bytes_ref (bytes);
  dict->nodes = (const TmDictNode *) (data + sizeof *header);
  dict->labels = (const guint32 *) (dict->nodes + header->n_nodes);
  dict->n_nodes = header->n_nodes;
  dict->n_words = header->n_words;
  dict->total = header->total;
  dict->log_total = log ((double) dict->total);
  dict->overlay = g_array_new (FALSE, TRUE, sizeof (OverlayNode));
  g_array_set_size (dict->overlay, 1);
  dict->overlay_first = g_hash_table_new (NULL, NULL);

  dict->root_child = g_new (guint32, 0x10000);
  memset (dict->root_child, 0xFF, 0x10000 * sizeof (guint32));
  /* The trie is part of the program (compiled in by tm-mkdict, which
   * writes child ranges only inside the node array), so only the root's
   * range is checked here: walking all of it would fault in every page of
   * 12 MB at each start. */
  if (dict->nodes[0].n_children > dict->n_nodes - 1
      || dict->nodes[0].first_child + dict->nodes[0].n_children > dict->n_nodes)
    {
      g_set_error (error, TM_ERROR, TM_ERROR_PARSE, _("compiled dictionary: bad root"));
      return NULL;
    }
  for (guint32 c = dict->nodes[0].first_child;
       c < dict->nodes[0].first_child + dict->nodes[0].n_children; c++)
    if (dict->labels[c] < 0x10000)
      dict->root_child[dict->labels[c]] = c;
  return g_steal_pointer (&dict);
}

void
tm_dict_free (TmDict *dict)
{
  if (dict == NULL)
    return;
  if (dict->overlay != NULL)
    {
      g_array_unref (dict->overlay);
      g_hash_table_unref (dict->overlay_first);
    }
  g_free (dict->root_child);
  g_bytes_unref (dict->bytes);
  g_free (dict);
}

guint
tm_dict_get_n_words (const TmDict *dict)
{
  return dict->n_words + dict->n_overlay_words;
}

/* Up to this many children are scanned in place (a cache line or two of
 * nodes); more are searched in labels[]. */
#define SCAN_CHILDREN 6

static guint32
trie_child (const TmDict *dict, guint32 node, gunichar c)
{
  const TmDictNode *n;
  guint32 lo, hi;

  if (node == NO_NODE)
    return NO_NODE;
  if (node == 0 && c < 0x10000)
    return dict->root_child[c];
  n = &dict->nodes[node];
  lo = n->first_child;
  hi = lo + n->n_children;
  if (n->n_children <= SCAN_CHILDREN)
    {
      for (; lo < hi; lo++)
        if (dict->nodes[lo].label >= c)
          return dict->nodes[lo].label == c ? lo : NO_NODE;
      return NO_NODE;
    }
  /* Branch-free: the last label <= c, the halving a conditional move
   * (a search whose branches the processor cannot guess costs more in
   * mispredictions than in the lines it reads). */
  {
    const gunichar *base = dict->labels + lo;
    guint32 len = hi - lo;

    while (len > 1)
      {
        guint32 half = len / 2;

        base = base[half] <= c ? base + half : base;
        len -= half;
      }
    return *base == c ? (guint32) (base - dict->labels) : NO_NODE;
  }
}

static guint32
overlay_child (const TmDict *dict, guint32 node, gunichar c)
{
  const OverlayNode *nodes = (const OverlayNode *) dict->overlay->data;

  if (node == NO_NODE)
    return NO_NODE;
  if (node == 0)
    {
      gpointer found;

      if (c < 0x10000 && !((dict->overlay_first_bits[c >> 3] >> (c & 7)) & 1))
        return NO_NODE;
      return g_hash_table_lookup_extended (dict->overlay_first, GUINT_TO_POINTER (c), NULL, &found)
        ? GPOINTER_TO_UINT (found) : NO_NODE;
    }
  for (guint32 k = nodes[node].first_child; k != 0; k = nodes[k].next_sibling)
    if (nodes[k].label == c)
      return k;
  return NO_NODE;
}

/* What the dictionary knows of the text that led to trie node @node and
 * overlay node @onode: whether it is known at all (a word or a prefix),
 * and its frequency (0 for a prefix). */
static inline gboolean
lookup (const TmDict *dict, guint32 node, guint32 onode, guint64 *freq, double *log_freq)
{
  const OverlayNode *o = onode != NO_NODE ? &g_array_index (dict->overlay, OverlayNode, onode) : NULL;

  if (o != NULL && o->has_freq)
    {
      *freq = o->freq;
      *log_freq = o->log_freq;
      return TRUE;
    }
  if (node != NO_NODE)
    {
      *freq = dict->nodes[node].freq;
      *log_freq = dict->nodes[node].log_freq;
      return TRUE;
    }
  *freq = 0;
  *log_freq = 0.0;
  return o != NULL;
}

/* Both tries walked along @text. */
static gboolean
lookup_text (const TmDict *dict, const char *text, gsize len, guint64 *freq, double *log_freq)
{
  guint32 node = 0, onode = 0;

  for (const char *p = text; p < text + len; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      node = trie_child (dict, node, c);
      onode = overlay_child (dict, onode, c);
      if (node == NO_NODE && onode == NO_NODE)
        return FALSE;
    }
  return lookup (dict, node, onode, freq, log_freq);
}

/* transfer full */
TmSegScratch *
tm_seg_scratch_new (void)
{
  TmSegScratch *s = g_new0 (TmSegScratch, 1);

  s->chars = g_array_new (FALSE, FALSE, sizeof (gunichar));
  s->offsets = g_array_new (FALSE, FALSE, sizeof (gsize));
  s->edge_start = g_array_new (FALSE, FALSE, sizeof (guint32));
  s->edges = g_array_new (FALSE, FALSE, sizeof (Edge));
  s->score = g_array_new (FALSE, FALSE, sizeof (double));
  s->next = g_array_new (FALSE, FALSE, sizeof (guint32));
  return s;
}

void
tm_seg_scratch_free (TmSegScratch *s)
{
  if (s == NULL)
    return;
  g_array_unref (s->chars);
  g_array_unref (s->offsets);
  g_array_unref (s->edge_start);
  g_array_unref (s->edges);
  g_array_unref (s->score);
  g_array_unref (s->next);
  g_free (s);
}

/* Edges are written in place; the array's length is their capacity. */
static inline void
add_edge (TmSegScratch *s, guint32 *n_edges, guint32 end, double log_freq)
{
  Edge *e;

  if (*n_edges == s->edges->len)
    g_array_set_size (s->edges, MAX (256u, s->edges->len * 2));
  e = &g_array_index (s->edges, Edge, (*n_edges)++);
  e->end = end;
  e->log_freq = log_freq;
}

/* Builds the word graph and the best route; leaves the route in
 * scratch->next.  Returns the number of characters. */

static guint32
route (const TmDict *dict, const char *text, gsize len, TmSegScratch *s)
{
  guint32 n = 0, n_edges = 0;
  gunichar *chars;
  gsize *offsets;
  double *score;
  guint32 *next;

  /* At most one character per byte. */
  g_array_set_size (s->chars, len);
  g_array_set_size (s->offsets, len + 1);
  chars = (gunichar *) s->chars->data;
  offsets = (gsize *) s->offsets->data;
  for (const char *p = text; p < text + len; p = g_utf8_next_char (p))
    {
      chars[n] = g_utf8_get_char (p);
      offsets[n++] = (gsize) (p - text);
    }
  offsets[n] = len;

  /* The graph: for each position k, every i such that text[k..i] is a
   * word (frequency > 0), else k alone. */
  g_array_set_size (s->edge_start, n + 1);
  for (guint32 k = 0; k < n; k++)
    {
      guint32 node = 0, onode = 0;
      guint32 first = n_edges;

      g_array_index (s->edge_start, guint32, k) = first;
      for (guint32 i = k; i < n; i++)
        {
          guint64 freq;
          double log_freq;

          node = trie_child (dict, node, chars[i]);
          onode = overlay_child (dict, onode, chars[i]);
          if (!lookup (dict, node, onode, &freq, &log_freq))
            break;
          if (freq > 0)
            add_edge (s, &n_edges, i, log_freq);
        }
      if (n_edges == first)
        add_edge (s, &n_edges, k, 0.0);  /* log(1): an unknown single character */
    }
  g_array_index (s->edge_start, guint32, n) = n_edges;

  /* The best route, from the end backwards; ties go to the longer word. */
  g_array_set_size (s->score, n + 1);
  g_array_set_size (s->next, n);
  score = (double *) s->score->data;
  next = (guint32 *) s->next->data;
  score[n] = 0.0;
  for (guint32 k = n; k-- > 0;)
    {
      const Edge *e = &g_array_index (s->edges, Edge, g_array_index (s->edge_start, guint32, k));
      const Edge *end = &g_array_index (s->edges, Edge, g_array_index (s->edge_start, guint32, k + 1));
      double best = -INFINITY;
      guint32 best_end = k;

      for (; e < end; e++)
        {
          double v = e->log_freq - dict->log_total + score[e->end + 1];

          if (v > best || (v == best && e->end > best_end))
            {
              best = v;
              best_end = e->end;
            }
        }
      score[k] = best;
      next[k] = best_end;
    }
  return n;
}

void
tm_dict_segment (const TmDict *dict, const char *text, gsize len,
                 TmSegScratch *scratch, TmSegmentFunc func, gpointer user_data)
{
  guint32 n = route (dict, text, len, scratch);
  const gsize *offsets = (const gsize *) scratch->offsets->data;
  const guint32 *next = (const guint32 *) scratch->next->data;

  for (guint32 k = 0; k < n; k = next[k] + 1)
    func (offsets[k], offsets[next[k] + 1], user_data);
}

gboolean
tm_dict_contains (const TmDict *dict, const char *word, gsize len)
{
  guint64 freq;
  double log_freq;

  return lookup_text (dict, word, len, &freq, &log_freq) && freq > 0;
}

/* The frequency jieba's suggest_freq(word, tune=False) gives a new word:
 * the smallest that makes the whole word outscore the route through its
 * parts, and never less than what the dictionary already says. */
typedef struct {
  const TmDict *dict;
  const char *word;
  double product;
} Suggest;

static guint64
known_freq (const TmDict *dict, const char *text, gsize len)
{
  guint64 freq;
  double log_freq;

  return lookup_text (dict, text, len, &freq, &log_freq) ? freq : 1;
}

static void
suggest_part (gsize start, gsize end, gpointer data)
{
  Suggest *s = data;

  s->product *= (double) known_freq (s->dict, s->word + start, end - start) / (double) s->dict->total;
}

static guint64
suggest_freq (TmDict *dict, const char *word, gsize len)
{
  g_autoptr(TmSegScratch) scratch = tm_seg_scratch_new ();
  Suggest s = { dict, word, 1.0 };
  guint64 freq;

  tm_dict_segment (dict, word, len, scratch, suggest_part, &s);
  freq = (guint64) (s.product * (double) dict->total) + 1;
  return MAX (freq, known_freq (dict, word, len));
}

/* The overlay node for @word, created with its prefixes if needed. */
static guint32
overlay_insert (TmDict *dict, const char *word)
{
  guint32 node = 0;

  for (const char *p = word; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);
      guint32 child = overlay_child (dict, node, c);

      if (child == NO_NODE)
        {
          OverlayNode n = { c, 0, 0, FALSE, 0, 0.0 };
          OverlayNode *parent;

          child = dict->overlay->len;
          g_array_append_val (dict->overlay, n);
          parent = &g_array_index (dict->overlay, OverlayNode, node);
          if (node == 0)
            {
              g_hash_table_insert (dict->overlay_first, GUINT_TO_POINTER (c), GUINT_TO_POINTER (child));
              if (c < 0x10000)
                dict->overlay_first_bits[c >> 3] |= (guint8) (1u << (c & 7));
            }
          else
            {
              g_array_index (dict->overlay, OverlayNode, child).next_sibling = parent->first_child;
              parent->first_child = child;
            }
        }
      node = child;
    }
  return node;
}

/* Adds @word as jieba's add_word() does: its frequency replaces any the
 * word had and adds to the total; prefixes unknown so far become known
 * with frequency 0 (an overlay node without a frequency of its own). */
void
tm_dict_add_word (TmDict *dict, const char *word, guint64 freq)
{
  gsize len = strlen (word);
  OverlayNode *o;
  guint32 node;

  g_return_if_fail (len > 0 && g_utf8_validate (word, len, NULL));

  if (freq == 0)
    freq = suggest_freq (dict, word, len);
  node = overlay_insert (dict, word);
  o = &g_array_index (dict->overlay, OverlayNode, node);
  if (!o->has_freq)
    dict->n_overlay_words++;
  o->has_freq = TRUE;
  o->freq = freq;
  o->log_freq = log ((double) freq);
  dict->total += freq;
  dict->log_total = log ((double) dict->total);
}

gboolean
tm_dict_load_lexicon (TmDict *dict, const char *text, gssize len, const char *name,
                      GError **error)
{
  g_autofree char *copy = len < 0 ? g_strdup (text) : g_strndup (text, (gsize) len);
  guint lineno = 0;

  if (!g_utf8_validate (copy, -1, NULL))
    {
      g_set_error (error, TM_ERROR, TM_ERROR_PARSE, _("%s: not valid UTF-8"), name);
      return FALSE;
    }
  for (char *line = copy, *next; line != NULL; line = next)
    {
      char *space;
      guint64 freq = 0;

      next = strchr (line, '\n');
      if (next != NULL)
        *next++ = '\0';
      lineno++;
      g_strstrip (line);
      if (line[0] == '\0' || line[0] == '#')
        continue;
      space = strpbrk (line, " \t");
      if (space != NULL)
        {
          char *end;

          *space++ = '\0';
          g_strchug (space);
          freq = g_ascii_strtoull (space, &end, 10);
          if (end == space || *end != '\0' || freq == 0 || freq > G_MAXUINT32)
            {
              g_set_error (error, TM_ERROR, TM_ERROR_PARSE,
                           _("%s:%u: \"%s\": the weight is a positive integer"), name, lineno, space);
              return FALSE;
            }
        }
      tm_dict_add_word (dict, line, freq);
    }
  return TRUE;
}

/* tm-normalize.c — NFKC, lower case, traditional → simplified, with an
 * offset map (see tm-normalize.h). */
#include "config.h"

#include <string.h>

#include "tm-error.h"
#include "tm-i18n.h"
#include "tm-normalize.h"

/* One entry of the t2s table: a traditional key and its simplified value,
 * both Han text, as byte ranges of the table's text. */
typedef struct {
  guint32 key_at, key_len;
  guint32 value_at, value_len;
  guint32 key_chars, value_chars;
} T2sEntry;

/* The entries that begin with one character: entries[first ..
 * first + count), longest key first. */
typedef struct {
  guint32 first, count;
} T2sBucket;

struct _TmNormalizer {
  GBytes *table;          /* the "t2s-table.txt" text the entries point into */
  GArray *entries;        /* of T2sEntry, grouped by first character */
  GArray *buckets;        /* of T2sBucket */
  /* first character → index + 1 in buckets, 0 for none: a page of 256
   * slots per 256 code points of the BMP that begin some key (most pages
   * stay NULL), a hash table beyond it. */
  guint16 *pages[0x10000 / 256];
  GHashTable *by_first;
  /* One bit per BMP code point that marks a text as traditional (see
   * tm-normalize.h); a text with none of them is left as it is. */
  guint8 t2s_bits[0x10000 / 8];
};

gboolean
tm_unichar_is_han (gunichar c)
{
  return (c >= 0x4E00 && c <= 0x9FFF)     /* CJK unified ideographs */
    || (c >= 0x3400 && c <= 0x4DBF)       /* extension A */
    || (c >= 0x20000 && c <= 0x323AF)     /* extensions B–H */
    || (c >= 0xF900 && c <= 0xFAFF)       /* compatibility ideographs */
    || c == 0x3007;                       /* 〇 */
}

static gint
compare_entries (gconstpointer a, gconstpointer b, gpointer user_data)
{
  const T2sEntry *x = a, *y = b;
  const char *text = user_data;
  gunichar fx = g_utf8_get_char (text + x->key_at), fy = g_utf8_get_char (text + y->key_at);

  if (fx != fy)
    return fx < fy ? -1 : 1;
  if (x->key_len != y->key_len)
    return x->key_len > y->key_len ? -1 : 1;
  return 0;
}

static gboolean
all_han (const char *p, const char *end)
{
  for (; p < end; p = g_utf8_next_char (p))
    if (!tm_unichar_is_han (g_utf8_get_char (p)))
      return FALSE;
  return TRUE;
}

/* Reads "KEY<TAB>VALUE" lines (the "t2s-table.txt" resource).  The keys
 * and values are Han text: the conversion runs over stretches of Han
 * characters and copies everything else. */
static gboolean
load_table (TmNormalizer *n, GError **error)
{
  gsize size;
  const char *data = g_bytes_get_data (n->table, &size);
  guint line = 0;

  if (size > G_MAXUINT32 || !g_utf8_validate_len (data, size, NULL))
    {
      g_set_error (error, TM_ERROR, TM_ERROR_PARSE, _("the t2s table is not UTF-8"));
      return FALSE;
    }
  for (const char *p = data; p < data + size;)
    {
      const char *eol = memchr (p, '\n', (gsize) (data + size - p));
      const char *end = eol != NULL ? eol : data + size;
      const char *tab = memchr (p, '\t', (gsize) (end - p));
      T2sEntry e;

      line++;
      if (end == p)
        {
          p = end + 1;
          continue;
        }
      if (tab == NULL || tab == p || tab + 1 == end || !all_han (p, tab) || !all_han (tab + 1, end))
        {
          g_set_error (error, TM_ERROR, TM_ERROR_PARSE,
                       _("t2s table, line %u: expected KEY<TAB>VALUE, both Han text"), line);
          return FALSE;
        }
      e.key_at = (guint32) (p - data);
      e.key_len = (guint32) (tab - p);
      e.value_at = (guint32) (tab + 1 - data);
      e.value_len = (guint32) (end - tab - 1);
      e.key_chars = (guint32) g_utf8_strlen (p, tab - p);
      e.value_chars = (guint32) g_utf8_strlen (tab + 1, end - tab - 1);
      g_array_append_val (n->entries, e);
      p = end + 1;
    }
  g_array_sort_with_data (n->entries, compare_entries, (gpointer) data);
  for (guint i = 0; i < n->entries->len; i++)
    {
      const T2sEntry *e = &g_array_index (n->entries, T2sEntry, i);
      gunichar first = g_utf8_get_char (data + e->key_at);
      T2sBucket *last = n->buckets->len > 0
        ? &g_array_index (n->buckets, T2sBucket, n->buckets->len - 1) : NULL;

      if (last != NULL && g_utf8_get_char (data + g_array_index (n->entries, T2sEntry, last->first).key_at) == first)
        {
          last->count++;
          continue;
        }
      if (n->buckets->len >= G_MAXUINT16)
        {
          g_set_error (error, TM_ERROR, TM_ERROR_PARSE, _("t2s table: more than %u first characters"),
                       (guint) G_MAXUINT16 - 1);
          return FALSE;
        }
      g_array_append_val (n->buckets, ((T2sBucket) { i, 1 }));
      if (first < 0x10000)
        {
          if (n->pages[first >> 8] == NULL)
            n->pages[first >> 8] = g_new0 (guint16, 256);
          n->pages[first >> 8][first & 0xFF] = (guint16) n->buckets->len;
        }
      else
        g_hash_table_insert (n->by_first, GUINT_TO_POINTER (first), GUINT_TO_POINTER (n->buckets->len));
    }
  return TRUE;
}

/* transfer full */
TmNormalizer *
tm_normalizer_new (GBytes *t2s_table, GBytes *t2s_chars, GError **error)
{
  g_autoptr(TmNormalizer) n = g_new0 (TmNormalizer, 1);
  gsize size;
  const char *data = g_bytes_get_data (t2s_chars, &size);

  n->table = g_bytes_ref (t2s_table);
  n->entries = g_array_new (FALSE, FALSE, sizeof (T2sEntry));
  n->buckets = g_array_new (FALSE, FALSE, sizeof (T2sBucket));
  n->by_first = g_hash_table_new (NULL, NULL);
  if (!load_table (n, error))
    return NULL;
  for (const char *p = data; p < data + size;)
    {
      const char *eol = memchr (p, '\n', (gsize) (data + size - p));
      const char *end = eol != NULL ? eol : data + size;

      if (end > p && g_utf8_validate (p, end - p, NULL))
        {
          gunichar c = g_utf8_get_char (p);
          if (c < 0x10000)
            n->t2s_bits[c >> 3] |= (guint8) (1u << (c & 7));
        }
      p = end + 1;
    }
  return g_steal_pointer (&n);
}

void
tm_normalizer_free (TmNormalizer *n)
{
  if (n == NULL)
    return;
  g_clear_pointer (&n->table, g_bytes_unref);
  g_clear_pointer (&n->entries, g_array_unref);
  g_clear_pointer (&n->buckets, g_array_unref);
  g_clear_pointer (&n->by_first, g_hash_table_unref);
  for (gsize i = 0; i < G_N_ELEMENTS (n->pages); i++)
    g_free (n->pages[i]);
  g_free (n);
}

/* transfer full */
TmNormalized *
tm_normalized_new (void)
{
  TmNormalized *n = g_new0 (TmNormalized, 1);

  n->text = g_string_new (NULL);
  n->map = g_array_new (FALSE, FALSE, sizeof (guint32));
  n->tmp = g_string_new (NULL);
  n->tmp_map = g_array_new (FALSE, FALSE, sizeof (guint32));
  return n;
}

void
tm_normalized_free (TmNormalized *n)
{
  if (n == NULL)
    return;
  g_string_free (n->text, TRUE);
  g_array_unref (n->map);
  g_string_free (n->tmp, TRUE);
  g_array_unref (n->tmp_map);
  g_free (n);
}

/* Output cursor over out->tmp / out->tmp_map, grown ahead of need so the
 * loop writes bytes directly. */
typedef struct {
  GString *s;
  GArray *map;
  gsize len;
} Cursor;

static inline void
reserve (Cursor *c, gsize more)
{
  if (c->len + more > c->s->len)
    {
      gsize size = MAX (c->s->len * 2, c->len + more);
      g_string_set_size (c->s, size);
      g_array_set_size (c->map, (guint) size);
    }
}

static inline void
put (Cursor *c, gunichar ch, guint32 from)
{
  guint32 *map;
  int n;

  reserve (c, 6);
  n = g_unichar_to_utf8 (ch, c->s->str + c->len);
  map = (guint32 *) c->map->data + c->len;
  for (int i = 0; i < n; i++)
    map[i] = from;
  c->len += (gsize) n;
}

/* Copies the @len bytes at @from (whose map entries are @from_map) as
 * they are. */
static inline void
put_span (Cursor *c, const char *from, const guint32 *from_map, gsize len)
{
  reserve (c, len);
  memcpy (c->s->str + c->len, from, len);
  memcpy ((guint32 *) c->map->data + c->len, from_map, len * sizeof (guint32));
  c->len += len;
}

static inline gboolean
needs_t2s (const TmNormalizer *n, gunichar c)
{
  return c < 0x10000 && (n->t2s_bits[c >> 3] >> (c & 7)) & 1;
}

/* Stage 1: compatibility decomposition, recomposition, lower case,
 * spaces.  Writes out->tmp / out->tmp_map. */
static gboolean
fold (const char *text, gsize len, TmNormalized *out, GError **error)
{
  const char *end = text + len;
  const char *bad;
  Cursor cur;

  /* Valid UTF-8, NUL bytes allowed (they fold to spaces below). */
  for (const char *p = text; p < end;)
    {
      const char *nul = memchr (p, '\0', (gsize) (end - p));
      const char *stop = nul != NULL ? nul : end;

      if (!g_utf8_validate_len (p, (gsize) (stop - p), &bad))
        {
          g_set_error (error, TM_ERROR, TM_ERROR_PARSE,
                       _("invalid UTF-8 at byte %zu (0x%02X)"),
                       (gsize) (bad - text), (guchar) *bad);
          return FALSE;
        }
      p = stop + 1;
    }

  cur.s = out->tmp;
  cur.map = out->tmp_map;
  cur.len = 0;
  reserve (&cur, len + 8);
  for (const char *p = text; p < end;)
    {
      guint32 from = (guint32) (p - text);
      guchar b = (guchar) *p;
      gunichar c, d[G_UNICHAR_MAX_DECOMPOSITION_LENGTH];
      gsize nd;

      if (b < 0x80)
        {
          char ch = (char) b;

          if (b < 0x20 || b == 0x7F)
            ch = ' ';
          else if (b >= 'A' && b <= 'Z')
            ch = (char) (b + ('a' - 'A'));
          reserve (&cur, 1);
          cur.s->str[cur.len] = ch;
          ((guint32 *) cur.map->data)[cur.len++] = from;
          p++;
          continue;
        }
      c = g_utf8_get_char (p);
      if ((c >= 0x4E00 && c <= 0x9FFF) || (c >= 0x3400 && c <= 0x4DBF))
        {
          /* Unified ideographs have no decomposition: copied as they are. */
          reserve (&cur, 3);
          memcpy (cur.s->str + cur.len, p, 3);
          for (int i = 0; i < 3; i++)
            ((guint32 *) cur.map->data)[cur.len++] = from;
          p += 3;
          continue;
        }
      p = g_utf8_next_char (p);
      if (g_unichar_iscntrl (c) || g_unichar_isspace (c)
          || c == 0x200B || c == 0x200C || c == 0x200D || c == 0xFEFF)
        {
          /* Zero-width characters and the BOM vanish; other spaces and
           * controls become one plain space. */
          if ((c < 0x200B || c > 0x200D) && c != 0xFEFF)
            put (&cur, ' ', from);
          continue;
        }

      nd = g_unichar_fully_decompose (c, TRUE, d, G_N_ELEMENTS (d));
      /* Recompose a base character with the marks that follow it. */
      for (gsize i = 0; i < nd; i++)
        {
          gunichar base = d[i];

          while (i + 1 < nd)
            {
              gunichar composed;

              if (!g_unichar_compose (base, d[i + 1], &composed))
                break;
              base = composed;
              i++;
            }
          if (g_unichar_isspace (base))
            base = ' ';
          put (&cur, g_unichar_tolower (base), from);
        }
    }
  g_string_set_size (out->tmp, cur.len);
  g_array_set_size (out->tmp_map, (guint) cur.len);
  return TRUE;
}

/* The longest key of the table that @p (before @end) begins with, or
 * NULL. */
static inline const T2sEntry *
match (const TmNormalizer *n, const char *table, gunichar c, const char *p, const char *end)
{
  guint slot;
  const T2sBucket *b;

  if (c < 0x10000)
    slot = n->pages[c >> 8] != NULL ? n->pages[c >> 8][c & 0xFF] : 0;
  else
    slot = GPOINTER_TO_UINT (g_hash_table_lookup (n->by_first, GUINT_TO_POINTER (c)));
  if (slot == 0)
    return NULL;
  b = &g_array_index (n->buckets, T2sBucket, slot - 1);
  for (guint32 i = b->first; i < b->first + b->count; i++)
    {
      const T2sEntry *e = &g_array_index (n->entries, T2sEntry, i);

      /* A key of one character is the character already looked up. */
      if (e->key_chars == 1
          || (e->key_len <= (gsize) (end - p) && memcmp (p, table + e->key_at, e->key_len) == 0))
        return e;
    }
  return NULL;
}

/* Stage 2: traditional → simplified, for a text that holds at least one
 * character that marks it as traditional; then the whole text is
 * converted (a marker-less stretch of a traditional text, such as 已於,
 * needs converting too).  The conversion is OpenCC's t2s.json done in
 * process with its own tables (src/gen/tm-mkdict.c builds them): at each
 * place the longest key of the table, a phrase or a character; the text
 * between keys is copied in spans.  Each output character maps to the
 * input character at the same place of its key, in proportion when a key
 * and its value differ in length.  Writes out->text / out->map. */
static void
simplify (const TmNormalizer *n, TmNormalized *out)
{
  const char *text = out->tmp->str;
  const guint32 *map = (const guint32 *) out->tmp_map->data;
  const char *end = text + out->tmp->len;
  const char *table = g_bytes_get_data (n->table, NULL);
  const char *copied = text;
  gboolean traditional = FALSE;
  Cursor cur;

  for (const char *q = text; q < end && !traditional; q = g_utf8_next_char (q))
    if ((guchar) *q >= 0xE3)
      traditional = needs_t2s (n, g_utf8_get_char (q));
  g_string_set_size (out->text, 0);
  g_array_set_size (out->map, 0);
  if (!traditional)
    {
      g_string_append_len (out->text, text, end - text);
      g_array_append_vals (out->map, map, (guint) (end - text));
      return;
    }

  cur.s = out->text;
  cur.map = out->map;
  cur.len = 0;
  reserve (&cur, (gsize) (end - text) + 8);
  for (const char *p = text; p < end;)
    {
      const T2sEntry *e;
      gunichar c;

      /* Han characters start with a byte of 0xE3 (U+3400) or more. */
      if ((guchar) *p < 0xE3)
        {
          p++;
          continue;
        }
      /* The text is valid UTF-8: a lead byte below 0xF0 starts three. */
      if ((guchar) *p < 0xF0)
        c = ((gunichar) (*p & 0x0F) << 12) | ((gunichar) (p[1] & 0x3F) << 6) | (gunichar) (p[2] & 0x3F);
      else
        c = g_utf8_get_char (p);
      e = match (n, table, c, p, end);
      if (e == NULL)
        {
          p = g_utf8_next_char (p);
          continue;
        }
      put_span (&cur, copied, map + (copied - text), (gsize) (p - copied));
      reserve (&cur, e->value_len);
      {
        const char *v = table + e->value_at;
        const char *src = p;
        guint32 src_at = 0;

        for (guint32 i = 0; i < e->value_chars; i++)
          {
            guint32 src_char = e->value_chars == e->key_chars ? i : i * e->key_chars / e->value_chars;
            gsize clen = (gsize) (g_utf8_next_char (v) - v);
            guint32 *m = (guint32 *) cur.map->data + cur.len;

            for (; src_at < src_char; src_at++)
              src = g_utf8_next_char (src);
            memcpy (cur.s->str + cur.len, v, clen);
            for (gsize k = 0; k < clen; k++)
              m[k] = map[src - text];
            cur.len += clen;
            v += clen;
          }
      }
      p += e->key_len;
      copied = p;
    }
  put_span (&cur, copied, map + (copied - text), (gsize) (end - copied));
  g_string_set_size (out->text, cur.len);
  g_array_set_size (out->map, (guint) cur.len);
}

gboolean
tm_normalizer_run (const TmNormalizer *n, const char *text, gsize len,
                   TmNormalized *out, GError **error)
{
  guint32 end = (guint32) len;

  if (!fold (text, len, out, error))
    return FALSE;
  simplify (n, out);
  g_array_append_val (out->map, end);
  return TRUE;
}

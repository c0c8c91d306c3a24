/* tm-normalize.c — NFKC, lower case, traditional → simplified, with an
 * offset map (see tm-normalize.h). */
#include "config.h"

#include <string.h>

#include <opencc.h>

#include "tm-error.h"
#include "tm-i18n.h"
#include "tm-normalize.h"

struct _TmNormalizer {
  opencc_t opencc;
  /* One bit per BMP code point that t2s may change; characters beyond the
   * BMP always go through OpenCC. */
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

/* transfer full */
TmNormalizer *
tm_normalizer_new (const char *opencc_config, GBytes *t2s_chars, GError **error)
{
  g_autoptr(TmNormalizer) n = g_new0 (TmNormalizer, 1);
  gsize size;
  const char *data = g_bytes_get_data (t2s_chars, &size);

  n->opencc = opencc_open (opencc_config);
  if (n->opencc == (opencc_t) -1)
    {
      n->opencc = NULL;
      g_set_error (error, TM_ERROR, TM_ERROR_IO, _("OpenCC cannot load %s: %s"),
                   opencc_config, opencc_error ());
      return NULL;
    }
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
  if (n->opencc != NULL)
    opencc_close (n->opencc);
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

/* Stage 2: traditional → simplified, for a text that holds at least one
 * character that marks it as traditional; then every stretch of Han text
 * goes through OpenCC (a marker-less stretch of a traditional text, such
 * as 已於, needs converting too).  OpenCC converts phrase by phrase; when a
 * conversion changes the number of characters, the stretch's characters
 * map to the input proportionally. */
/* The fast way: the whole text through OpenCC in one call (a call per
 * stretch of Han characters costs three times as much on abstracts),
 * kept when it changed Han characters one for one and nothing else, so
 * that each output character maps back to the input character at the
 * same place.  FALSE (nothing written) otherwise: a phrase changed its
 * length, and the caller converts stretch by stretch. */
static gboolean
simplify_whole (const TmNormalizer *n, TmNormalized *out, const char *text, const guint32 *map,
                const char *end)
{
  char *converted = opencc_convert_utf8 (n->opencc, text, (gsize) (end - text));
  const char *p = text, *c = converted;

  if (converted == NULL)
    return FALSE;
  while (p < end && *c != '\0')
    {
      gunichar a = g_utf8_get_char (p), b = g_utf8_get_char (c);
      const char *pn = g_utf8_next_char (p), *cn = g_utf8_next_char (c);
      gsize clen = (gsize) (cn - c);

      if (a != b && !(tm_unichar_is_han (a) && tm_unichar_is_han (b)))
        break;
      g_string_append_len (out->text, c, (gssize) clen);
      for (gsize k = 0; k < clen; k++)
        g_array_append_val (out->map, map[p - text]);
      p = pn;
      c = cn;
    }
  if (p < end || *c != '\0')
    {
      g_string_set_size (out->text, 0);
      g_array_set_size (out->map, 0);
      opencc_convert_utf8_free (converted);
      return FALSE;
    }
  opencc_convert_utf8_free (converted);
  return TRUE;
}

static void
simplify (const TmNormalizer *n, TmNormalized *out)
{
  const char *text = out->tmp->str;
  const guint32 *map = (const guint32 *) out->tmp_map->data;
  const char *end = text + out->tmp->len;
  const char *p = text;
  gboolean traditional = FALSE;

  g_string_set_size (out->text, 0);
  g_array_set_size (out->map, 0);
  for (const char *q = text; q < end && !traditional; q = g_utf8_next_char (q))
    if ((guchar) *q >= 0xE3)
      traditional = needs_t2s (n, g_utf8_get_char (q));
  if (!traditional)
    {
      g_string_append_len (out->text, text, end - text);
      g_array_append_vals (out->map, map, (guint) (end - text));
      return;
    }
  if (simplify_whole (n, out, text, map, end))
    return;
  while (p < end)
    {
      const char *q = p;

      /* A stretch of Han characters. */
      while (q < end && tm_unichar_is_han (g_utf8_get_char (q)))
        q = g_utf8_next_char (q);
      if (q == p)
        {
          /* Not Han: copied as it is. */
          const char *next = g_utf8_next_char (p);
          g_string_append_len (out->text, p, next - p);
          g_array_append_vals (out->map, map + (p - text), (guint) (next - p));
          p = next;
          continue;
        }
      {
        char *converted = opencc_convert_utf8 (n->opencc, p, (gsize) (q - p));
        glong in_chars = g_utf8_strlen (p, q - p);
        glong out_chars, i = 0, src_at = 0;
        const char *src;

        if (converted == NULL)
          {
            g_string_append_len (out->text, p, q - p);
            g_array_append_vals (out->map, map + (p - text), (guint) (q - p));
            p = q;
            continue;
          }
        out_chars = g_utf8_strlen (converted, -1);
        /* The source character of each output character: the same one
         * when the counts agree, else spread in proportion.  It never
         * goes back, so one cursor walks the stretch once and the whole
         * conversion stays linear. */
        src = p;
        for (const char *c = converted; *c != '\0'; c = g_utf8_next_char (c), i++)
          {
            glong src_char = out_chars == in_chars ? i : i * in_chars / MAX (out_chars, 1);
            gsize clen = (gsize) (g_utf8_next_char (c) - c);

            for (; src_at < src_char && src < q; src_at++)
              src = g_utf8_next_char (src);
            g_string_append_len (out->text, c, clen);
            for (gsize k = 0; k < clen; k++)
              g_array_append_val (out->map, map[src - text]);
          }
        opencc_convert_utf8_free (converted);
        p = q;
      }
    }
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

/* tm-stats.c — collection statistics (see tm-stats.h). */
#include "config.h"

#include <string.h>

#include "tm-error.h"
#include "tm-limits.h"
#include "tm-private.h"
#include "tm-stats.h"

guint
tm_partition_of (const char *id, guint n)
{
  guint64 h = G_GUINT64_CONSTANT (14695981039346656037);

  if (n <= 1)
    return 1;
  for (const guchar *p = (const guchar *) id; *p != '\0'; p++)
    h = (h ^ *p) * G_GUINT64_CONSTANT (1099511628211);
  return (guint) (h % n) + 1;
}

static void
stats_term_clear (gpointer p)
{
  g_free (((TmStatsTerm *) p)->text);
}

TmCollectionStats *
tm_collection_stats_new (void)
{
  TmCollectionStats *s = g_new0 (TmCollectionStats, 1);

  s->partitions = g_array_new (FALSE, FALSE, sizeof (guint));
  s->terms = g_array_new (FALSE, FALSE, sizeof (TmStatsTerm));
  g_array_set_clear_func (s->terms, stats_term_clear);
  return s;
}

void
tm_collection_stats_free (TmCollectionStats *s)
{
  if (s == NULL)
    return;
  g_free (s->analyzer);
  g_free (s->checksum);
  g_free (s->path);
  g_array_unref (s->partitions);
  g_array_unref (s->terms);
  g_free (s);
}

/* The keys of an index's metadata that change what terms a text makes
 * or how they are weighed; the partition and global-stats lines do not. */
static const char * const fingerprint_keys[] = { "mode", "synonyms", "stopwords", "stem", "word-list",
                                                 "weights", NULL };

char *
_tm_stats_fingerprint (const char *meta)
{
  g_autoptr(GChecksum) sum = g_checksum_new (G_CHECKSUM_SHA256);
  g_auto(GStrv) lines = g_strsplit (meta, "\n", -1);

  for (guint i = 0; lines[i] != NULL; i++)
    {
      const char *eq = strchr (lines[i], '=');

      if (eq == NULL)
        continue;
      for (guint k = 0; fingerprint_keys[k] != NULL; k++)
        if ((gsize) (eq - lines[i]) == strlen (fingerprint_keys[k])
            && strncmp (lines[i], fingerprint_keys[k], (gsize) (eq - lines[i])) == 0)
          {
            g_checksum_update (sum, (const guchar *) lines[i], -1);
            g_checksum_update (sum, (const guchar *) "\n", 1);
          }
    }
  return g_strdup (g_checksum_get_string (sum));
}

TmCollectionStats *
tm_collection_stats_from_index (const TmIndex *index, GError **error)
{
  g_autoptr(TmCollectionStats) s = tm_collection_stats_new ();
  guint k, n;
  guint32 n_terms = tm_index_get_n_terms (index);

  s->analyzer = g_strdup (tm_index_get_fingerprint (index));
  tm_index_get_partition (index, &k, &n);
  s->n_partitions = n;
  g_array_append_val (s->partitions, k);
  for (int l = 0; l < TM_N_LIBRARIES; l++)
    {
      guint nd = tm_index_get_n_docs (index, (TmLibrary) l);

      s->n_docs[l] = nd;
      for (guint32 d = 0; d < nd; d++)
        for (int f = 0; f < TM_N_IFIELDS; f++)
          s->lengths[l][f] += tm_index_doc_length (index, (TmLibrary) l, d, (TmIndexField) f);
    }
  for (guint32 t = 0; t < n_terms; t++)
    {
      TmStatsTerm st;

      if (!_tm_index_term_df (index, t, st.df))
        break;
      if (st.df[0] == 0 && st.df[1] == 0)
        continue;               /* a global term this partition lacks */
      st.text = g_strdup (tm_index_term_text (index, t));
      g_array_append_val (s->terms, st);
    }
  if (!tm_index_check (index, error))
    return NULL;
  return g_steal_pointer (&s);
}

static gboolean
add_count (guint64 *into, guint64 v, guint64 max, const char *name, GError **error)
{
  if (*into + v > max)
    {
      /* As text: a format's G_GUINT64_FORMAT cannot be in a catalogue. */
      g_autofree char *max_text = g_strdup_printf ("%" G_GUINT64_FORMAT, max);

      g_set_error (error, TM_ERROR, TM_ERROR_LIMIT,
                   _("%s: the summed statistics pass %s, the most an index counts"), name, max_text);
      return FALSE;
    }
  *into += v;
  return TRUE;
}

gboolean
tm_collection_stats_add (TmCollectionStats *sum, const TmCollectionStats *o, const char *name, GError **error)
{
  g_autoptr(GArray) terms = NULL;
  guint i = 0, j = 0;
  g_autoptr(GArray) parts = g_array_new (FALSE, FALSE, sizeof (guint));

  if (sum->analyzer == NULL)
    {
      sum->analyzer = g_strdup (o->analyzer);
      sum->n_partitions = o->n_partitions;
    }
  if (strcmp (sum->analyzer, o->analyzer) != 0)
    {
      g_set_error (error, TM_ERROR, TM_ERROR_INVALID,
                   _("%s: built with other analyzer settings, word lists or weights than the statistics "
                     "it is added to"), name);
      return FALSE;
    }
  if (sum->n_partitions != o->n_partitions)
    {
      g_set_error (error, TM_ERROR, TM_ERROR_INVALID,
                   _("%s: a partition of %u, where the others are partitions of %u"), name,
                   o->n_partitions, sum->n_partitions);
      return FALSE;
    }
  /* The partitions: both lists increasing, none in both. */
  while (i < sum->partitions->len || j < o->partitions->len)
    {
      guint a = i < sum->partitions->len ? g_array_index (sum->partitions, guint, i) : G_MAXUINT;
      guint b = j < o->partitions->len ? g_array_index (o->partitions, guint, j) : G_MAXUINT;

      if (a == b)
        {
          g_set_error (error, TM_ERROR, TM_ERROR_INVALID,
                       _("%s: partition %u/%u is already in the statistics (given twice?)"), name, a,
                       sum->n_partitions);
          return FALSE;
        }
      if (a < b)
        {
          g_array_append_val (parts, a);
          i++;
        }
      else
        {
          g_array_append_val (parts, b);
          j++;
        }
    }
  for (int l = 0; l < TM_N_LIBRARIES; l++)
    {
      if (!add_count (&sum->n_docs[l], o->n_docs[l], TM_MAX_RECORDS_PER_LIBRARY * (guint64) TM_MAX_PARTITIONS,
                      name, error))
        return FALSE;
      for (int f = 0; f < TM_N_IFIELDS; f++)
        if (!add_count (&sum->lengths[l][f], o->lengths[l][f], G_MAXUINT64 / 2, name, error))
          return FALSE;
    }
  /* The terms: a merge of two sorted lists. */
  terms = g_array_sized_new (FALSE, FALSE, sizeof (TmStatsTerm), MAX (sum->terms->len, o->terms->len));
  g_array_set_clear_func (terms, stats_term_clear);
  i = j = 0;
  while (i < sum->terms->len || j < o->terms->len)
    {
      TmStatsTerm *a = i < sum->terms->len ? &g_array_index (sum->terms, TmStatsTerm, i) : NULL;
      const TmStatsTerm *b = j < o->terms->len ? &g_array_index (o->terms, TmStatsTerm, j) : NULL;
      int c = a == NULL ? 1 : b == NULL ? -1 : strcmp (a->text, b->text);
      TmStatsTerm t;

      if (c < 0)
        {
          t = *a;
          a->text = NULL;
          i++;
        }
      else if (c > 0)
        {
          t.text = g_strdup (b->text);
          memcpy (t.df, b->df, sizeof t.df);
          j++;
        }
      else
        {
          t = *a;
          a->text = NULL;
          for (int l = 0; l < TM_N_LIBRARIES; l++)
            {
              if ((guint64) t.df[l] + b->df[l] > G_MAXUINT32)
                {
                  g_set_error (error, TM_ERROR, TM_ERROR_LIMIT,
                               _("%s: the document frequency of a term passes 2^32"), name);
                  g_free (t.text);
                  return FALSE;
                }
              t.df[l] += b->df[l];
            }
          i++;
          j++;
        }
      g_array_append_val (terms, t);
    }
  g_array_unref (sum->terms);
  sum->terms = g_steal_pointer (&terms);
  g_array_unref (sum->partitions);
  sum->partitions = g_steal_pointer (&parts);
  g_clear_pointer (&sum->checksum, g_free);
  return TRUE;
}

/* ---- the text ---------------------------------------------------------------- */

static void
append_escaped (GString *out, const char *text)
{
  for (const guchar *p = (const guchar *) text; *p != '\0'; p++)
    switch (*p)
      {
      case '\\': g_string_append (out, "\\\\"); break;
      case '\t': g_string_append (out, "\\t"); break;
      case '\n': g_string_append (out, "\\n"); break;
      case '\r': g_string_append (out, "\\r"); break;
      default:
        if (*p < 0x20)
          g_string_append_printf (out, "\\x%02x", *p);
        else
          g_string_append_c (out, (char) *p);
      }
}

GString *
tm_collection_stats_format (TmCollectionStats *s)
{
  static const char * const libs[] = { "demand", "achievement" };
  GString *out = g_string_new (NULL);
  g_autoptr(GChecksum) sum = g_checksum_new (G_CHECKSUM_SHA256);

  G_STATIC_ASSERT (TM_LIBRARY_DEMAND == 0 && TM_LIBRARY_ACHIEVEMENT == 1);
  g_string_append_printf (out, "%s\t%d\nanalyzer\t%s\npartitions\t%u\t", TM_STATS_MAGIC, TM_STATS_VERSION,
                          s->analyzer, s->n_partitions);
  for (guint i = 0; i < s->partitions->len; i++)
    g_string_append_printf (out, "%s%u", i > 0 ? "," : "", g_array_index (s->partitions, guint, i));
  g_string_append_printf (out, "\ndocs\t%" G_GUINT64_FORMAT "\t%" G_GUINT64_FORMAT "\n",
                          s->n_docs[0], s->n_docs[1]);
  for (int l = 0; l < TM_N_LIBRARIES; l++)
    g_string_append_printf (out, "lengths\t%s\t%" G_GUINT64_FORMAT "\t%" G_GUINT64_FORMAT "\t%" G_GUINT64_FORMAT "\n",
                            libs[l], s->lengths[l][0], s->lengths[l][1], s->lengths[l][2]);
  g_string_append_printf (out, "terms\t%u\n", s->terms->len);
  for (guint i = 0; i < s->terms->len; i++)
    {
      const TmStatsTerm *t = &g_array_index (s->terms, TmStatsTerm, i);

      append_escaped (out, t->text);
      g_string_append_printf (out, "\t%u\t%u\n", t->df[0], t->df[1]);
    }
  g_checksum_update (sum, (const guchar *) out->str, (gssize) out->len);
  g_free (s->checksum);
  s->checksum = g_strdup (g_checksum_get_string (sum));
  g_string_append_printf (out, "end\t%s\n", s->checksum);
  return out;
}

/* ---- reading ------------------------------------------------------------------- */

typedef struct {
  const char *path;
  guint line;
  GError **error;
} Reader;

static gboolean G_GNUC_PRINTF (2, 3)
bad (Reader *r, const char *format, ...)
{
  g_autofree char *msg = NULL;
  va_list ap;

  va_start (ap, format);
  msg = g_strdup_vprintf (format, ap);
  va_end (ap);
  g_set_error (r->error, TM_ERROR, TM_ERROR_PARSE, "%s:%u: %s", r->path, r->line, msg);
  return FALSE;
}

/* A count: digits only, no sign, no leading zero, at most @max. */
static gboolean
parse_count (Reader *r, const char *field, const char *what, guint64 max, guint64 *out)
{
  guint64 v = 0;

  if (field == NULL || field[0] == '\0' || (field[0] == '0' && field[1] != '\0'))
    return bad (r, _("%s: expected a count, not '%s'"), what, field ? field : "");
  for (const char *p = field; *p != '\0'; p++)
    {
      if (!g_ascii_isdigit (*p))
        return bad (r, _("%s: expected a count, not '%s'"), what, field);
      if (v > (max - (guint64) (*p - '0')) / 10)
        {
          g_autofree char *max_text = g_strdup_printf ("%" G_GUINT64_FORMAT, max);

          return bad (r, _("%s: %s is more than %s"), what, field, max_text);
        }
      v = v * 10 + (guint64) (*p - '0');
    }
  *out = v;
  return TRUE;
}

static gboolean
is_hex64 (const char *s)
{
  if (strlen (s) != 64)
    return FALSE;
  for (; *s != '\0'; s++)
    if (!g_ascii_isxdigit (*s) || g_ascii_isupper (*s))
      return FALSE;
  return TRUE;
}

/* The fields of one line, which must be @n exactly. */
static char **
fields_of (Reader *r, char *line, guint n, const char *key)
{
  char **f = g_strsplit (line, "\t", -1);

  if (key != NULL && (f[0] == NULL || strcmp (f[0], key) != 0))
    {
      bad (r, _("expected the '%s' line"), key);
      g_strfreev (f);
      return NULL;
    }
  if (g_strv_length (f) != n)
    {
      bad (r, _("expected %u tab-separated fields, found %u"), n, g_strv_length (f));
      g_strfreev (f);
      return NULL;
    }
  return f;
}

static char *
unescape (Reader *r, const char *s)
{
  g_autoptr(GString) out = g_string_new (NULL);

  for (const char *p = s; *p != '\0'; p++)
    {
      if ((guchar) *p < 0x20)
        return bad (r, _("a control character in a term must be escaped")), NULL;
      if (*p != '\\')
        {
          g_string_append_c (out, *p);
          continue;
        }
      p++;
      switch (*p)
        {
        case '\\': g_string_append_c (out, '\\'); break;
        case 't': g_string_append_c (out, '\t'); break;
        case 'n': g_string_append_c (out, '\n'); break;
        case 'r': g_string_append_c (out, '\r'); break;
        case 'x':
          if (g_ascii_isxdigit (p[1]) && g_ascii_isxdigit (p[2]))
            {
              int v = g_ascii_xdigit_value (p[1]) * 16 + g_ascii_xdigit_value (p[2]);

              if (v > 0 && v < 0x20 && v != '\t' && v != '\n' && v != '\r')
                {
                  g_string_append_c (out, (char) v);
                  p += 2;
                  break;
                }
            }
          return bad (r, _("a bad escape in a term")), NULL;
        default:
          return bad (r, _("a bad escape in a term")), NULL;
        }
    }
  if (out->len == 0 || !g_utf8_validate (out->str, (gssize) out->len, NULL))
    return bad (r, _("a term is empty or not valid UTF-8")), NULL;
  return g_string_free (g_steal_pointer (&out), FALSE);
}

TmCollectionStats *
tm_collection_stats_load (const char *path, GError **error)
{
  static const char * const libs[] = { "demand", "achievement" };
  g_autoptr(TmCollectionStats) s = tm_collection_stats_new ();
  g_autoptr(GError) local = NULL;
  g_autofree char *text = NULL;
  gsize len;
  char *p, *end_line;
  Reader r = { path, 1, error };
  g_auto(GStrv) f = NULL;
  guint64 v, n_terms;
  g_autoptr(GChecksum) sum = g_checksum_new (G_CHECKSUM_SHA256);

  if (!g_file_get_contents (path, &text, &len, &local))
    {
      g_set_error (error, TM_ERROR, TM_ERROR_IO, "%s", local->message);
      return NULL;
    }
  if (!g_str_has_prefix (text, TM_STATS_MAGIC "\t"))
    return bad (&r, _("not a techmatch statistics file (made by techmatch stats --export-df)")), NULL;
  if (memchr (text, '\0', len) != NULL)
    return bad (&r, _("a NUL byte: not a statistics file")), NULL;
  if (len == 0 || text[len - 1] != '\n')
    {
      r.line = 0;
      for (gsize i = 0; i < len; i++)
        r.line += text[i] == '\n';
      r.line++;
      return bad (&r, _("the file is truncated (its last line is not complete)")), NULL;
    }
  /* The end line: the last one. */
  text[len - 1] = '\0';
  end_line = strrchr (text, '\n');
  end_line = end_line != NULL ? end_line + 1 : text;
  g_checksum_update (sum, (const guchar *) text, end_line - text);

  p = text;
/* The next line before the end line, NUL-terminated in place. */
#define NEXT_LINE(line_var)                                         \
  G_STMT_START {                                                    \
    char *nl_;                                                      \
    if (p >= end_line)                                              \
      return bad (&r, _("the file ends too early (truncated?)")), NULL; \
    nl_ = strchr (p, '\n');                                         \
    line_var = p;                                                   \
    *nl_ = '\0';                                                    \
    p = nl_ + 1;                                                    \
  } G_STMT_END

  {
    char *line;
    guint64 n_parts;

    NEXT_LINE (line);
    if (strncmp (line, TM_STATS_MAGIC "\t", strlen (TM_STATS_MAGIC) + 1) != 0)
      return bad (&r, _("not a techmatch statistics file (made by techmatch stats --export-df)")), NULL;
    if (strcmp (line + strlen (TM_STATS_MAGIC) + 1, G_STRINGIFY (TM_STATS_VERSION)) != 0)
      return bad (&r, _("statistics format version %s; this techmatch reads version %d"),
                  line + strlen (TM_STATS_MAGIC) + 1, TM_STATS_VERSION), NULL;
    r.line++;
    NEXT_LINE (line);
    if ((f = fields_of (&r, line, 2, "analyzer")) == NULL)
      return NULL;
    if (!is_hex64 (f[1]))
      return bad (&r, _("the analyzer fingerprint is not 64 lowercase hexadecimal digits")), NULL;
    s->analyzer = g_strdup (f[1]);
    g_clear_pointer (&f, g_strfreev);
    r.line++;
    NEXT_LINE (line);
    if ((f = fields_of (&r, line, 3, "partitions")) == NULL
        || !parse_count (&r, f[1], "partitions", TM_MAX_PARTITIONS, &n_parts))
      return NULL;
    if (n_parts == 0)
      return bad (&r, _("partitions: the count must be at least 1")), NULL;
    s->n_partitions = (guint) n_parts;
    {
      g_auto(GStrv) ks = g_strsplit (f[2], ",", -1);
      guint prev = 0;

      for (guint i = 0; ks[i] != NULL; i++)
        {
          guint64 k;

          if (!parse_count (&r, ks[i], "partitions", n_parts, &k))
            return NULL;
          if (k <= prev)
            return bad (&r, _("partitions: %s is 0 or not in increasing order"), ks[i]), NULL;
          prev = (guint) k;
          g_array_append_val (s->partitions, prev);
        }
      if (s->partitions->len == 0)
        return bad (&r, _("partitions: no partition listed")), NULL;
    }
    g_clear_pointer (&f, g_strfreev);
    r.line++;
    NEXT_LINE (line);
    if ((f = fields_of (&r, line, 3, "docs")) == NULL)
      return NULL;
    for (int l = 0; l < TM_N_LIBRARIES; l++)
      if (!parse_count (&r, f[1 + l], "docs", G_MAXUINT32, &s->n_docs[l]))
        return NULL;
    g_clear_pointer (&f, g_strfreev);
    for (int l = 0; l < TM_N_LIBRARIES; l++)
      {
        r.line++;
        NEXT_LINE (line);
        if ((f = fields_of (&r, line, 5, "lengths")) == NULL)
          return NULL;
        if (strcmp (f[1], libs[l]) != 0)
          return bad (&r, _("lengths: expected '%s', not '%s'"), libs[l], f[1]), NULL;
        for (int k = 0; k < TM_N_IFIELDS; k++)
          if (!parse_count (&r, f[2 + k], "lengths", G_MAXUINT64 / 2, &s->lengths[l][k]))
            return NULL;
        g_clear_pointer (&f, g_strfreev);
      }
    r.line++;
    NEXT_LINE (line);
    if ((f = fields_of (&r, line, 2, "terms")) == NULL
        || !parse_count (&r, f[1], "terms", G_MAXUINT32 - 1, &n_terms))
      return NULL;
    g_clear_pointer (&f, g_strfreev);
    g_array_set_size (s->terms, 0);
    for (guint64 i = 0; i < n_terms; i++)
      {
        TmStatsTerm t;
        const char *prev = s->terms->len > 0 ? g_array_index (s->terms, TmStatsTerm, s->terms->len - 1).text : NULL;

        r.line++;
        NEXT_LINE (line);
        if ((f = fields_of (&r, line, 3, NULL)) == NULL)
          return NULL;
        for (int l = 0; l < TM_N_LIBRARIES; l++)
          {
            if (!parse_count (&r, f[1 + l], "document frequency", s->n_docs[l], &v))
              return NULL;
            t.df[l] = (guint32) v;
          }
        if (t.df[0] == 0 && t.df[1] == 0)
          return bad (&r, _("a term in no document")), NULL;
        if ((t.text = unescape (&r, f[0])) == NULL)
          return NULL;
        if (prev != NULL && strcmp (prev, t.text) >= 0)
          {
            g_free (t.text);
            return bad (&r, _("the terms are not in increasing byte order")), NULL;
          }
        g_array_append_val (s->terms, t);
        g_clear_pointer (&f, g_strfreev);
      }
    r.line++;
    if (p != end_line)
      return bad (&r, _("expected the end line after the terms the 'terms' line counts")), NULL;
    if ((f = fields_of (&r, end_line, 2, "end")) == NULL)
      return NULL;
    if (!is_hex64 (f[1]) || strcmp (f[1], g_checksum_get_string (sum)) != 0)
      return bad (&r, _("checksum mismatch: the file is damaged or was edited")), NULL;
    s->checksum = g_strdup (f[1]);
    s->path = g_strdup (path);
  }
#undef NEXT_LINE
  return g_steal_pointer (&s);
}

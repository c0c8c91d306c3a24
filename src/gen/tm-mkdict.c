/* tm-mkdict.c — build-time tool: turns jieba's word-frequency dictionary
 * (dict.txt: "WORD FREQ [TAG]" per line) into the compact trie that the
 * segmenter maps straight from the program's resources (tm-dict.c reads
 * it; the format is specified there, above tm_dict_new()).
 *
 * Usage: tm-mkdict DICT.txt OUTPUT
 *        tm-mkdict --t2s TSCharacters.txt OUTPUT
 *        tm-mkdict --t2s-table TSPhrases.txt TSCharacters.txt OUTPUT
 *
 * The second form writes the characters that mark text as traditional,
 * one per line (tm-normalize.c sends to OpenCC only the stretches of text
 * that hold one): every key of OpenCC's t2s character table except those
 * that are also a conversion result (乾, 於, 瞭: they are written in
 * simplified text too, where converting them again would change it).
 * Phrases whose characters are all ambiguous (乾燥) are left alone for the
 * same reason: in a traditional text they are converted with the stretch
 * of text around them, which almost always holds a marker.  The inputs are OpenCC's
 * character dictionary dumped as text by opencc_dict ("KEY<TAB>VALUE ...").
 *
 * The third form writes the conversion itself, "KEY<TAB>VALUE" per line,
 * phrases first, then characters (a character that is also a phrase key
 * left out): tm-normalize.c converts in process with it, as OpenCC's
 * t2s.json does (longest phrase of TSPhrases at each place, else the
 * character of TSCharacters, the first of the candidates).  That is the
 * same as OpenCC's segmentation while every TSCharacters key is a single
 * character: a longer one is an error here, not a silent difference.
 * Keys holding a character that is not Han are left out: the normalizer
 * converts stretches of Han text only.
 *
 * The dictionary's semantics are jieba's: a later line for the same word
 * replaces its frequency, the total counts every line, and every prefix of
 * a word is known to the dictionary with frequency 0.
 */
#include "config.h"

#include <math.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <glib.h>

#include "tm-dict-format.h"

typedef struct {
  gunichar label;
  guint32 freq;
  GArray *children; /* of guint32 node indices, sorted by label */
} BuildNode;

static GArray *nodes; /* of BuildNode */

static guint32
new_node (gunichar label)
{
  BuildNode n = { label, 0, NULL };

  g_array_append_val (nodes, n);
  return nodes->len - 1;
}

static guint32
child (guint32 parent, gunichar label)
{
  BuildNode *p = &g_array_index (nodes, BuildNode, parent);
  guint lo = 0, hi, id;

  if (p->children == NULL)
    p->children = g_array_new (FALSE, FALSE, sizeof (guint32));
  hi = p->children->len;
  while (lo < hi)
    {
      guint mid = (lo + hi) / 2;
      gunichar l = g_array_index (nodes, BuildNode, g_array_index (p->children, guint32, mid)).label;

      if (l == label)
        return g_array_index (p->children, guint32, mid);
      if (l < label)
        lo = mid + 1;
      else
        hi = mid;
    }
  id = new_node (label);
  p = &g_array_index (nodes, BuildNode, parent); /* the array may have moved */
  g_array_insert_val (p->children, lo, id);
  return id;
}

static gint
compare_chars (gconstpointer a, gconstpointer b)
{
  guint x = GPOINTER_TO_UINT (a), y = GPOINTER_TO_UINT (b);

  return x < y ? -1 : x > y;
}

static int
t2s_chars (const char *chars_path, const char *out_path)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *chars = NULL;
  g_autoptr(GHashTable) set = g_hash_table_new (NULL, NULL);
  g_auto(GStrv) lines = NULL;
  g_autoptr(GString) out = g_string_new (NULL);
  g_autoptr(GList) keys = NULL;

  if (!g_file_get_contents (chars_path, &chars, NULL, &error))
    {
      fprintf (stderr, "tm-mkdict: %s\n", error->message);
      return 1;
    }
  lines = g_strsplit (chars, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    if (lines[i][0] != '\0' && g_utf8_validate (lines[i], -1, NULL))
      g_hash_table_add (set, GUINT_TO_POINTER (g_utf8_get_char (lines[i])));
  for (guint i = 0; lines[i] != NULL; i++)
    {
      char *tab = strchr (lines[i], '\t');

      if (tab == NULL || !g_utf8_validate (lines[i], -1, NULL))
        continue;
      for (const char *p = tab + 1; *p != '\0'; p = g_utf8_next_char (p))
        if (*p != ' ')
          g_hash_table_remove (set, GUINT_TO_POINTER (g_utf8_get_char (p)));
    }
  g_clear_pointer (&lines, g_strfreev);
  keys = g_hash_table_get_keys (set);
  keys = g_list_sort (keys, compare_chars);
  for (GList *l = keys; l != NULL; l = l->next)
    {
      g_string_append_unichar (out, GPOINTER_TO_UINT (l->data));
      g_string_append_c (out, '\n');
    }
  if (!g_file_set_contents (out_path, out->str, (gssize) out->len, &error))
    {
      fprintf (stderr, "tm-mkdict: %s\n", error->message);
      return 1;
    }
  return 0;
}

/* The same ranges as tm_unichar_is_han() (tm-normalize.c). */
static gboolean
is_han (gunichar c)
{
  return (c >= 0x4E00 && c <= 0x9FFF) || (c >= 0x3400 && c <= 0x4DBF)
    || (c >= 0x20000 && c <= 0x323AF) || (c >= 0xF900 && c <= 0xFAFF) || c == 0x3007;
}

/* Appends the entries of one opencc_dict text dump to @out, skipping keys
 * already in @seen.  @single: every key must be one character. */
static gboolean
t2s_append (const char *path, gboolean single, GHashTable *seen, GString *out)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  g_auto(GStrv) lines = NULL;

  if (!g_file_get_contents (path, &text, NULL, &error))
    {
      fprintf (stderr, "tm-mkdict: %s\n", error->message);
      return FALSE;
    }
  lines = g_strsplit (text, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      char *key = lines[i], *tab = strchr (key, '\t'), *value, *space;
      gboolean han = TRUE;

      if (key[0] == '\0')
        continue;
      if (tab == NULL || tab == key || !g_utf8_validate (key, -1, NULL))
        {
          fprintf (stderr, "tm-mkdict: %s:%u: expected KEY<TAB>VALUE in UTF-8\n", path, i + 1);
          return FALSE;
        }
      *tab = '\0';
      value = tab + 1;
      space = strchr (value, ' ');
      if (space != NULL)
        *space = '\0';
      if (value[0] == '\0')
        {
          fprintf (stderr, "tm-mkdict: %s:%u: %s has no value\n", path, i + 1, key);
          return FALSE;
        }
      if (single && g_utf8_strlen (key, -1) != 1)
        {
          fprintf (stderr, "tm-mkdict: %s:%u: %s: a character table key of several "
                   "characters (the in-process conversion would differ from OpenCC's)\n",
                   path, i + 1, key);
          return FALSE;
        }
      for (const char *p = key; *p != '\0' && han; p = g_utf8_next_char (p))
        han = is_han (g_utf8_get_char (p));
      if (!han || g_hash_table_contains (seen, key))
        continue;
      g_hash_table_add (seen, g_strdup (key));
      g_string_append_printf (out, "%s\t%s\n", key, value);
    }
  return TRUE;
}

static int
t2s_table (const char *phrases_path, const char *chars_path, const char *out_path)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(GString) out = g_string_new (NULL);

  if (!t2s_append (phrases_path, FALSE, seen, out) || !t2s_append (chars_path, TRUE, seen, out))
    return 1;
  if (!g_file_set_contents (out_path, out->str, (gssize) out->len, &error))
    {
      fprintf (stderr, "tm-mkdict: %s\n", error->message);
      return 1;
    }
  return 0;
}

int
main (int argc, char **argv)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  g_auto(GStrv) lines = NULL;
  guint64 total = 0;
  guint32 n_words = 0;
  GArray *order;
  guint32 *new_index;
  TmDictNode *out;
  guint32 *labels;
  TmDictHeader header;
  FILE *f;

  if (argc == 4 && strcmp (argv[1], "--t2s") == 0)
    return t2s_chars (argv[2], argv[3]);
  if (argc == 5 && strcmp (argv[1], "--t2s-table") == 0)
    return t2s_table (argv[2], argv[3], argv[4]);
  if (argc != 3)
    {
      fprintf (stderr, "usage: tm-mkdict DICT.txt OUTPUT\n"
                       "       tm-mkdict --t2s TSCharacters.txt OUTPUT\n"
                       "       tm-mkdict --t2s-table TSPhrases.txt TSCharacters.txt OUTPUT\n");
      return 2;
    }
  if (!g_file_get_contents (argv[1], &text, NULL, &error))
    {
      fprintf (stderr, "tm-mkdict: %s\n", error->message);
      return 1;
    }

  nodes = g_array_new (FALSE, FALSE, sizeof (BuildNode));
  new_node (0);
  lines = g_strsplit (text, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      g_auto(GStrv) fields = g_strsplit (g_strstrip (lines[i]), " ", 3);
      guint32 node = 0;
      guint64 freq;
      char *end;

      if (fields[0] == NULL || fields[0][0] == '\0')
        continue;
      if (fields[1] == NULL || !g_utf8_validate (fields[0], -1, NULL))
        {
          fprintf (stderr, "tm-mkdict: %s:%u: expected WORD FREQ [TAG]\n", argv[1], i + 1);
          return 1;
        }
      freq = g_ascii_strtoull (fields[1], &end, 10);
      if (*end != '\0' || freq > G_MAXUINT32)
        {
          fprintf (stderr, "tm-mkdict: %s:%u: bad frequency \"%s\"\n", argv[1], i + 1, fields[1]);
          return 1;
        }
      for (const char *p = fields[0]; *p != '\0'; p = g_utf8_next_char (p))
        node = child (node, g_utf8_get_char (p));
      if (g_array_index (nodes, BuildNode, node).freq == 0)
        n_words++;
      g_array_index (nodes, BuildNode, node).freq = (guint32) freq;
      total += freq;
    }

  /* Breadth-first order: the children of every node are contiguous and
   * sorted by label, so a node needs only its first child and a count. */
  order = g_array_sized_new (FALSE, FALSE, sizeof (guint32), nodes->len);
  new_index = g_new (guint32, nodes->len);
  {
    guint32 root = 0;
    g_array_append_val (order, root);
  }
  for (guint i = 0; i < order->len; i++)
    {
      BuildNode *n = &g_array_index (nodes, BuildNode, g_array_index (order, guint32, i));

      new_index[g_array_index (order, guint32, i)] = i;
      if (n->children != NULL)
        g_array_append_vals (order, n->children->data, n->children->len);
    }

  out = g_new0 (TmDictNode, nodes->len);
  labels = g_new0 (guint32, nodes->len + 1);
  for (guint i = 0; i < order->len; i++)
    {
      BuildNode *n = &g_array_index (nodes, BuildNode, g_array_index (order, guint32, i));

      labels[i] = n->label;
      out[i].label = n->label;
      out[i].freq = n->freq;
      out[i].log_freq = n->freq > 0 ? log ((double) n->freq) : 0.0;
      if (n->children != NULL && n->children->len > 0)
        {
          out[i].first_child = new_index[g_array_index (n->children, guint32, 0)];
          out[i].n_children = n->children->len;
        }
    }

  memset (&header, 0, sizeof header);
  memcpy (header.magic, TM_DICT_MAGIC, sizeof header.magic);
  header.version = TM_DICT_VERSION;
  header.n_nodes = nodes->len;
  header.n_words = n_words;
  header.total = total;

  f = fopen (argv[2], "wb");
  if (f == NULL
      || fwrite (&header, sizeof header, 1, f) != 1
      || fwrite (out, sizeof *out, nodes->len, f) != nodes->len
      || fwrite (labels, sizeof *labels, nodes->len + (nodes->len & 1), f) != nodes->len + (nodes->len & 1)
      || fclose (f) != 0)
    {
      fprintf (stderr, "tm-mkdict: writing %s failed: %s\n", argv[2], g_strerror (errno));
      return 1;
    }
  /* The build shows what goes wrong, not what goes right: the figures
   * with G_MESSAGES_DEBUG=all. */
  g_debug ("tm-mkdict: %u words, %u trie nodes, total frequency %" G_GUINT64_FORMAT,
           n_words, nodes->len, total);
  return 0;
}

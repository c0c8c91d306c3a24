/* tm-since.c — reading a previous batch output for --since.  A file of
 * its own so that the fuzzer can reach it. */
#include "config.h"

#include <string.h>

#include "tm-cli.h"
#include "tm-error.h"

/* (direction, source, target) → rank, from a TSV batch output: rows
 * "direction source rank target score [status]", an optional header
 * line.  Any other line is an error naming @name and the line. */
GHashTable *
tm_since_parse (const char *text, gsize len, const char *name, GError **error)
{
  g_autoptr(GHashTable) ranks = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autofree char *copy = g_strndup (text, len);
  guint lineno = 0;

  if (strlen (copy) != len || !g_utf8_validate (copy, -1, NULL))
    {
      g_set_error (error, TM_ERROR, TM_ERROR_PARSE, "%s: not UTF-8 text", name);
      return NULL;
    }
  for (char *line = copy, *next; line != NULL; line = next)
    {
      g_auto(GStrv) f = NULL;
      gint64 rank;

      next = strchr (line, '\n');
      if (next != NULL)
        *next++ = '\0';
      lineno++;
      g_strchomp (line);
      if (line[0] == '\0' || g_str_has_prefix (line, "direction\t"))
        continue;
      f = g_strsplit (line, "\t", -1);
      if (g_strv_length (f) < 5 || (strcmp (f[0], "d2a") != 0 && strcmp (f[0], "a2d") != 0)
          || !g_ascii_string_to_signed (f[2], 10, 1, TM_MAX_TOP, &rank, NULL))
        {
          g_set_error (error, TM_ERROR, TM_ERROR_PARSE,
                       "%s:%u: not a techmatch batch TSV row (direction, source, rank, target, score)",
                       name, lineno);
          return NULL;
        }
      g_hash_table_insert (ranks, g_strdup_printf ("%s\t%s\t%s", f[0], f[1], f[3]), GINT_TO_POINTER ((gint) rank));
    }
  return g_steal_pointer (&ranks);
}

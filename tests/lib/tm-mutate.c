/* tm-mutate.c — the command-line tests' way to damage an index behind
 * its checksums (see tm-index-mutate.h).
 *
 *   tm-mutate INDEX SECTION OFFSET HEX...
 *   tm-mutate INDEX postings:TERM:LIBRARY OFFSET HEX...
 *
 * writes the bytes HEX (two hex digits each) at OFFSET in the section
 * (a name or kind number; OFFSET below 0 counts from its end), or in the
 * postings of TERM in LIBRARY (demand or achievement), then recomputes
 * the checksums and writes the file back.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>

#include "tm-index-mutate.h"

static int
usage (void)
{
  fprintf (stderr, "usage: tm-mutate INDEX SECTION|postings:TERM:LIBRARY OFFSET HEX...\n");
  return 2;
}

int
main (int argc, char **argv)
{
  g_autofree guint8 *data = NULL;
  g_autoptr(GError) error = NULL;
  guint64 offset, size;
  gint64 at;
  gsize len;

  if (argc < 5)
    return usage ();
  if (!g_file_get_contents (argv[1], (char **) &data, &len, &error))
    {
      fprintf (stderr, "tm-mutate: %s\n", error->message);
      return 1;
    }
  if (g_str_has_prefix (argv[2], "postings:"))
    {
      g_auto(GStrv) parts = g_strsplit (argv[2], ":", 3);

      if (g_strv_length (parts) != 3 || (strcmp (parts[2], "demand") != 0 && strcmp (parts[2], "achievement") != 0))
        return usage ();
      if (!tm_mutate_term_postings (data, len, parts[1], strcmp (parts[2], "achievement") == 0, &offset, &size))
        {
          fprintf (stderr, "tm-mutate: %s: no postings of %s in the %s library\n", argv[1], parts[1], parts[2]);
          return 1;
        }
    }
  else if (!tm_mutate_section (data, len, tm_mutate_kind_from_name (argv[2]), &offset, &size))
    {
      fprintf (stderr, "tm-mutate: %s: no section %s\n", argv[1], argv[2]);
      return 1;
    }
  at = g_ascii_strtoll (argv[3], NULL, 10);
  if (at < 0)
    at += (gint64) size;
  if (at < 0 || (guint64) at + (guint64) (argc - 4) > size)
    {
      fprintf (stderr, "tm-mutate: offset %s is outside the section (%" G_GUINT64_FORMAT " bytes)\n", argv[3], size);
      return 1;
    }
  for (int i = 4; i < argc; i++)
    {
      char *end;
      guint64 byte = g_ascii_strtoull (argv[i], &end, 16);

      if (*end != '\0' || byte > 0xFF)
        return usage ();
      data[offset + (guint64) at + (guint64) (i - 4)] = (guint8) byte;
    }
  if (!tm_mutate_rechecksum (data, len))
    {
      fprintf (stderr, "tm-mutate: %s: cannot recompute the checksums\n", argv[1]);
      return 1;
    }
  if (!g_file_set_contents (argv[1], (const char *) data, (gssize) len, &error))
    {
      fprintf (stderr, "tm-mutate: %s\n", error->message);
      return 1;
    }
  return 0;
}

/* sprinter-csv.c — the csv back-end of tm-sprinter.h (RFC 4180): cells
 * separated by commas, lines ended by CRLF, a cell holding a comma, a
 * quote or a line break quoted with its quotes doubled.  Always a header
 * line; a UTF-8 byte order mark first when the options ask for one (for
 * spreadsheets that would guess another encoding).  Text that a
 * spreadsheet would take for a formula is neutralised
 * (_tm_spreadsheet_text()). */
#include "config.h"

#include <string.h>

#include "tm-sprinter-backend.h"

static void
csv_begin (TmTableWriter *t)
{
  if (t->sp->options.bom)
    _tm_sprinter_put (t->sp, "\xEF\xBB\xBF", 3);
}

static void
csv_line (TmTableWriter *t, const TmCell *cells, guint n, gboolean header)
{
  GString *line = g_string_new (NULL);
  g_autoptr(GString) safe = g_string_new (NULL);

  for (guint i = 0; i < n; i++)
    {
      const char *s = cells[i].type == TM_CELL_STRING && !header
                        ? _tm_spreadsheet_text (cells[i].text, safe) : cells[i].text;

      if (i > 0)
        g_string_append_c (line, ',');
      if (strpbrk (s, ",\"\r\n") == NULL)
        {
          g_string_append (line, s);
          continue;
        }
      g_string_append_c (line, '"');
      for (; *s != '\0'; s++)
        {
          if (*s == '"')
            g_string_append_c (line, '"');
          g_string_append_c (line, *s);
        }
      g_string_append_c (line, '"');
    }
  g_string_append (line, "\r\n");
  _tm_sprinter_put (t->sp, line->str, (gssize) line->len);
  g_string_free (line, TRUE);
}

static const TmTableWriterClass csv_class = {
  .begin = csv_begin,
  .line = csv_line,
  .always_header = TRUE,
};

TmSprinter *
_tm_sprinter_csv_new (void)
{
  TmTableWriter *t = g_new0 (TmTableWriter, 1);

  t->klass = &csv_class;
  return _tm_sprinter_table_new (t);
}

/* sprinter-tsv.c — the tsv back-end of tm-sprinter.h: cells separated by
 * a tab, lines ended by a newline.  A tab or line break inside a cell
 * would break its line: it prints as a space, or escaped with a
 * backslash when the options ask (TmSprinterOptions.escape). */
#include "config.h"

#include "tm-sprinter-backend.h"

static void
tsv_line (TmTableWriter *t, const TmCell *cells, guint n, gboolean header)
{
  GString *line = g_string_new (NULL);
  gboolean escape = t->sp->options.escape;

  for (guint i = 0; i < n; i++)
    {
      if (i > 0)
        g_string_append_c (line, '\t');
      for (const char *s = cells[i].text; *s != '\0'; s++)
        switch (*s)
          {
          case '\t': g_string_append (line, escape ? "\\t" : " "); break;
          case '\n': g_string_append (line, escape ? "\\n" : " "); break;
          case '\r': g_string_append (line, escape ? "\\r" : " "); break;
          case '\\': g_string_append (line, escape ? "\\\\" : "\\"); break;
          default: g_string_append_c (line, *s);
          }
    }
  g_string_append_c (line, '\n');
  _tm_sprinter_put (t->sp, line->str, (gssize) line->len);
  g_string_free (line, TRUE);
}

static const TmTableWriterClass tsv_class = {
  .line = tsv_line,
};

TmSprinter *
_tm_sprinter_tsv_new (void)
{
  TmTableWriter *t = g_new0 (TmTableWriter, 1);

  t->klass = &tsv_class;
  return _tm_sprinter_table_new (t);
}

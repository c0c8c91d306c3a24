/* tm-import.c — reading a table of decisions for decisions --import: the
 * file a manager exported with `techmatch decisions --format csv`,
 * edited in a spreadsheet and saved, as CSV (RFC 4180: quoted fields,
 * doubled quotes, line breaks inside quotes, CRLF) or TSV (fields escaped
 * as techmatch writes them: \t, \n, \r, \\).  A file of its own so that a
 * fuzzer can reach it.  Change the columns, change techmatch-decisions(1).
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "tm-cli.h"
#include "tm-error.h"

enum { COL_DEMAND, COL_ACHIEVEMENT, COL_STATE, COL_TIME, COL_BY, COL_NOTE, N_COLS };

static const char *const col_names[N_COLS][3] = {
  [COL_DEMAND] = { "demand", "demand_id", NULL },
  [COL_ACHIEVEMENT] = { "achievement", "achievement_id", NULL },
  [COL_STATE] = { "state", "decision", NULL },
  [COL_TIME] = { "time", "decided_at", NULL },
  [COL_BY] = { "by", "decided_by", NULL },
  [COL_NOTE] = { "note", NULL, NULL },
};

typedef struct {
  const char *p, *end;
  char sep;
  guint line;              /* of the next character */
} Reader;

/* The next field into @field; sets *@eol at the end of a row.  FALSE on
 * an unterminated quote. */
static gboolean
next_field (Reader *r, GString *field, gboolean *eol)
{
  g_string_truncate (field, 0);
  *eol = FALSE;
  if (r->sep == ',' && r->p < r->end && *r->p == '"')
    {
      r->p++;
      for (;;)
        {
          if (r->p >= r->end)
            return FALSE;
          if (*r->p == '"')
            {
              if (r->p + 1 < r->end && r->p[1] == '"')
                {
                  g_string_append_c (field, '"');
                  r->p += 2;
                  continue;
                }
              r->p++;
              break;
            }
          if (*r->p == '\n')
            r->line++;
          g_string_append_c (field, *r->p++);
        }
    }
  while (r->p < r->end && *r->p != r->sep && *r->p != '\n')
    {
      if (r->sep == '\t' && *r->p == '\\' && r->p + 1 < r->end)
        {
          char c = r->p[1];
          g_string_append_c (field, c == 't' ? '\t' : c == 'n' ? '\n' : c == 'r' ? '\r' : c);
          r->p += 2;
          continue;
        }
      if (*r->p != '\r' || (r->p + 1 < r->end && r->p[1] != '\n'))
        g_string_append_c (field, *r->p);
      r->p++;
    }
  if (r->p >= r->end || *r->p == '\n')
    {
      *eol = TRUE;
      if (r->p < r->end)
        r->line++;
    }
  r->p++;
  return TRUE;
}

/* One row into @fields (char *, owned); FALSE with @error. */
static gboolean
next_row (Reader *r, GPtrArray *fields, const char *name, GError **error)
{
  g_autoptr(GString) field = g_string_new (NULL);
  guint start = r->line;
  gboolean eol = FALSE;

  g_ptr_array_set_size (fields, 0);
  while (!eol)
    {
      if (!next_field (r, field, &eol))
        {
          g_set_error (error, TM_ERROR, TM_ERROR_PARSE, _("%s:%u: a quoted field is never closed"), name, start);
          return FALSE;
        }
      g_ptr_array_add (fields, g_strdup (field->str));
    }
  return TRUE;
}

static gboolean
parse_time (const char *s, gint64 *out)
{
  g_autoptr(GTimeZone) utc = g_time_zone_new_utc ();
  g_autoptr(GDateTime) t = NULL;
  g_autofree char *iso = g_strdup (s);
  int y, m, d;
  char tail;

  /* Spreadsheets write "2025-11-01 09:30:00"; ISO 8601 wants a T. */
  if (strlen (iso) > 10 && iso[10] == ' ')
    iso[10] = 'T';
  if (sscanf (iso, "%4d-%2d-%2d%c", &y, &m, &d, &tail) == 3)
    t = g_date_time_new (utc, y, m, d, 0, 0, 0);
  else
    t = g_date_time_new_from_iso8601 (iso, utc);
  if (t == NULL)
    return FALSE;
  *out = g_date_time_to_unix (t);
  return TRUE;
}

GPtrArray *
tm_import_parse (const char *text, gsize len, const char *name, gint64 now, const char *by,
                 GArray **lines_out, GError **error)
{
  g_autoptr(GPtrArray) out = g_ptr_array_new_with_free_func ((GDestroyNotify) tm_decision_free);
  g_autoptr(GPtrArray) fields = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GArray) lines = g_array_new (FALSE, FALSE, sizeof (guint));
  int col[N_COLS];
  const char *nl;
  Reader r;

  if (memchr (text, '\0', len) != NULL || !g_utf8_validate (text, (gssize) len, NULL))
    {
      g_set_error (error, TM_ERROR, TM_ERROR_PARSE, _("%s: not UTF-8 text (save the sheet as UTF-8 CSV)"), name);
      return NULL;
    }
  if (len >= 3 && memcmp (text, "\xEF\xBB\xBF", 3) == 0)
    text += 3, len -= 3;
  nl = memchr (text, '\n', len);
  r.p = text;
  r.end = text + len;
  r.line = 1;
  r.sep = memchr (text, '\t', nl != NULL ? (gsize) (nl - text) : len) != NULL ? '\t' : ',';

  /* The header names the columns, in any order. */
  if (!next_row (&r, fields, name, error))
    return NULL;
  for (int c = 0; c < N_COLS; c++)
    col[c] = -1;
  for (guint i = 0; i < fields->len; i++)
    {
      char *f = g_strstrip (g_ascii_strdown (fields->pdata[i], -1));
      gboolean known = FALSE;

      for (int c = 0; c < N_COLS && !known; c++)
        for (int k = 0; k < 3 && col_names[c][k] != NULL; k++)
          if (strcmp (f, col_names[c][k]) == 0)
            {
              if (col[c] >= 0)
                {
                  g_set_error (error, TM_ERROR, TM_ERROR_PARSE, _("%s:1: column '%s' twice"), name, f);
                  g_free (f);
                  return NULL;
                }
              col[c] = (int) i;
              known = TRUE;
              break;
            }
      g_free (f);
    }
  for (int c = 0; c <= COL_STATE; c++)
    if (col[c] < 0)
      {
        g_set_error (error, TM_ERROR, TM_ERROR_PARSE,
                     _("%s:1: the header has no '%s' column (it needs demand, achievement and state)"),
                     name, col_names[c][0]);
        return NULL;
      }

  while (r.p < r.end)
    {
      guint line = r.line;
      const char *v[N_COLS];
      TmDecisionState state;
      gint64 when = now;
      gboolean blank = TRUE;

      if (!next_row (&r, fields, name, error))
        return NULL;
      for (guint i = 0; i < fields->len; i++)
        if (((char *) fields->pdata[i])[0] != '\0')
          blank = FALSE;
      if (blank)
        continue;
      for (int c = 0; c < N_COLS; c++)
        {
          v[c] = "";
          if (col[c] >= 0 && (guint) col[c] < fields->len)
            {
              v[c] = fields->pdata[col[c]];
              if (c <= COL_TIME)
                g_strstrip ((char *) v[c]);
              /* The apostrophe techmatch's csv puts before text that a
               * spreadsheet would take for a formula (=, +, -, @): a
               * spreadsheet that kept it gives it back; it is not part
               * of the value. */
              if (r.sep == ',' && v[c][0] == '\'' && v[c][1] != '\0' && strchr ("=+-@\t\r", v[c][1]) != NULL)
                v[c]++;
            }
        }
      for (int c = 0; c <= COL_ACHIEVEMENT; c++)
        if (v[c][0] == '\0')
          {
            g_set_error (error, TM_ERROR, TM_ERROR_PARSE, _("%s:%u: %s: empty"), name, line, col_names[c][0]);
            return NULL;
          }
      if (!tm_decision_state_from_name (v[COL_STATE], &state))
        {
          g_set_error (error, TM_ERROR, TM_ERROR_PARSE,
                       _("%s:%u: state: accepted, contacted, rejected or cleared, not '%s'"),
                       name, line, v[COL_STATE]);
          return NULL;
        }
      if (v[COL_TIME][0] != '\0' && !parse_time (v[COL_TIME], &when))
        {
          g_set_error (error, TM_ERROR, TM_ERROR_PARSE,
                       _("%s:%u: time: a date or an ISO 8601 time (2025-11-01T09:30:00Z), not '%s'"),
                       name, line, v[COL_TIME]);
          return NULL;
        }
      g_ptr_array_add (out, tm_decision_new (v[COL_DEMAND], v[COL_ACHIEVEMENT], state, when,
                                             v[COL_BY][0] != '\0' ? v[COL_BY] : by,
                                             v[COL_NOTE][0] != '\0' ? v[COL_NOTE] : NULL));
      g_array_append_val (lines, line);
    }
  *lines_out = g_steal_pointer (&lines);
  return g_steal_pointer (&out);
}

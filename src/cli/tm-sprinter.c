/* tm-sprinter.c — the printer's front: picks the back-end, filters calls
 * by family (tm_sprinter_only()), and keeps what every back-end shares:
 * write errors and number formatting. */
#include "config.h"

#include <errno.h>
#include <math.h>
#include <string.h>

#include "tm-error.h"
#include "tm-i18n.h"
#include "tm-sprinter-backend.h"

static const struct {
  const char *name;
  TmSprinter *(*create) (void);
} formats[] = {
  { "tsv", _tm_sprinter_tsv_new },
  { "csv", _tm_sprinter_csv_new },
  { "json", _tm_sprinter_json_new },
  { "xml", _tm_sprinter_xml_new },
  { "xlsx", _tm_sprinter_xlsx_new },
};

gboolean
tm_sprinter_format_exists (const char *format)
{
  for (gsize i = 0; i < G_N_ELEMENTS (formats); i++)
    if (g_strcmp0 (format, formats[i].name) == 0)
      return TRUE;
  return FALSE;
}

TmSprinter *
tm_sprinter_new (const char *format, FILE *out, const char *name,
                 const TmSprinterOptions *options, GError **error)
{
  TmSprinter *sp = NULL;

  g_return_val_if_fail (out != NULL, NULL);
  for (gsize i = 0; sp == NULL && i < G_N_ELEMENTS (formats); i++)
    if (g_strcmp0 (format, formats[i].name) == 0)
      sp = formats[i].create ();
  if (sp == NULL)
    {
      g_set_error (error, TM_ERROR, TM_ERROR_INVALID, _("unknown output format '%s'"), format);
      return NULL;
    }
  sp->audience = TM_SPRINTER_ALL;
  sp->out = out;
  sp->name = g_strdup (name != NULL ? name : _("the output"));
  if (options != NULL)
    sp->options = *options;
  if (sp->klass->start != NULL)
    sp->klass->start (sp);
  return sp;
}

gboolean
tm_sprinter_finish (TmSprinter *sp, GError **error)
{
  g_return_val_if_fail (!sp->finished, FALSE);
  g_warn_if_fail (sp->depth == 0);
  sp->finished = TRUE;
  if (!sp->klass->finish (sp, error))
    return FALSE;
  if (fflush (sp->out) != 0 || ferror (sp->out))
    _tm_sprinter_fail (sp, errno);
  if (sp->write_failed)
    {
      g_set_error (error, TM_ERROR, TM_ERROR_IO, _("writing %s: %s"), sp->name,
                   sp->write_errno != 0 ? g_strerror (sp->write_errno) : _("write error"));
      return FALSE;
    }
  return TRUE;
}

void
tm_sprinter_free (TmSprinter *sp)
{
  if (sp == NULL)
    return;
  if (sp->klass->free != NULL)
    sp->klass->free (sp);
  g_free (sp->name);
  g_free (sp);
}

void
_tm_sprinter_fail (TmSprinter *sp, int errnum)
{
  if (sp->write_failed)
    return;
  sp->write_failed = TRUE;
  sp->write_errno = errnum;
}

void
_tm_sprinter_put (TmSprinter *sp, const char *s, gssize len)
{
  gsize n = len < 0 ? strlen (s) : (gsize) len;

  if (n > 0 && fwrite (s, 1, n, sp->out) != n)
    _tm_sprinter_fail (sp, errno);
}

const char *
_tm_spreadsheet_text (const char *text, GString *scratch)
{
  if (text[0] == '\0' || strchr ("=+-@\t\r", text[0]) == NULL)
    return text;
  g_string_assign (scratch, "'");
  g_string_append (scratch, text);
  return scratch->str;
}

const char *
_tm_sprinter_format_number (char *buf, gsize size, double value, int decimals)
{
  double scale = pow (10, decimals);

  /* Rounded first (half away from zero), so that every format shows the
   * same digits: 0.33195 is 0.3320 in TSV and in JSON. */
  g_snprintf (buf, size, "%.*f", decimals, round (value * scale) / scale);
  return buf;
}

/* ---- the calls, filtered by family ------------------------------------------- */

#define REACHES(sp) (((sp)->audience & (sp)->family) != 0)

void
tm_sprinter_only (TmSprinter *sp, TmSprinterFamily families)
{
  sp->audience = families;
}

void
tm_sprinter_begin_document (TmSprinter *sp, const char *name, int version)
{
  if (!REACHES (sp))
    return;
  sp->depth++;
  sp->klass->begin_document (sp, name, version);
}

void
tm_sprinter_begin_map (TmSprinter *sp)
{
  if (!REACHES (sp))
    return;
  sp->depth++;
  sp->klass->begin_map (sp);
}

void
tm_sprinter_begin_row (TmSprinter *sp)
{
  if (!REACHES (sp))
    return;
  sp->depth++;
  sp->klass->begin_row (sp);
}

void
tm_sprinter_begin_list (TmSprinter *sp, const char *item)
{
  if (!REACHES (sp))
    return;
  sp->depth++;
  sp->klass->begin_list (sp, item != NULL ? item : "item");
}

void
tm_sprinter_begin_stream (TmSprinter *sp, const char *item)
{
  if (!REACHES (sp))
    return;
  sp->depth++;
  sp->klass->begin_stream (sp, item != NULL ? item : "item");
}

void
tm_sprinter_end (TmSprinter *sp)
{
  if (!REACHES (sp))
    return;
  g_return_if_fail (sp->depth > 0);
  sp->depth--;
  sp->klass->end (sp);
}

void
tm_sprinter_key (TmSprinter *sp, const char *key)
{
  if (REACHES (sp))
    sp->klass->key (sp, key);
}

void
tm_sprinter_string (TmSprinter *sp, const char *value)
{
  if (!REACHES (sp))
    return;
  if (value == NULL)
    sp->klass->null (sp);
  else
    sp->klass->string (sp, value);
}

void
tm_sprinter_string_or_null (TmSprinter *sp, const char *value)
{
  tm_sprinter_string (sp, value != NULL && value[0] != '\0' ? value : NULL);
}

void
tm_sprinter_integer (TmSprinter *sp, gint64 value)
{
  if (REACHES (sp))
    sp->klass->integer (sp, value);
}

void
tm_sprinter_number (TmSprinter *sp, double value, int decimals)
{
  if (!REACHES (sp))
    return;
  decimals = CLAMP (decimals, 0, 9);
  if (isfinite (value))
    sp->klass->number (sp, value, decimals);
  else
    sp->klass->null (sp);
}

void
tm_sprinter_score (TmSprinter *sp, double value)
{
  tm_sprinter_number (sp, value, TM_SPRINTER_SCORE_DECIMALS);
}

void
tm_sprinter_boolean (TmSprinter *sp, gboolean value)
{
  if (REACHES (sp))
    sp->klass->boolean (sp, value);
}

void
tm_sprinter_null (TmSprinter *sp)
{
  if (REACHES (sp))
    sp->klass->null (sp);
}

void
tm_sprinter_columns (TmSprinter *sp, const char * const *names)
{
  if (REACHES (sp) && sp->klass->columns != NULL)
    sp->klass->columns (sp, names);
}

void
tm_sprinter_prefix (TmSprinter *sp, const char *cell)
{
  if (REACHES (sp) && sp->klass->prefix != NULL)
    sp->klass->prefix (sp, cell);
}

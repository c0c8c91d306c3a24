/* sprinter-json.c — the json back-end of tm-sprinter.h.
 *
 * Streams as it goes (a batch can be large).  The layout is the one
 * techmatch has always printed: members and items each on a line,
 * indented by two spaces a level, "key" : value, an empty list as "[]"
 * and an empty map as "{" and "}" around its indentation; the items of a stream compact, one a line.  Strings
 * escape '"', '\\', every control character and DEL.
 */
#include "config.h"

#include <string.h>

#include "tm-sprinter-backend.h"

typedef struct {
  gboolean object;
  gboolean compact;   /* no whitespace at all inside */
  gboolean stream;    /* items compact, one a line */
  guint count;        /* members or items so far */
} Frame;

typedef struct {
  TmSprinter base;
  GArray *frames;
} JsonSprinter;

static Frame *
top (JsonSprinter *j)
{
  return j->frames->len > 0 ? &g_array_index (j->frames, Frame, j->frames->len - 1) : NULL;
}

static void
put (JsonSprinter *j, const char *s)
{
  _tm_sprinter_put (&j->base, s, -1);
}

static void
newline (JsonSprinter *j, guint level)
{
  put (j, "\n");
  for (guint i = 0; i < level; i++)
    put (j, "  ");
}

/* Before a value: the comma and line break an item needs (a member's
 * were written by its key). */
static void
before_value (JsonSprinter *j)
{
  Frame *f = top (j);

  if (f == NULL || f->object)
    return;
  if (f->count++ > 0)
    put (j, ",");
  if (!f->compact)
    newline (j, j->frames->len);
}

static void
write_string (JsonSprinter *j, const char *s)
{
  GString *out = g_string_sized_new (strlen (s) + 2);

  g_string_append_c (out, '"');
  for (const unsigned char *p = (const unsigned char *) s; *p != '\0'; p++)
    switch (*p)
      {
      case '"': g_string_append (out, "\\\""); break;
      case '\\': g_string_append (out, "\\\\"); break;
      case '\b': g_string_append (out, "\\b"); break;
      case '\f': g_string_append (out, "\\f"); break;
      case '\n': g_string_append (out, "\\n"); break;
      case '\r': g_string_append (out, "\\r"); break;
      case '\t': g_string_append (out, "\\t"); break;
      default:
        if (*p < 0x20 || *p == 0x7f)
          g_string_append_printf (out, "\\u%04x", *p);
        else
          g_string_append_c (out, (char) *p);
      }
  g_string_append_c (out, '"');
  _tm_sprinter_put (&j->base, out->str, (gssize) out->len);
  g_string_free (out, TRUE);
}

static void
begin (JsonSprinter *j, gboolean object, gboolean stream)
{
  Frame *parent = top (j);
  Frame f = { object, parent != NULL && (parent->compact || parent->stream), stream, 0 };

  before_value (j);
  put (j, object ? "{" : "[");
  g_array_append_val (j->frames, f);
}

static void
json_begin_map (TmSprinter *sp)
{
  begin ((JsonSprinter *) sp, TRUE, FALSE);
}

static void
json_begin_document (TmSprinter *sp, const char *name, int version)
{
  json_begin_map (sp);
  sp->klass->key (sp, "version");
  sp->klass->integer (sp, version);
}

static void
json_begin_list (TmSprinter *sp, const char *item)
{
  begin ((JsonSprinter *) sp, FALSE, FALSE);
}

static void
json_begin_stream (TmSprinter *sp, const char *item)
{
  begin ((JsonSprinter *) sp, FALSE, TRUE);
}

static void
json_end (TmSprinter *sp)
{
  JsonSprinter *j = (JsonSprinter *) sp;
  Frame f = *top (j);

  g_array_set_size (j->frames, j->frames->len - 1);
  if (!f.compact && (f.count > 0 || f.stream))
    newline (j, j->frames->len);
  else if (!f.compact && f.object)
    for (guint i = 0; i < j->frames->len; i++)
      put (j, "  ");
  put (j, f.object ? "}" : "]");
  if (j->frames->len == 0)
    put (j, "\n");
}

static void
json_key (TmSprinter *sp, const char *key)
{
  JsonSprinter *j = (JsonSprinter *) sp;
  Frame *f = top (j);

  g_return_if_fail (f != NULL && f->object);
  if (f->count++ > 0)
    put (j, ",");
  if (!f->compact)
    newline (j, j->frames->len);
  write_string (j, key);
  put (j, f->compact ? ":" : " : ");
}

static void
json_string (TmSprinter *sp, const char *value)
{
  before_value ((JsonSprinter *) sp);
  write_string ((JsonSprinter *) sp, value);
}

static void
json_integer (TmSprinter *sp, gint64 value)
{
  char buf[32];

  before_value ((JsonSprinter *) sp);
  g_snprintf (buf, sizeof buf, "%" G_GINT64_FORMAT, value);
  put ((JsonSprinter *) sp, buf);
}

static void
json_number (TmSprinter *sp, double value, int decimals)
{
  char buf[64];

  before_value ((JsonSprinter *) sp);
  put ((JsonSprinter *) sp, _tm_sprinter_format_number (buf, sizeof buf, value, decimals));
}

static void
json_boolean (TmSprinter *sp, gboolean value)
{
  before_value ((JsonSprinter *) sp);
  put ((JsonSprinter *) sp, value ? "true" : "false");
}

static void
json_null (TmSprinter *sp)
{
  before_value ((JsonSprinter *) sp);
  put ((JsonSprinter *) sp, "null");
}

static gboolean
json_finish (TmSprinter *sp, GError **error)
{
  return TRUE;
}

static void
json_free (TmSprinter *sp)
{
  g_array_unref (((JsonSprinter *) sp)->frames);
}

static const TmSprinterClass json_class = {
  .begin_document = json_begin_document,
  .begin_map = json_begin_map,
  .begin_row = json_begin_map,
  .begin_list = json_begin_list,
  .begin_stream = json_begin_stream,
  .end = json_end,
  .key = json_key,
  .string = json_string,
  .integer = json_integer,
  .number = json_number,
  .boolean = json_boolean,
  .null = json_null,
  .finish = json_finish,
  .free = json_free,
};

TmSprinter *
_tm_sprinter_json_new (void)
{
  JsonSprinter *j = g_new0 (JsonSprinter, 1);

  j->base.klass = &json_class;
  j->base.family = TM_SPRINTER_TREE;
  j->frames = g_array_new (FALSE, FALSE, sizeof (Frame));
  return &j->base;
}

/* sprinter-xml.c — the xml back-end of tm-sprinter.h, over libxml2's
 * xmlTextWriter (which escapes, and indents by two spaces).
 *
 * The document is the root element, in the namespace
 * urn:techmatch:NAME:VERSION, with a version attribute.  A map or row is
 * an element: named by its list's item name, else by its key.  A scalar
 * member is an attribute while the element has no child yet, a child
 * element <key>value</key> after; a null member is left out.  A list adds
 * no element of its own: its items are the children of the element that
 * holds it, each an element named by the list's item name.
 */
#include "config.h"

#include <errno.h>
#include <string.h>

#include <libxml/xmlwriter.h>

#include "tm-sprinter-backend.h"

typedef struct {
  gboolean list;
  char *name;          /* the element's name, or a list's item name */
  gboolean children;   /* an element: a child element written */
} Frame;

typedef struct {
  TmSprinter base;
  xmlTextWriterPtr writer;
  GArray *frames;
  char *key;           /* the pending key */
} XmlSprinter;

static Frame *
top (XmlSprinter *x)
{
  return x->frames->len > 0 ? &g_array_index (x->frames, Frame, x->frames->len - 1) : NULL;
}

static void
check (XmlSprinter *x, int rc)
{
  /* A failed write leaves its errno (ENOSPC, EIO ...). */
  if (rc < 0)
    _tm_sprinter_fail (&x->base, errno);
}

/* libxml2 would print its own line for a failed write: the error is
 * reported once, by tm_sprinter_finish(). */
static void
quiet (void *data, xmlErrorPtr error)
{
}

static void
push (XmlSprinter *x, gboolean list, const char *name)
{
  Frame f = { list, g_strdup (name), FALSE };

  g_array_append_val (x->frames, f);
}

/* The element that the next child goes into is no longer empty of them. */
static void
child_started (XmlSprinter *x)
{
  for (guint i = x->frames->len; i > 0; i--)
    {
      Frame *f = &g_array_index (x->frames, Frame, i - 1);
      if (!f->list)
        {
          f->children = TRUE;
          return;
        }
    }
}

static void
xml_start (TmSprinter *sp)
{
  XmlSprinter *x = (XmlSprinter *) sp;
  xmlOutputBufferPtr buf;

  xmlSetStructuredErrorFunc (NULL, quiet);
  buf = xmlOutputBufferCreateFile (sp->out, NULL);

  x->writer = buf != NULL ? xmlNewTextWriter (buf) : NULL;
  if (x->writer == NULL)
    {
      _tm_sprinter_fail (sp, 0);
      return;
    }
  check (x, xmlTextWriterSetIndent (x->writer, 1));
  check (x, xmlTextWriterSetIndentString (x->writer, BAD_CAST "  "));
}

static void
xml_begin_document (TmSprinter *sp, const char *name, int version)
{
  XmlSprinter *x = (XmlSprinter *) sp;
  g_autofree char *ns = g_strdup_printf ("urn:techmatch:%s:%d", name, version);

  push (x, FALSE, name);
  if (x->writer == NULL)
    return;
  check (x, xmlTextWriterStartDocument (x->writer, NULL, "UTF-8", NULL));
  check (x, xmlTextWriterStartElementNS (x->writer, NULL, BAD_CAST name, BAD_CAST ns));
  check (x, xmlTextWriterWriteFormatAttribute (x->writer, BAD_CAST "version", "%d", version));
}

static void
xml_begin_map (TmSprinter *sp)
{
  XmlSprinter *x = (XmlSprinter *) sp;
  Frame *f = top (x);
  g_autofree char *name = g_strdup (f != NULL && f->list ? f->name : x->key != NULL ? x->key : "map");

  g_clear_pointer (&x->key, g_free);
  child_started (x);
  push (x, FALSE, name);
  if (x->writer != NULL)
    check (x, xmlTextWriterStartElement (x->writer, BAD_CAST name));
}

static void
xml_begin_list (TmSprinter *sp, const char *item)
{
  XmlSprinter *x = (XmlSprinter *) sp;

  g_clear_pointer (&x->key, g_free);
  push (x, TRUE, item);
}

static void
xml_end (TmSprinter *sp)
{
  XmlSprinter *x = (XmlSprinter *) sp;
  Frame f = *top (x);

  g_array_set_size (x->frames, x->frames->len - 1);
  g_clear_pointer (&x->key, g_free);
  if (!f.list && x->writer != NULL)
    {
      check (x, xmlTextWriterEndElement (x->writer));
      if (x->frames->len == 0)
        check (x, xmlTextWriterEndDocument (x->writer));
    }
  g_free (f.name);
}

static void
xml_key (TmSprinter *sp, const char *key)
{
  XmlSprinter *x = (XmlSprinter *) sp;

  g_free (x->key);
  x->key = g_strdup (key);
}

/* A scalar: an attribute, a child element or a list item. */
static void
scalar (XmlSprinter *x, const char *text)
{
  Frame *f = top (x);
  g_autofree char *key = g_steal_pointer (&x->key);

  g_return_if_fail (f != NULL);
  if (x->writer == NULL)
    return;
  if (f->list)
    {
      child_started (x);
      if (text != NULL)
        check (x, xmlTextWriterWriteElement (x->writer, BAD_CAST f->name, BAD_CAST text));
      else
        {
          check (x, xmlTextWriterStartElement (x->writer, BAD_CAST f->name));
          check (x, xmlTextWriterEndElement (x->writer));
        }
      return;
    }
  g_return_if_fail (key != NULL);
  if (text == NULL)
    return;
  if (!f->children)
    check (x, xmlTextWriterWriteAttribute (x->writer,
                                           BAD_CAST (strcmp (key, f->name) == 0 ? "id" : key),
                                           BAD_CAST text));
  else
    check (x, xmlTextWriterWriteElement (x->writer, BAD_CAST key, BAD_CAST text));
}

static void
xml_string (TmSprinter *sp, const char *value)
{
  scalar ((XmlSprinter *) sp, value);
}

static void
xml_integer (TmSprinter *sp, gint64 value)
{
  char buf[32];

  g_snprintf (buf, sizeof buf, "%" G_GINT64_FORMAT, value);
  scalar ((XmlSprinter *) sp, buf);
}

static void
xml_number (TmSprinter *sp, double value, int decimals)
{
  char buf[64];

  scalar ((XmlSprinter *) sp, _tm_sprinter_format_number (buf, sizeof buf, value, decimals));
}

static void
xml_boolean (TmSprinter *sp, gboolean value)
{
  scalar ((XmlSprinter *) sp, value ? "true" : "false");
}

static void
xml_null (TmSprinter *sp)
{
  scalar ((XmlSprinter *) sp, NULL);
}

static gboolean
xml_finish (TmSprinter *sp, GError **error)
{
  XmlSprinter *x = (XmlSprinter *) sp;

  if (x->writer != NULL)
    {
      check (x, xmlTextWriterFlush (x->writer));
      /* Frees the output buffer too; the FILE stays open. */
      xmlFreeTextWriter (x->writer);
      x->writer = NULL;
    }
  return TRUE;
}

static void
xml_free (TmSprinter *sp)
{
  XmlSprinter *x = (XmlSprinter *) sp;

  if (x->writer != NULL)
    xmlFreeTextWriter (x->writer);
  for (guint i = 0; i < x->frames->len; i++)
    g_free (g_array_index (x->frames, Frame, i).name);
  g_array_unref (x->frames);
  g_free (x->key);
}

static const TmSprinterClass xml_class = {
  .start = xml_start,
  .begin_document = xml_begin_document,
  .begin_map = xml_begin_map,
  .begin_row = xml_begin_map,
  .begin_list = xml_begin_list,
  .begin_stream = xml_begin_list,
  .end = xml_end,
  .key = xml_key,
  .string = xml_string,
  .integer = xml_integer,
  .number = xml_number,
  .boolean = xml_boolean,
  .null = xml_null,
  .finish = xml_finish,
  .free = xml_free,
};

TmSprinter *
_tm_sprinter_xml_new (void)
{
  XmlSprinter *x = g_new0 (XmlSprinter, 1);

  x->base.klass = &xml_class;
  x->base.family = TM_SPRINTER_TREE;
  x->frames = g_array_new (FALSE, FALSE, sizeof (Frame));
  return &x->base;
}

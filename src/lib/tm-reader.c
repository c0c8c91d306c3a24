/* tm-reader.c — the streaming corpus reader (see tm-reader.h).
 *
 * The file is read with an xmlTextReader.  Each record element is expanded
 * into a small subtree (bounded by TM_MAX_RECORD_BYTES and libxml2's own
 * node limits), validated on its own against the record pattern of the
 * schema, turned into a TmRecord, and freed as the reader moves on.
 * Validating record by record, rather than the whole document in one
 * stream, is what lets one bad record be reported without hiding the
 * problems of the records after it: libxml2's streaming RELAX NG
 * validation stops reporting after the first failure.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <gio/gio.h>
#include <libxml/relaxng.h>
#include <libxml/xmlreader.h>

#include "tm-error.h"
#include "tm-import.h"
#include "tm-limits.h"
#include "tm-private.h"
#include "tm-reader.h"

#define TM_CORPUS_NS "urn:techmatch:corpus:1"
#define RNG_NS "http://relaxng.org/ns/structure/1.0"
#define SCHEMA_RESOURCE "/org/techmatch/techmatch-corpus.rng"

/* The bytes of a corpus file on their way to libxml2 (see scan_byte()). */
typedef enum {
  SCAN_TEXT, SCAN_LT, SCAN_BANG, SCAN_START, SCAN_END, SCAN_COMMENT,
  SCAN_CDATA, SCAN_PI, SCAN_DECL,
} ScanState;

typedef struct {
  int fd;
  gboolean scan;            /* FALSE when not ASCII-compatible (UTF-16) */
  guint64 offset;
  ScanState state;
  guint line, column;       /* of the byte being scanned; column in characters */
  guint lt_line, lt_column; /* of the last '<' */
  guint depth;              /* open elements */
  guint attributes;         /* in the start tag being scanned */
  guint elements;           /* in the record being scanned, itself included */
  guint record_line;
  char quote;               /* inside an attribute value: its quote */
  gboolean slash;           /* the start tag's last byte so far was '/' */
  guint run;                /* '-', ']' or '?' just before, for the ends of
                             * comments, CDATA sections and PIs */
  char bang[8];             /* what follows "<!" */
  guint n_bang;
  gboolean markup;          /* a '<' was seen */
  gboolean content;         /* anything but white space was seen */
  TmErrorCode code;         /* why the scan stopped the file */
  char *error;              /* "line:column: message", or NULL */
} Scan;

struct _TmReader {
  char *path;
  int fd;
  Scan scan;
  TmLocator *locator;
  xmlTextReaderPtr xr;
  TmLibrary library;
  TmProblemFunc problem_func;
  gpointer user_data;

  /* The first fatal parser error, reported by the next call. */
  char *fatal;
  guint fatal_line;
  guint fatal_column;

  /* The record being validated, for the error handler. */
  const char *record_id;
  const char *record_name;
  guint record_line;
  GPtrArray *record_messages; /* of TmReaderMessage */

  guint n_bad;
  gboolean done;

  /* A file of the importer's (CSV, XLSX ...): everything goes to it. */
  TmImport *import;
};

typedef struct {
  guint line;
  char *element;  /* the element the message is about, to find the column */
  char *text;
} TmReaderMessage;

static void
reader_message_free (gpointer p)
{
  TmReaderMessage *m = p;

  g_free (m->element);
  g_free (m->text);
  g_free (m);
}

/* ---- schema --------------------------------------------------------- */

/* No external entity, DTD or schema include is ever loaded: the only
 * documents techmatch parses are the corpus files it opens itself and the
 * schema compiled into it. */
static xmlParserInputPtr
refuse_external_entity (const char *url, const char *id, xmlParserCtxtPtr ctxt)
{
  return NULL;
}

/* Compiles the schema with its <start> replaced by a reference to one
 * record pattern ("achievement" or "demand"), so that one record can be
 * validated on its own. */
static xmlRelaxNGPtr
compile_record_schema (const char *record_name)
{
  g_autoptr(GBytes) bytes = NULL;
  xmlDocPtr doc;
  xmlNodePtr root, child;
  xmlRelaxNGParserCtxtPtr pctxt;
  xmlRelaxNGPtr schema;
  gsize size;
  const char *data;

  bytes = g_resource_lookup_data (tm_get_resource (), SCHEMA_RESOURCE, 0, NULL);
  g_assert (bytes != NULL); /* compiled into the program */
  data = g_bytes_get_data (bytes, &size);
  doc = xmlReadMemory (data, (int) size, "techmatch-corpus.rng", NULL, XML_PARSE_NONET);
  g_assert (doc != NULL);

  root = xmlDocGetRootElement (doc);
  for (child = root->children; child != NULL; child = child->next)
    {
      if (child->type == XML_ELEMENT_NODE && xmlStrEqual (child->name, BAD_CAST "start"))
        {
          xmlNodePtr ref;

          while (child->children != NULL)
            {
              xmlNodePtr c = child->children;
              xmlUnlinkNode (c);
              xmlFreeNode (c);
            }
          ref = xmlNewChild (child, NULL, BAD_CAST "ref", NULL);
          xmlSetProp (ref, BAD_CAST "name", BAD_CAST record_name);
          break;
        }
    }

  pctxt = xmlRelaxNGNewDocParserCtxt (doc);
  schema = xmlRelaxNGParse (pctxt);
  xmlRelaxNGFreeParserCtxt (pctxt);
  xmlFreeDoc (doc);
  g_assert (schema != NULL);
  return schema;
}

static xmlRelaxNGPtr record_schemas[TM_N_LIBRARIES];

/* libxml2 prints some errors itself ("encoder error"); every error of
 * ours reaches a structured handler that reports it with its place, so
 * the direct output is only noise. */
static void
silent (void *ctx, const char *msg, ...)
{
}

static gpointer
init_once (gpointer data)
{
  xmlInitParser ();
  xmlSetExternalEntityLoader (refuse_external_entity);
  xmlSetGenericErrorFunc (NULL, silent);
  xmlThrDefSetGenericErrorFunc (NULL, silent);
  record_schemas[TM_LIBRARY_DEMAND] = compile_record_schema ("demand");
  record_schemas[TM_LIBRARY_ACHIEVEMENT] = compile_record_schema ("achievement");
  return NULL;
}

static void
ensure_initialized (void)
{
  static GOnce once = G_ONCE_INIT;

  g_once (&once, init_once, NULL);
}

/* ---- locations and problems ----------------------------------------- */

/* Columns for messages: libxml2 keeps line numbers on nodes but no
 * columns, so the line is read again from the file.  The locator keeps
 * where the last line it found starts, and reads on from there: problems
 * come in file order, so locating them all reads the file once, where
 * starting from the top each time made reporting quadratic. */
struct _TmLocator {
  char *path;
  guint line;      /* a line number... */
  goffset offset;  /* ...and where it starts */
};

/* transfer full */
TmLocator *
_tm_locator_new (const char *path)
{
  TmLocator *loc = g_new0 (TmLocator, 1);

  loc->path = g_strdup (path);
  loc->line = 1;
  loc->offset = 0;
  return loc;
}

void
_tm_locator_free (TmLocator *loc)
{
  if (loc == NULL)
    return;
  g_free (loc->path);
  g_free (loc);
}

guint
_tm_locator_column (TmLocator *loc, guint line, const char *element)
{
  FILE *f;
  char *buf = NULL;
  size_t cap = 0;
  ssize_t len;
  guint column = 0;

  if (line == 0 || element == NULL || (f = fopen (loc->path, "re")) == NULL)
    return 0;
  if (line < loc->line)
    {
      loc->line = 1;
      loc->offset = 0;
    }
  if (fseeko (f, loc->offset, SEEK_SET) != 0)
    {
      fclose (f);
      return 0;
    }
  while ((len = getline (&buf, &cap, f)) >= 0)
    {
      if (loc->line < line)
        {
          loc->line++;
          loc->offset += len;
          continue;
        }
      for (char *p = buf; (p = memchr (p, '<', (gsize) len - (gsize) (p - buf))) != NULL; p++)
        {
          const char *name = p + 1;
          const char *colon = strpbrk (name, ": \t/>");

          if (colon != NULL && *colon == ':')
            name = colon + 1;
          if (g_str_has_prefix (name, element)
              && strchr (" \t\r\n/>", name[strlen (element)]) != NULL)
            {
              column = (guint) g_utf8_strlen (buf, p - buf) + 1;
              break;
            }
        }
      break;
    }
  free (buf);
  fclose (f);
  return column;
}

/* The column of <@element> on @line of the reader's file. */
static guint
locate (TmReader *reader, guint line, const char *element)
{
  return _tm_locator_column (reader->locator, line, element);
}

/* ---- the input scanner ---------------------------------------------- */

/* Every byte of a corpus file passes through the scanner before libxml2
 * sees it.  It follows the markup just far enough (tags, quoted values,
 * comments, CDATA sections, processing instructions) to stop the file,
 * with a message naming the place and the limit, before the parser or the
 * validator spends time without bound on it: a DOCTYPE anywhere outside
 * a comment (its entities could read other files or expand without
 * bound), more than TM_MAX_ATTRIBUTES attributes on one element (the
 * parser checks them for duplicates pairwise), more than
 * TM_MAX_RECORD_ELEMENTS elements in one record (validation time grows
 * faster than their number).  Memory stays that of one read buffer.
 * Files that are not ASCII-compatible (UTF-16) pass unscanned; the
 * checks on the parsed record (TM_MAX_RECORD_ELEMENTS, TM_MAX_KEYWORDS)
 * and the parser's DOCTYPE node still apply to them. */
static gboolean scan_fail (Scan *s, TmErrorCode code, guint line, guint column,
                           const char *format, ...) G_GNUC_PRINTF (5, 6);

static gboolean
scan_fail (Scan *s, TmErrorCode code, guint line, guint column, const char *format, ...)
{
  g_autofree char *message = NULL;
  va_list args;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);
  s->code = code;
  s->error = g_strdup_printf ("%u:%u: %s", line, column, message);
  return FALSE;
}

static gboolean
scan_byte (Scan *s, guchar c)
{
  if ((c & 0xC0) != 0x80)
    s->column++;
  if (c == '\n')
    {
      s->line++;
      s->column = 0;
    }
  switch (s->state)
    {
    case SCAN_TEXT:
      if (c == '<')
        {
          s->lt_line = s->line;
          s->lt_column = s->column;
          s->state = SCAN_LT;
          s->markup = s->content = TRUE;
        }
      else if (!g_ascii_isspace (c) && !(s->offset < 3 && c >= 0x80))  /* not a BOM */
        s->content = TRUE;
      break;
    case SCAN_LT:
      if (c == '/')
        s->state = SCAN_END;
      else if (c == '!')
        {
          s->state = SCAN_BANG;
          s->n_bang = 0;
        }
      else if (c == '?')
        {
          s->state = SCAN_PI;
          s->run = 0;
        }
      else
        {
          if (s->depth == 1)
            {
              s->elements = 1;
              s->record_line = s->lt_line;
            }
          else if (s->depth >= 2 && ++s->elements > TM_MAX_RECORD_ELEMENTS)
            return scan_fail (s, TM_ERROR_LIMIT, s->lt_line, s->lt_column,
                              _("the record on line %u holds more than %u elements "
                                 "(TM_MAX_RECORD_ELEMENTS); the file is not read further"),
                              s->record_line, TM_MAX_RECORD_ELEMENTS);
          s->attributes = 0;
          s->quote = 0;
          s->slash = FALSE;
          s->state = SCAN_START;
        }
      break;
    case SCAN_START:
      if (s->quote != 0)
        {
          if (c == (guchar) s->quote)
            s->quote = 0;
        }
      else if (c == '"' || c == '\'')
        s->quote = (char) c, s->slash = FALSE;
      else if (c == '=')
        {
          s->slash = FALSE;
          if (++s->attributes > TM_MAX_ATTRIBUTES)
            return scan_fail (s, TM_ERROR_LIMIT, s->lt_line, s->lt_column,
                              _("an element with more than %u attributes (TM_MAX_ATTRIBUTES); "
                                 "the file is not read further"), TM_MAX_ATTRIBUTES);
        }
      else if (c == '/')
        s->slash = TRUE;
      else if (c == '>')
        {
          if (!s->slash)
            s->depth++;
          s->state = SCAN_TEXT;
        }
      else if (!g_ascii_isspace (c))
        s->slash = FALSE;
      break;
    case SCAN_END:
      if (c == '>')
        {
          if (s->depth > 0)
            s->depth--;
          s->state = SCAN_TEXT;
        }
      break;
    case SCAN_BANG:
      s->bang[s->n_bang++] = (char) c;
      if (s->n_bang == 2 && memcmp (s->bang, "--", 2) == 0)
        {
          s->state = SCAN_COMMENT;
          s->run = 0;
        }
      else if (s->n_bang == 7 && memcmp (s->bang, "[CDATA[", 7) == 0)
        {
          s->state = SCAN_CDATA;
          s->run = 0;
        }
      else if (s->n_bang == 7 && memcmp (s->bang, "DOCTYPE", 7) == 0)
        return scan_fail (s, TM_ERROR_INVALID, s->lt_line, s->lt_column,
                          _("a DOCTYPE declaration is not allowed in a corpus file "
                             "(its entities could read other files or expand without bound)"));
      else if (c == '>')
        s->state = SCAN_TEXT;
      else if (strncmp (s->bang, "--", MIN (s->n_bang, 2)) != 0
               && strncmp (s->bang, "[CDATA[", s->n_bang) != 0
               && strncmp (s->bang, "DOCTYPE", s->n_bang) != 0)
        s->state = SCAN_DECL;
      break;
    case SCAN_COMMENT:
      if (c == '-')
        s->run++;
      else
        {
          if (c == '>' && s->run >= 2)
            s->state = SCAN_TEXT;
          s->run = 0;
        }
      break;
    case SCAN_CDATA:
      if (c == ']')
        s->run++;
      else
        {
          if (c == '>' && s->run >= 2)
            s->state = SCAN_TEXT;
          s->run = 0;
        }
      break;
    case SCAN_PI:
      if (c == '>' && s->run)
        s->state = SCAN_TEXT;
      s->run = c == '?';
      break;
    case SCAN_DECL:
      if (c == '>')
        s->state = SCAN_TEXT;
      break;
    }
  s->offset++;
  return TRUE;
}

/* libxml2's read callback: the file through the scanner. */
static int
scan_read (void *context, char *buf, int len)
{
  Scan *s = context;
  ssize_t n;

  if (s->error != NULL)
    return -1;
  do
    n = read (s->fd, buf, (gsize) len);
  while (n < 0 && errno == EINTR);
  if (n < 0)
    {
      int saved = errno;
      scan_fail (s, TM_ERROR_IO, s->line, s->column, "%s", g_strerror (saved));
      return -1;
    }
  if (s->offset == 0 && n >= 2)
    {
      const guchar *b = (const guchar *) buf;

      /* UTF-16, by its byte-order mark or by a '<' beside a zero byte. */
      if ((b[0] == 0xFE && b[1] == 0xFF) || (b[0] == 0xFF && b[1] == 0xFE)
          || (b[0] == 0 && b[1] == '<') || (b[0] == '<' && b[1] == 0))
        s->scan = FALSE;
    }
  if (s->scan)
    for (ssize_t i = 0; i < n; i++)
      if (!scan_byte (s, (guchar) buf[i]))
        return -1;
  return (int) n;
}

static int
scan_close (void *context)
{
  return 0;  /* the reader closes its file */
}

static void
report (TmReader *reader, guint line, guint column, const char *record_id,
        const char *format, ...) G_GNUC_PRINTF (5, 6);

static void
report (TmReader *reader, guint line, guint column, const char *record_id,
        const char *format, ...)
{
  g_autofree char *message = NULL;
  TmProblem problem = { 0 };
  va_list args;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);

  problem.file = reader->path;
  problem.line = line;
  problem.column = column;
  problem.record_id = record_id;
  problem.message = message;
  if (reader->problem_func != NULL)
    reader->problem_func (&problem, reader->user_data);
}

static char *
clean_libxml_message (const char *message)
{
  char *s = g_strdup (message != NULL ? message : _("unknown error"));

  /* Some libxml2 messages run over two lines ("... !\nBytes: 0xC3"):
   * one problem, one line. */
  g_strdelimit (g_strstrip (s), "\n", ' ');
  return s;
}

/* Parser errors: fatal ones end the file and are kept for the next call;
 * the others are reported as they come. */
static void
on_parser_error (void *data, xmlErrorPtr err)
{
  TmReader *reader = data;
  g_autofree char *text = clean_libxml_message (err->message);

  if (err->level == XML_ERR_WARNING)
    return;
  /* Parser errors end the file (libxml2 stops reading after them, some
   * reported as mere errors, such as a text node over its size limit):
   * the first one is the message. */
  if (err->level == XML_ERR_FATAL || err->domain == XML_FROM_IO || err->domain == XML_FROM_PARSER)
    {
      if (reader->fatal == NULL)
        {
          reader->fatal = g_steal_pointer (&text);
          reader->fatal_line = err->line > 0 ? (guint) err->line : 0;
          reader->fatal_column = err->int2 > 0 ? (guint) err->int2 : 0;
        }
      return;
    }
  report (reader, err->line > 0 ? (guint) err->line : 0,
          err->int2 > 0 ? (guint) err->int2 : 0, NULL, "%s", text);
}

/* Schema errors for the record being validated: collected, then reported
 * once the record is done (see report_record_messages()). */
static void
on_schema_error (void *data, xmlErrorPtr err)
{
  TmReader *reader = data;
  TmReaderMessage *m = g_new0 (TmReaderMessage, 1);
  xmlNodePtr node = err->node;

  m->text = clean_libxml_message (err->message);
  if (node != NULL && node->type == XML_ELEMENT_NODE)
    {
      long line = xmlGetLineNo (node);

      m->line = line > 0 ? (guint) line : reader->record_line;
      m->element = g_strdup ((const char *) node->name);
    }
  else
    {
      m->line = reader->record_line;
      m->element = g_strdup (reader->record_name);
    }
  g_ptr_array_add (reader->record_messages, m);
}

/* libxml2 follows a precise error inside a record with generic ones about
 * the enclosing elements ("... failed to validate content").  Those add
 * nothing once a precise message has been given. */
static gboolean
is_generic_schema_message (const char *text)
{
  return strstr (text, "failed to validate content") != NULL
    || strstr (text, "Invalid sequence in interleave") != NULL
    || strstr (text, "has extra content") != NULL;
}

static void
report_record_messages (TmReader *reader)
{
  GPtrArray *messages = reader->record_messages;
  gboolean have_precise = FALSE;

  for (guint i = 0; i < messages->len; i++)
    {
      TmReaderMessage *m = messages->pdata[i];
      if (!is_generic_schema_message (m->text))
        have_precise = TRUE;
    }
  for (guint i = 0; i < messages->len; i++)
    {
      TmReaderMessage *m = messages->pdata[i];

      if (have_precise && is_generic_schema_message (m->text))
        continue;
      report (reader, m->line, locate (reader, m->line, m->element),
              reader->record_id, _("schema: %s"), m->text);
      /* Without a precise message, the first generic one says it all. */
      if (!have_precise)
        break;
    }
}

/* ---- opening -------------------------------------------------------- */

static gboolean
set_fatal_error (TmReader *reader, GError **error)
{
  if (reader->scan.error != NULL)
    g_set_error (error, TM_ERROR, reader->scan.code, "%s:%s", reader->path, reader->scan.error);
  else if (reader->fatal != NULL)
    g_set_error (error, TM_ERROR, TM_ERROR_PARSE, "%s:%u:%u: %s",
                 reader->path, reader->fatal_line, reader->fatal_column, reader->fatal);
  else
    g_set_error (error, TM_ERROR, TM_ERROR_PARSE, _("%s:%d:%d: unreadable XML"),
                 reader->path, xmlTextReaderGetParserLineNumber (reader->xr),
                 xmlTextReaderGetParserColumnNumber (reader->xr));
  return FALSE;
}

static gboolean
here_error (TmReader *reader, GError **error, TmErrorCode code, const char *format, ...)
  G_GNUC_PRINTF (4, 5);

/* An error at the reader's current position. */
static gboolean
here_error (TmReader *reader, GError **error, TmErrorCode code, const char *format, ...)
{
  g_autofree char *message = NULL;
  xmlNodePtr node = xmlTextReaderCurrentNode (reader->xr);
  guint line = node != NULL ? (guint) xmlGetLineNo (node) : 0;
  guint column = 0;
  va_list args;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);
  if (node != NULL && node->type == XML_ELEMENT_NODE)
    column = locate (reader, line, (const char *) node->name);
  g_set_error (error, TM_ERROR, code, "%s:%u:%u: %s", reader->path, line, column, message);
  return FALSE;
}

/* A DOCTYPE the scanner did not see (a file it does not scan): refused
 * where the parser met it. */
static gboolean
doctype_error (TmReader *reader, GError **error)
{
  g_set_error (error, TM_ERROR, TM_ERROR_INVALID,
               _("%s:%d:%d: a DOCTYPE declaration is not allowed in a corpus file "
                  "(its entities could read other files or expand without bound)"),
               reader->path, xmlTextReaderGetParserLineNumber (reader->xr),
               xmlTextReaderGetParserColumnNumber (reader->xr));
  return FALSE;
}

/* Before the root element: a file with no markup at all says so, rather
 * than what libxml2 makes of it ("Document is empty", "Extra content"). */
static gboolean
no_root_error (TmReader *reader, GError **error)
{
  if (reader->scan.scan && reader->scan.error == NULL && !reader->scan.markup)
    {
      g_set_error (error, TM_ERROR, TM_ERROR_PARSE,
                   reader->scan.content ? _("%s:1:1: no XML markup: a corpus file holds one <corpus> element")
                                        : _("%s:1:1: nothing but white space: a corpus file holds one <corpus> element"),
                   reader->path);
      return FALSE;
    }
  return set_fatal_error (reader, error);
}

/* Reads up to the root element and checks it. */
static gboolean
read_root (TmReader *reader, GError **error)
{
  xmlTextReaderPtr xr = reader->xr;
  g_autofree char *library = NULL;
  const char *name, *ns;
  int ret;

  for (;;)
    {
      ret = xmlTextReaderRead (xr);
      if (ret < 0)
        return no_root_error (reader, error);
      if (ret == 0)
        {
          if (!reader->scan.markup && reader->scan.scan)
            return no_root_error (reader, error);
          return here_error (reader, error, TM_ERROR_PARSE, _("no root element"));
        }
      switch (xmlTextReaderNodeType (xr))
        {
        case XML_READER_TYPE_DOCUMENT_TYPE:
          return doctype_error (reader, error);
        case XML_READER_TYPE_ELEMENT:
          goto root;
        default:
          continue;
        }
    }

root:
  name = (const char *) xmlTextReaderConstLocalName (xr);
  ns = (const char *) xmlTextReaderConstNamespaceUri (xr);
  if (g_strcmp0 (name, "corpus") != 0 || g_strcmp0 (ns, TM_CORPUS_NS) != 0)
    return here_error (reader, error, TM_ERROR_INVALID,
                       /* TRANSLATORS: the root element is <NAME> in namespace "NS";
                        * a corpus file starts with <corpus xmlns="URI"> */
                       _("the root element is <%s>%s%s%s; a corpus file starts with "
                         "<corpus xmlns=\"%s\">"),
                       name, ns != NULL ? _(" in namespace \"") : _(" in no namespace"),
                       ns != NULL ? ns : "", ns != NULL ? "\"" : "", TM_CORPUS_NS);
  library = (char *) xmlTextReaderGetAttribute (xr, BAD_CAST "library");
  if (library == NULL)
    return here_error (reader, error, TM_ERROR_INVALID,
                       _("<corpus> has no library attribute (\"demand\" or \"achievement\")"));
  if (!tm_library_from_name (library, &reader->library))
    return here_error (reader, error, TM_ERROR_INVALID,
                       _("<corpus library=\"%s\">: the library is \"demand\" or \"achievement\""),
                       library);
  if (xmlTextReaderIsEmptyElement (xr))
    reader->done = TRUE;
  return TRUE;
}

/* transfer full */
TmReader *
tm_reader_open (const char *path, TmProblemFunc problem_func, gpointer user_data,
                GError **error)
{
  TmImportOptions options;

  tm_import_options_init (&options);
  options.format = TM_IMPORT_FORMAT_XML;
  return tm_reader_open_full (path, &options, problem_func, user_data, error);
}

/* transfer full */
TmReader *
tm_reader_open_full (const char *path, const TmImportOptions *options,
                     TmProblemFunc problem_func, gpointer user_data, GError **error)
{
  g_autoptr(TmReader) reader = NULL;
  TmImportFormat format;
  struct stat st;

  g_return_val_if_fail (path != NULL, NULL);
  ensure_initialized ();

  reader = g_new0 (TmReader, 1);
  reader->fd = -1;
  reader->path = g_strdup (path);
  reader->problem_func = problem_func;
  reader->user_data = user_data;
  reader->record_messages = g_ptr_array_new_with_free_func (reader_message_free);

  if (options != NULL && options->format != TM_IMPORT_FORMAT_AUTO)
    format = options->format;
  else
    format = tm_import_detect (path);
  if (format != TM_IMPORT_FORMAT_XML && format != TM_IMPORT_FORMAT_AUTO)
    {
      reader->import = tm_import_open (path, options, problem_func, user_data, error);
      if (reader->import == NULL)
        return NULL;
      reader->library = tm_import_get_library (reader->import);
      return g_steal_pointer (&reader);
    }

  /* O_NONBLOCK: a FIFO put in place of a file must not block the open. */
  reader->fd = open (path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
  if (reader->fd < 0)
    {
      int saved = errno;
      g_set_error (error, TM_ERROR, TM_ERROR_IO,
                   "%s: %s", path, g_strerror (saved));
      return NULL;
    }
  if (fstat (reader->fd, &st) != 0 || !S_ISREG (st.st_mode))
    {
      g_set_error (error, TM_ERROR, TM_ERROR_IO, _("%s: not a regular file"), path);
      return NULL;
    }
  if (st.st_size == 0)
    {
      g_set_error (error, TM_ERROR, TM_ERROR_PARSE, _("%s:1:1: empty file: a corpus file "
                      "holds one <corpus> element"), path);
      return NULL;
    }

  {
    guchar head[4];

    /* libxml2 reads no UTF-32 ("Document is empty"): say what it is. */
    if (pread (reader->fd, head, sizeof head, 0) == (ssize_t) sizeof head
        && ((head[0] == 0 && head[1] == 0 && ((head[2] == 0xFE && head[3] == 0xFF) || (head[2] == 0 && head[3] == '<')))
            || (head[2] == 0 && head[3] == 0 && ((head[0] == 0xFF && head[1] == 0xFE) || (head[0] == '<' && head[1] == 0)))))
      {
        g_set_error (error, TM_ERROR, TM_ERROR_PARSE,
                     _("%s:1:1: the file is in UTF-32, which techmatch does not read; "
                        "convert it to UTF-8 (iconv -f UTF-32 -t UTF-8)"), path);
        return NULL;
      }
  }

  /* No XML_PARSE_NOENT (entities are never substituted), no DTDLOAD,
   * DTDVALID or XINCLUDE; NONET in case anything would still try.
   * BIG_LINES keeps line numbers past 65535 for messages.  The bytes
   * come through the scanner. */
  reader->scan.fd = reader->fd;
  reader->scan.scan = TRUE;
  reader->scan.line = 1;
  reader->locator = _tm_locator_new (path);
  reader->xr = xmlReaderForIO (scan_read, scan_close, &reader->scan, path, NULL,
                               XML_PARSE_NONET | XML_PARSE_BIG_LINES);
  if (reader->xr == NULL)
    {
      g_set_error (error, TM_ERROR, TM_ERROR_IO, _("%s: cannot create an XML reader"), path);
      return NULL;
    }
  xmlTextReaderSetStructuredErrorHandler (reader->xr, on_parser_error, reader);

  if (!read_root (reader, error))
    return NULL;
  if (options != NULL && options->library_set && options->library != reader->library)
    {
      g_set_error (error, TM_ERROR, TM_ERROR_INVALID,
                   _("%s: holds the %s library, not the %s library"), path,
                   tm_library_name (reader->library), tm_library_name (options->library));
      return NULL;
    }
  return g_steal_pointer (&reader);
}

TmLibrary
tm_reader_get_library (TmReader *reader)
{
  return reader->library;
}

guint
tm_reader_get_n_bad (TmReader *reader)
{
  return reader->import != NULL ? tm_import_get_n_bad (reader->import) : reader->n_bad;
}

void
tm_reader_free (TmReader *reader)
{
  if (reader == NULL)
    return;
  tm_import_free (reader->import);
  if (reader->xr != NULL)
    xmlFreeTextReader (reader->xr);
  if (reader->fd >= 0)
    close (reader->fd);
  g_ptr_array_unref (reader->record_messages);
  _tm_locator_free (reader->locator);
  g_free (reader->scan.error);
  g_free (reader->fatal);
  g_free (reader->path);
  g_free (reader);
}

/* ---- records -------------------------------------------------------- */

/* The text of @node with white space tidied: runs of spaces, tabs and line
 * breaks become one space, none at either end, and a line break between
 * two non-ASCII characters (Chinese text wrapped in the file) disappears.
 * Returns NULL for an empty text.  transfer full */
char *
_tm_tidy_text (const char *text)
{
  GString *out = g_string_sized_new (strlen (text));
  const char *p = text;

  while (*p != '\0')
    {
      if (g_ascii_isspace (*p))
        {
          gboolean newline = FALSE;
          gboolean prev_wide = out->len > 0 && (guchar) out->str[out->len - 1] >= 0x80;

          for (; g_ascii_isspace (*p); p++)
            if (*p == '\n' || *p == '\r')
              newline = TRUE;
          if (out->len == 0 || *p == '\0')
            continue;
          if (newline && prev_wide && (guchar) *p >= 0x80)
            continue;
          g_string_append_c (out, ' ');
        }
      else
        g_string_append_c (out, *p++);
    }
  if (out->len == 0)
    {
      g_string_free (out, TRUE);
      return NULL;
    }
  /* The string's own size, not the GString's power of two: the index
   * build keeps every record's short fields until the end. */
  {
    gsize len = out->len;

    return g_realloc (g_string_free (out, FALSE), len + 1);
  }
}

static char *
node_text (xmlNodePtr node)
{
  xmlChar *raw = xmlNodeGetContent (node);
  char *text = raw != NULL ? _tm_tidy_text ((const char *) raw) : NULL;

  xmlFree (raw);
  return text;
}

/* YYYY-MM-DD exactly: ten characters, digits and two hyphens (no sign,
 * space or other width that sscanf() would let through). */
static gboolean
parse_date (const char *s)
{
  unsigned y, m, d;

  if (strlen (s) != 10 || s[4] != '-' || s[7] != '-')
    return FALSE;
  for (int i = 0; i < 10; i++)
    if (i != 4 && i != 7 && !g_ascii_isdigit (s[i]))
      return FALSE;
  y = (unsigned) atoi (s);
  m = (unsigned) atoi (s + 5);
  d = (unsigned) atoi (s + 8);
  return y >= 1 && g_date_valid_dmy ((GDateDay) d, (GDateMonth) m, (GDateYear) y);
}

/* A budget: digits, optionally a point and more digits.  No sign, no
 * exponent, no hexadecimal, no "inf" or "nan", which strtod() accepts. */
static gboolean
parse_budget (const char *s, double *out)
{
  const char *p = s;

  if (!g_ascii_isdigit (*p))
    return FALSE;
  while (g_ascii_isdigit (*p))
    p++;
  if (*p == '.')
    {
      p++;
      if (!g_ascii_isdigit (*p))
        return FALSE;
      while (g_ascii_isdigit (*p))
        p++;
    }
  if (*p != '\0')
    return FALSE;
  *out = g_ascii_strtod (s, NULL);
  return *out <= 1e12;
}

typedef struct {
  TmReader *reader;
  TmRecord *record;
  guint problems;
  gsize bytes;
} RecordBuild;

static void
value_problem (RecordBuild *b, xmlNodePtr node, const char *format, ...) G_GNUC_PRINTF (3, 4);

static void
value_problem (RecordBuild *b, xmlNodePtr node, const char *format, ...)
{
  g_autofree char *message = NULL;
  guint line = (guint) xmlGetLineNo (node);
  va_list args;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);
  report (b->reader, line, locate (b->reader, line, (const char *) node->name),
          b->record->id, "%s", message);
  b->problems++;
}

static char *
take_text (RecordBuild *b, xmlNodePtr node)
{
  char *text = node_text (node);

  if (text != NULL)
    b->bytes += strlen (text);
  return text;
}

static void
fill_field (RecordBuild *b, xmlNodePtr node)
{
  TmRecord *r = b->record;
  const char *name = (const char *) node->name;
  char **slot = NULL;

  if (strcmp (name, "title") == 0)
    {
      slot = &r->title;
      *slot = take_text (b, node);
      if (*slot == NULL)
        value_problem (b, node, _("empty <title>: every record needs a title"));
      return;
    }
  if (strcmp (name, "abstract") == 0 || strcmp (name, "description") == 0)
    {
      r->body = take_text (b, node);
      if (r->body == NULL)
        value_problem (b, node, _("empty <%s>"), name);
      return;
    }
  if (strcmp (name, "keywords") == 0)
    {
      for (xmlNodePtr k = node->children; k != NULL; k = k->next)
        {
          char *text;

          if (k->type != XML_ELEMENT_NODE)
            continue;
          text = take_text (b, k);
          if (text != NULL)
            g_ptr_array_add (r->keywords, text);
        }
      return;
    }
  if (strcmp (name, "ip") == 0)
    {
      char *text = take_text (b, node);
      if (text != NULL)
        g_ptr_array_add (r->ip, text);
      return;
    }
  if (strcmp (name, "trl") == 0)
    {
      g_autofree char *text = take_text (b, node);

      if (text == NULL || strlen (text) != 1 || text[0] < '1' || text[0] > '9')
        value_problem (b, node, _("<trl> is \"%s\": a technology readiness level is an integer from 1 to 9"),
                       text != NULL ? text : "");
      else
        r->trl = text[0] - '0';
      return;
    }
  if (strcmp (name, "budget") == 0)
    {
      g_autofree char *text = take_text (b, node);
      xmlChar *unit = xmlGetProp (node, BAD_CAST "unit");
      double v = 0;

      if (text == NULL || !parse_budget (text, &v))
        value_problem (b, node, _("<budget> is \"%s\": a budget is a non-negative number "
                          "in plain digits (such as 200 or 35.5)"),
                       text != NULL ? text : "");
      else
        r->budget = v;
      if (unit != NULL)
        r->budget_unit = _tm_tidy_text ((const char *) unit);
      xmlFree (unit);
      return;
    }
  if (strcmp (name, "deadline") == 0)
    {
      r->deadline = take_text (b, node);
      if (r->deadline == NULL || !parse_date (r->deadline))
        value_problem (b, node, _("<deadline> is \"%s\": a date is written YYYY-MM-DD"),
                       r->deadline != NULL ? r->deadline : "");
      return;
    }

  if (strcmp (name, "institution") == 0 || strcmp (name, "org") == 0)
    slot = &r->org;
  else if (strcmp (name, "region") == 0)
    slot = &r->region;
  else if (strcmp (name, "domain") == 0)
    slot = &r->domain;
  else if (strcmp (name, "transfer") == 0)
    slot = &r->transfer;
  else if (strcmp (name, "cooperation") == 0)
    slot = &r->cooperation;
  if (slot != NULL)
    *slot = take_text (b, node);
}

/* Counts the elements below @node (stopping past the limit) and the
 * <keyword> elements among them. */
static void
count_elements (xmlNodePtr node, guint *n_elements, guint *n_keywords, guint depth)
{
  for (xmlNodePtr c = node->children; c != NULL && *n_elements <= TM_MAX_RECORD_ELEMENTS; c = c->next)
    {
      if (c->type != XML_ELEMENT_NODE)
        continue;
      (*n_elements)++;
      if (depth == 1 && xmlStrEqual (c->name, BAD_CAST "keyword"))
        (*n_keywords)++;
      count_elements (c, n_elements, n_keywords, depth + 1);
    }
}

/* Validates and converts one expanded record element.  Returns the record,
 * or NULL after reporting its problems. */
static TmRecord *
build_record (TmReader *reader, xmlDocPtr doc, xmlNodePtr node)
{
  g_autoptr(TmRecord) record = tm_record_new (reader->library);
  g_autofree char *id = (char *) xmlGetProp (node, BAD_CAST "id");
  g_autofree char *updated = (char *) xmlGetProp (node, BAD_CAST "updated");
  xmlRelaxNGValidCtxtPtr vctxt;
  RecordBuild b = { reader, record, 0, 0 };
  int ret;

  record->id = id != NULL ? g_strstrip (g_strdup (id)) : NULL;
  record->file = g_strdup (reader->path);
  record->line = (guint) xmlGetLineNo (node);

  if (record->id == NULL || record->id[0] == '\0')
    {
      report (reader, record->line,
              locate (reader, record->line, (const char *) node->name), NULL,
              _("<%s> has no id: every record needs an id unique in its library"), node->name);
      return NULL;
    }

  /* Characters, as the schema counts them (valid UTF-8: libxml2 made it). */
  if (g_utf8_strlen (record->id, -1) > TM_MAX_ID_CHARS)
    {
      report (reader, record->line,
              locate (reader, record->line, (const char *) node->name), NULL,
              _("<%s> id is %ld characters long; the limit (TM_MAX_ID_CHARS) is %d"),
              node->name, g_utf8_strlen (record->id, -1), TM_MAX_ID_CHARS);
      return NULL;
    }

  /* Floods the scanner did not stop (it does not scan UTF-16), and
   * keywords by the thousand: refused before validation spends time. */
  {
    guint n_elements = 0, n_keywords = 0;

    count_elements (node, &n_elements, &n_keywords, 0);
    if (n_elements > TM_MAX_RECORD_ELEMENTS || n_keywords > TM_MAX_KEYWORDS)
      {
        report (reader, record->line, locate (reader, record->line, (const char *) node->name),
                record->id, n_elements > TM_MAX_RECORD_ELEMENTS
                ? _("the record holds more than %u elements (TM_MAX_RECORD_ELEMENTS)")
                : _("the record holds more than %u keywords (TM_MAX_KEYWORDS)"),
                n_elements > TM_MAX_RECORD_ELEMENTS ? TM_MAX_RECORD_ELEMENTS : TM_MAX_KEYWORDS);
        return NULL;
      }
  }

  reader->record_id = record->id;
  reader->record_name = (const char *) node->name;
  reader->record_line = record->line;
  g_ptr_array_set_size (reader->record_messages, 0);

  vctxt = xmlRelaxNGNewValidCtxt (record_schemas[reader->library]);
  xmlRelaxNGSetValidStructuredErrors (vctxt, on_schema_error, reader);
  ret = xmlRelaxNGValidatePushElement (vctxt, doc, node);
  if (ret == 0)
    ret = xmlRelaxNGValidateFullElement (vctxt, doc, node);
  else if (ret == 1)
    {
      /* The pattern compiled to a plain content model: the full-element
       * check still validates everything below. */
      ret = xmlRelaxNGValidateFullElement (vctxt, doc, node);
    }
  xmlRelaxNGFreeValidCtxt (vctxt);

  if (reader->record_messages->len > 0 || ret != 1)
    {
      if (reader->record_messages->len == 0)
        report (reader, record->line, locate (reader, record->line, reader->record_name),
                record->id, _("schema: <%s> does not match the schema"), reader->record_name);
      else
        report_record_messages (reader);
      return NULL;
    }

  if (updated != NULL)
    {
      record->updated = _tm_tidy_text (updated);
      if (record->updated == NULL || !parse_date (record->updated))
        value_problem (&b, node, _("updated=\"%s\": a date is written YYYY-MM-DD"), updated);
    }

  for (xmlNodePtr child = node->children; child != NULL; child = child->next)
    if (child->type == XML_ELEMENT_NODE)
      fill_field (&b, child);

  if (b.bytes > TM_MAX_RECORD_BYTES)
    value_problem (&b, node, _("the record holds %zu bytes of text; "
                      "the limit (TM_MAX_RECORD_BYTES) is %u"), b.bytes, TM_MAX_RECORD_BYTES);
  if (b.problems > 0)
    return NULL;
  return g_steal_pointer (&record);
}

/* Records are the elements at depth 1.  Everything deeper is skipped by
 * the loop, having been handled through the expanded record. */
TmRecord *
tm_reader_next (TmReader *reader, GError **error)
{
  xmlTextReaderPtr xr = reader->xr;
  const char *record_name = tm_library_name (reader->library);

  if (reader->import != NULL)
    return tm_import_next (reader->import, error);
  while (!reader->done)
    {
      int ret = xmlTextReaderRead (xr);
      const char *name, *ns;
      xmlNodePtr node;
      TmRecord *record;
      int type;

      if (ret <= 0)
        {
          reader->done = TRUE;
          if (ret < 0)
            set_fatal_error (reader, error);
          return NULL;
        }
      if (xmlTextReaderDepth (xr) != 1)
        continue;
      type = xmlTextReaderNodeType (xr);
      node = xmlTextReaderCurrentNode (xr);

      if (type == XML_READER_TYPE_TEXT || type == XML_READER_TYPE_CDATA)
        {
          report (reader, node != NULL ? (guint) xmlGetLineNo (node) : 0, 0, NULL,
                  _("text outside any record"));
          continue;
        }
      if (type != XML_READER_TYPE_ELEMENT)
        continue;

      name = (const char *) xmlTextReaderConstLocalName (xr);
      ns = (const char *) xmlTextReaderConstNamespaceUri (xr);
      if (g_strcmp0 (name, record_name) != 0 || g_strcmp0 (ns, TM_CORPUS_NS) != 0)
        {
          g_autofree char *id = (char *) xmlTextReaderGetAttribute (xr, BAD_CAST "id");
          guint line = node != NULL ? (guint) xmlGetLineNo (node) : 0;

          report (reader, line, locate (reader, line, name), id,
                  _("unexpected element <%s>%s: the %s library holds <%s> records"),
                  name, g_strcmp0 (ns, TM_CORPUS_NS) != 0 ? _(" outside the techmatch namespace") : "",
                  record_name, record_name);
          reader->n_bad++;
          continue;
        }

      node = xmlTextReaderExpand (xr);
      if (node == NULL)
        {
          reader->done = TRUE;
          set_fatal_error (reader, error);
          return NULL;
        }
      /* node->doc, not xmlTextReaderCurrentDoc (), which hands the caller
       * the whole tree to free. */
      record = build_record (reader, node->doc, node);
      if (record != NULL)
        return record;
      reader->n_bad++;
    }
  return NULL;
}

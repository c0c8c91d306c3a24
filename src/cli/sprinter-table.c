/* sprinter-table.c — the table family of tm-sprinter.h: turns the calls
 * into lines of typed cells, by the rules in tm-sprinter.h, and hands
 * each line to the format's TmTableWriter (sprinter-tsv.c,
 * sprinter-csv.c). */
#include "config.h"

#include <string.h>

#include "tm-sprinter-backend.h"

typedef enum {
  FRAME_RECORD,   /* a document or a map: a line per member */
  FRAME_ROW,      /* a line */
  FRAME_INLINE,   /* a map in a row: its values join the row's line */
  FRAME_LIST,
} FrameKind;

typedef struct {
  FrameKind kind;
  guint base;          /* a row: where its cells start in the line */
  gboolean has_rows;   /* a row: holds rows, which print its cells */
  gboolean in_row;     /* a list: inside a row */
  guint records;       /* a list: records so far */
} Frame;

typedef struct {
  TmSprinter base;
  TmTableWriter *writer;
  GArray *frames;
  GArray *cells;       /* the line being made; TmCell, text owned */
  char *key;           /* a record's pending key */
  char *prefix;
} TableSprinter;

static Frame *
top (TableSprinter *t)
{
  return t->frames->len > 0 ? &g_array_index (t->frames, Frame, t->frames->len - 1) : NULL;
}

static void
push (TableSprinter *t, FrameKind kind)
{
  Frame f = { kind, t->cells->len, FALSE, FALSE, 0 };
  Frame *parent = top (t);

  f.in_row = kind == FRAME_LIST && parent != NULL && (parent->kind == FRAME_ROW || parent->kind == FRAME_INLINE);
  g_array_append_val (t->frames, f);
}

static void
truncate_cells (TableSprinter *t, guint len)
{
  for (guint i = len; i < t->cells->len; i++)
    g_free ((char *) g_array_index (t->cells, TmCell, i).text);
  g_array_set_size (t->cells, len);
}

static void
emit (TableSprinter *t, const TmCell *cells, guint n, gboolean header)
{
  t->writer->klass->line (t->writer, cells, n, header);
}

/* Prints the line being made, if any. */
static void
flush_line (TableSprinter *t)
{
  if (t->cells->len == 0)
    return;
  emit (t, (const TmCell *) t->cells->data, t->cells->len, FALSE);
  truncate_cells (t, 0);
}

static void
add_cell (TableSprinter *t, TmCell cell)
{
  if (t->cells->len == 0 && t->prefix != NULL)
    {
      TmCell p = { TM_CELL_STRING, g_strdup (t->prefix), 0, 0, 0, FALSE };
      g_array_append_val (t->cells, p);
    }
  cell.text = g_strdup (cell.text);
  g_array_append_val (t->cells, cell);
}

/* Before a container: a record's member holding it prints no line. */
static void
before_container (TableSprinter *t)
{
  Frame *f = top (t);

  if (f != NULL && f->kind == FRAME_RECORD)
    {
      flush_line (t);
      g_clear_pointer (&t->key, g_free);
    }
}

static void
scalar (TableSprinter *t, TmCell cell)
{
  Frame *f = top (t);

  g_return_if_fail (f != NULL);
  switch (f->kind)
    {
    case FRAME_RECORD:
      if (t->key != NULL)
        {
          TmCell k = { TM_CELL_STRING, t->key, 0, 0, 0, FALSE };

          flush_line (t);
          add_cell (t, k);
          g_clear_pointer (&t->key, g_free);
        }
      add_cell (t, cell);
      break;
    case FRAME_ROW:
    case FRAME_INLINE:
      add_cell (t, cell);
      break;
    case FRAME_LIST:
      if (!f->in_row)
        flush_line (t);
      add_cell (t, cell);
      if (!f->in_row)
        flush_line (t);
      break;
    }
}

static void
table_start (TmSprinter *sp)
{
  TableSprinter *t = (TableSprinter *) sp;

  if (t->writer->klass->begin != NULL)
    t->writer->klass->begin (t->writer);
}

static void
table_begin_record (TmSprinter *sp)
{
  TableSprinter *t = (TableSprinter *) sp;
  Frame *f = top (t);

  if (f != NULL && (f->kind == FRAME_ROW || f->kind == FRAME_INLINE))
    {
      push (t, FRAME_INLINE);
      return;
    }
  before_container (t);
  if (f != NULL && f->kind == FRAME_LIST && !f->in_row)
    {
      flush_line (t);
      if (f->records++ > 0)
        emit (t, NULL, 0, FALSE);
    }
  push (t, FRAME_RECORD);
}

static void
table_begin_document (TmSprinter *sp, const char *name, int version)
{
  table_begin_record (sp);
}

static void
table_begin_row (TmSprinter *sp)
{
  TableSprinter *t = (TableSprinter *) sp;
  Frame *f = top (t);

  before_container (t);
  if (f != NULL && f->kind == FRAME_LIST && f->in_row)
    {
      /* A row of a row: the outer row's cells start its line. */
      for (guint i = t->frames->len; i > 0; i--)
        {
          Frame *o = &g_array_index (t->frames, Frame, i - 1);
          if (o->kind == FRAME_ROW)
            {
              o->has_rows = TRUE;
              break;
            }
        }
    }
  else
    flush_line (t);
  push (t, FRAME_ROW);
}

static void
table_begin_list (TmSprinter *sp, const char *item)
{
  TableSprinter *t = (TableSprinter *) sp;

  before_container (t);
  push (t, FRAME_LIST);
}

static void
table_end (TmSprinter *sp)
{
  TableSprinter *t = (TableSprinter *) sp;
  Frame f = *top (t);

  g_array_set_size (t->frames, t->frames->len - 1);
  switch (f.kind)
    {
    case FRAME_ROW:
      if (!f.has_rows && t->cells->len > f.base)
        emit (t, (const TmCell *) t->cells->data, t->cells->len, FALSE);
      truncate_cells (t, f.base);
      break;
    case FRAME_RECORD:
      flush_line (t);
      g_clear_pointer (&t->key, g_free);
      break;
    case FRAME_INLINE:
    case FRAME_LIST:
      break;
    }
}

static void
table_key (TmSprinter *sp, const char *key)
{
  TableSprinter *t = (TableSprinter *) sp;
  Frame *f = top (t);

  if (f != NULL && f->kind == FRAME_RECORD)
    {
      g_free (t->key);
      t->key = g_strdup (key);
    }
}

static void
table_string (TmSprinter *sp, const char *value)
{
  TmCell c = { TM_CELL_STRING, value, 0, 0, 0, FALSE };

  scalar ((TableSprinter *) sp, c);
}

static void
table_integer (TmSprinter *sp, gint64 value)
{
  char buf[32];
  TmCell c = { TM_CELL_INTEGER, buf, value, 0, 0, FALSE };

  g_snprintf (buf, sizeof buf, "%" G_GINT64_FORMAT, value);
  scalar ((TableSprinter *) sp, c);
}

static void
table_number (TmSprinter *sp, double value, int decimals)
{
  char buf[64];
  TmCell c = { TM_CELL_NUMBER, buf, 0, 0, decimals, FALSE };

  _tm_sprinter_format_number (buf, sizeof buf, value, decimals);
  c.number = g_ascii_strtod (buf, NULL);
  scalar ((TableSprinter *) sp, c);
}

static void
table_boolean (TmSprinter *sp, gboolean value)
{
  TmCell c = { TM_CELL_BOOLEAN, value ? "yes" : "no", 0, 0, 0, value };

  scalar ((TableSprinter *) sp, c);
}

static void
table_null (TmSprinter *sp)
{
  TmCell c = { TM_CELL_NULL, "", 0, 0, 0, FALSE };

  scalar ((TableSprinter *) sp, c);
}

static void
table_columns (TmSprinter *sp, const char * const *names)
{
  TableSprinter *t = (TableSprinter *) sp;
  g_autoptr(GArray) cells = NULL;

  if (!sp->options.header && !t->writer->klass->always_header)
    return;
  flush_line (t);
  cells = g_array_new (FALSE, FALSE, sizeof (TmCell));
  for (const char * const *n = names; n != NULL && *n != NULL; n++)
    {
      TmCell c = { TM_CELL_STRING, *n, 0, 0, 0, FALSE };
      g_array_append_val (cells, c);
    }
  emit (t, (const TmCell *) cells->data, cells->len, TRUE);
}

static void
table_prefix (TmSprinter *sp, const char *cell)
{
  TableSprinter *t = (TableSprinter *) sp;

  g_free (t->prefix);
  t->prefix = g_strdup (cell);
}

static gboolean
table_finish (TmSprinter *sp, GError **error)
{
  TableSprinter *t = (TableSprinter *) sp;

  flush_line (t);
  return t->writer->klass->finish == NULL || t->writer->klass->finish (t->writer, error);
}

static void
table_free (TmSprinter *sp)
{
  TableSprinter *t = (TableSprinter *) sp;

  if (t->writer->klass->free != NULL)
    t->writer->klass->free (t->writer);
  g_free (t->writer);
  truncate_cells (t, 0);
  g_array_unref (t->cells);
  g_array_unref (t->frames);
  g_free (t->key);
  g_free (t->prefix);
}

static const TmSprinterClass table_class = {
  .start = table_start,
  .begin_document = table_begin_document,
  .begin_map = table_begin_record,
  .begin_row = table_begin_row,
  .begin_list = table_begin_list,
  .begin_stream = table_begin_list,
  .end = table_end,
  .key = table_key,
  .string = table_string,
  .integer = table_integer,
  .number = table_number,
  .boolean = table_boolean,
  .null = table_null,
  .columns = table_columns,
  .prefix = table_prefix,
  .finish = table_finish,
  .free = table_free,
};

TmSprinter *
_tm_sprinter_table_new (TmTableWriter *writer)
{
  TableSprinter *t = g_new0 (TableSprinter, 1);

  t->base.klass = &table_class;
  t->base.family = TM_SPRINTER_TABLE;
  t->writer = writer;
  writer->sp = &t->base;
  t->frames = g_array_new (FALSE, FALSE, sizeof (Frame));
  t->cells = g_array_new (FALSE, FALSE, sizeof (TmCell));
  return &t->base;
}
